package main

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// jsonLines joins go test -json events, one per line.
func jsonLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestReadTestJSON(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      []*pkgResult
		wantCells []string
		wantNoise int
	}{
		{
			name: "pass, fail with subtest, skip",
			in: jsonLines(
				`{"Action":"start","Package":"m/a"}`,
				`{"Action":"run","Package":"m/a","Test":"TestOK"}`,
				`{"Action":"pass","Package":"m/a","Test":"TestOK","Elapsed":0.1}`,
				`{"Action":"run","Package":"m/a","Test":"TestBad"}`,
				`{"Action":"output","Package":"m/a","Test":"TestBad/sub","Output":"    x_test.go:9: boom\n"}`,
				`{"Action":"fail","Package":"m/a","Test":"TestBad/sub"}`,
				`{"Action":"fail","Package":"m/a","Test":"TestBad"}`,
				`{"Action":"skip","Package":"m/a","Test":"TestRecord"}`,
				`{"Action":"output","Package":"m/a","Output":"FAIL\n"}`,
				`{"Action":"fail","Package":"m/a","Elapsed":1}`,
			),
			want: []*pkgResult{{
				Package: "m/a", Status: "fail", Passed: 1, Failed: 1, Skipped: 1,
				Failures: []failure{{Test: "TestBad/sub", Output: []string{"    x_test.go:9: boom"}}, {Test: "TestBad"}},
				Output:   []string{"FAIL"},
				Ran:      map[string]string{"TestOK": "pass", "TestBad": "fail", "TestRecord": "skip"},
			}},
			wantCells: []string{"FAIL 1/3 (1 skipped)"},
		},
		{
			name: "build failure",
			in: jsonLines(
				`{"ImportPath":"m/b [m/b.test]","Action":"build-output","Output":"# m/b\n"}`,
				`{"ImportPath":"m/b_test [m/b.test]","Action":"build-output","Output":"b.go:3:1: syntax error\n"}`,
				`{"ImportPath":"m/b [m/b.test]","Action":"build-fail"}`,
				`{"Action":"start","Package":"m/b"}`,
				`{"Action":"output","Package":"m/b","Output":"FAIL\tm/b [build failed]\n"}`,
				`{"Action":"fail","Package":"m/b","Elapsed":0,"FailedBuild":"m/b [m/b.test]"}`,
			),
			want: []*pkgResult{{
				Package: "m/b", Status: "fail", BuildFailed: true,
				Output: []string{"# m/b", "b.go:3:1: syntax error", "FAIL\tm/b [build failed]"}, Ran: map[string]string{},
			}},
			wantCells: []string{"BUILD FAIL"},
		},
		{
			name: "no test files, a pass with skips, noise",
			in: jsonLines(
				`go: downloading something`,
				`{"Action":"skip","Package":"m/c"}`,
				`{"Action":"pass","Package":"m/d","Test":"TestA"}`,
				`{"Action":"skip","Package":"m/d","Test":"TestB"}`,
				`{"Action":"pass","Package":"m/d","Test":"TestA/x"}`,
				`{"Action":"pass","Package":"m/d"}`,
			),
			want: []*pkgResult{
				{Package: "m/c", Status: "skip", Ran: map[string]string{}},
				{Package: "m/d", Status: "pass", Passed: 1, Skipped: 1, Ran: map[string]string{"TestA": "pass", "TestB": "skip"}},
			},
			wantCells: []string{"NO TESTS", "PASS 1 (1 skipped)"},
			wantNoise: 1,
		},
		{
			name: "binary died after a pass",
			in: jsonLines(
				`{"Action":"pass","Package":"m/e","Test":"TestA"}`,
				`{"Action":"run","Package":"m/e","Test":"TestHang"}`,
				`{"Action":"output","Package":"m/e","Output":"panic: test timed out after 1s\n"}`,
				`{"Action":"fail","Package":"m/e"}`,
				`{"Action":"pass","Package":"m/f","Test":"TestA"}`,
			),
			want: []*pkgResult{
				{Package: "m/e", Status: "fail", Passed: 1, Output: []string{"panic: test timed out after 1s"}, Ran: map[string]string{"TestA": "pass"}, Unfinished: []string{"TestHang"}},
				{Package: "m/f", Passed: 1, Ran: map[string]string{"TestA": "pass"}},
			},
			wantCells: []string{"FAIL (1 passed, then the binary failed)", "INCOMPLETE (1 passed)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSuiteResults()
			var tee bytes.Buffer
			if err := readTestJSON(strings.NewReader(tc.in), s, &tee); err != nil {
				t.Fatal(err)
			}
			if tee.String() != tc.in {
				t.Errorf("tee got %q, want the input", tee.String())
			}
			got := s.Packages()
			if d := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(pkgResult{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("results (-want +got):\n%s", d)
			}
			var cells []string
			for _, p := range got {
				cells = append(cells, p.Cell())
			}
			if d := cmp.Diff(tc.wantCells, cells); d != "" {
				t.Errorf("cells (-want +got):\n%s", d)
			}
			if s.Noise != tc.wantNoise {
				t.Errorf("noise = %d, want %d", s.Noise, tc.wantNoise)
			}
		})
	}
}

func TestOutputBounded(t *testing.T) {
	s := newSuiteResults()
	for i := 0; i < 3*maxOutputLines; i++ {
		s.add(testEvent{Action: "output", Package: "m/a", Test: "TestA", Output: "line\n"})
	}
	s.add(testEvent{Action: "fail", Package: "m/a", Test: "TestA"})
	if got := len(s.Get("m/a").Failures[0].Output); got != maxOutputLines {
		t.Errorf("kept %d lines, want %d", got, maxOutputLines)
	}
}

func TestMatrixRows(t *testing.T) {
	type row struct{ Name, Choice string }
	tests := []struct {
		name     string
		versions []string
		legacy   bool
		want     []row
		wantErr  string
	}{
		{
			name: "legacy row only for 1.29", versions: []string{"1.29", "1.36", "1.37"}, legacy: true,
			want: []row{
				{"1.29", "v1.29.6"},
				{"1.29 legacy discovery", "v1.29.6 AggregatedDiscoveryEndpoint=false"},
				{"1.36", "v1.36.3"},
				{"1.37", "v1.37.2"},
			},
		},
		{name: "no legacy", versions: []string{"v1.29.6"}, legacy: false, want: []row{{"1.29", "v1.29.6"}}},
		{name: "unpinned minor", versions: []string{"1.27"}, wantErr: "no pinned version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := matrixRows(tc.versions, tc.legacy)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, r := range rows {
				got = append(got, row{r.Name, r.Choice.String()})
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestMatrixTable(t *testing.T) {
	res := newSuiteResults()
	for _, ev := range []testEvent{
		{Action: "pass", Package: "m/a", Test: "TestA"},
		{Action: "pass", Package: "m/a"},
		{Action: "output", Package: "m/b", Test: "TestB", Output: "    b_test.go:1: want v2, got v2beta1\n"},
		{Action: "fail", Package: "m/b", Test: "TestB"},
		{Action: "fail", Package: "m/b"},
	} {
		res.add(ev)
	}
	rows := []*matrixRow{
		{Name: "1.30", Minor: 30, StartErr: errors.New("kube-apiserver exited")},
		{Name: "1.29", Minor: 29, Server: "v1.29.6", Results: res},
	}
	got := matrixTable(rows, "m", []string{"m/a", "m/b"}, time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC))
	want := `
kubedyn compatibility matrix, run 2026-11-23 16:00 UTC (counts are top-level tests)

| server | a | b |
|---|---|---|
| 1.29 (v1.29.6) | PASS 1 | FAIL 1/1 |
| 1.30 | NO SERVER | NO SERVER |
`
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("table (-want +got):\n%s", d)
	}
	details := matrixFailures(rows, "m")
	for _, s := range []string{"### 1.29 × b: FAIL 1/1", "- TestB", "want v2, got v2beta1", "### 1.30: kube-apiserver exited"} {
		if !strings.Contains(details, s) {
			t.Errorf("failure details lack %q:\n%s", s, details)
		}
	}
}

func TestSmokeRunPatternSelectsEveryTest(t *testing.T) {
	re, err := regexp.Compile(smokeRunPattern())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range smokeTests {
		for _, n := range s.tests {
			if !re.MatchString(n) {
				t.Errorf("pattern %s misses %s", re, n)
			}
			if re.MatchString(n + "Extra") {
				t.Errorf("pattern %s is not anchored: matches %sExtra", re, n)
			}
		}
	}
}

func TestSmokeVerdict(t *testing.T) {
	res := newSuiteResults()
	res.add(testEvent{Action: "pass", Package: "m/discovery", Test: "TestIntegrationAggregatedEqualsLegacy"})
	res.add(testEvent{Action: "fail", Package: "m/discovery", Test: "TestIntegrationInvalidateSeesNewCRD"})
	rows := []*matrixRow{{Name: "1.29", Results: res}, {Name: "1.29 legacy discovery", StartErr: errors.New("no server")}}
	got := smokeVerdict(rows, "m")
	want := []string{
		"compat smoke 1.29: discovery.TestIntegrationInvalidateSeesNewCRD: fail",
		"compat smoke 1.29: restmapper.TestIntegrationCRDAfterBuild did not run (NOT RUN; renamed? update smokeTests)",
	}
	if len(got) < 3 {
		t.Fatalf("verdict %q: want failures for the failed test, every missing test and the server that did not start", got)
	}
	if d := cmp.Diff(want, got[:2]); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if last := got[len(got)-1]; last != "compat smoke 1.29 legacy discovery: no server" {
		t.Errorf("last = %q", last)
	}
}

func TestServerChoiceFlags(t *testing.T) {
	tests := []struct {
		name                      string
		env                       string
		version, gates, aggregate string
		want                      string
		wantErr                   string
	}{
		{name: "default", want: "v1.37.2"},
		{name: "env version", env: "1.30", want: "v1.30.14"},
		{name: "flag beats env", env: "1.30", version: "1.29", want: "v1.29.6"},
		{name: "legacy", version: "1.29", aggregate: "false", want: "v1.29.6 AggregatedDiscoveryEndpoint=false"},
		{name: "gates", version: "1.29", gates: "WatchList=true", want: "v1.29.6 WatchList=true"},
		{name: "bad flag", aggregate: "maybe", wantErr: "-aggregated-discovery"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KUBEDYN_K8S_VERSION", tc.env)
			t.Setenv("KUBEDYN_K8S_FEATURE_GATES", "")
			t.Setenv("KUBEDYN_AGGREGATED_DISCOVERY", "")
			c, err := serverChoice(tc.version, tc.gates, tc.aggregate)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.String(); got != tc.want {
				t.Errorf("choice = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPickIntegrationPackages(t *testing.T) {
	listed := "m/a a_test.go a_integration_test.go\nm/b b_test.go\nm/c\nm/d d_integration_test.go\n"
	if d := cmp.Diff([]string{"m/a", "m/d"}, integrationPackages(listed)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestMatrixVerdict(t *testing.T) {
	passed := newSuiteResults()
	passed.add(testEvent{Action: "pass", Package: "m/a", Test: "TestA"})
	passed.add(testEvent{Action: "pass", Package: "m/a"})
	failed := newSuiteResults()
	failed.add(testEvent{Action: "fail", Package: "m/a", Test: "TestA"})
	failed.add(testEvent{Action: "fail", Package: "m/a"})
	tests := []struct {
		name    string
		rows    []*matrixRow
		wantErr string
	}{
		{name: "all pass", rows: []*matrixRow{{Name: "1.29", Results: passed}, {Name: "1.30", Results: passed}}},
		{name: "a failed cell", rows: []*matrixRow{{Name: "1.29", Results: passed}, {Name: "1.30", Results: failed}}, wantErr: "some cells failed"},
		{name: "a package never reported", rows: []*matrixRow{{Name: "1.29", Results: newSuiteResults()}}, wantErr: "some cells failed"},
		{name: "no server", rows: []*matrixRow{{Name: "1.29", StartErr: errors.New("exited")}}, wantErr: "did not start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := matrixVerdict(tc.rows, []string{"m/a"})
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("matrixVerdict = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
