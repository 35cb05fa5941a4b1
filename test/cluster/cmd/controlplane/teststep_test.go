package main

import (
	"bytes"
	"context"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// skippedForNoPlane is what cluster.Get prints when it skips a test.
const skippedForNoPlane = `{"Action":"output","Package":"m/a","Test":"TestIntegrationA","Output":"    x_integration_test.go:9: ` + cluster.IntegrationSkipped + `: $KUBEDYN_TEST_KUBECONFIG is unset\n"}`

func TestIntegrationVerdict(t *testing.T) {
	tests := []struct {
		name   string
		events string
		tests  map[string][]string
		want   []string
	}{
		{
			name: "integration tests ran",
			events: jsonLines(
				`{"Action":"pass","Package":"m/a","Test":"TestUnit"}`,
				`{"Action":"pass","Package":"m/a","Test":"TestIntegrationA"}`,
				`{"Action":"skip","Package":"m/a","Test":"TestRecord"}`,
				`{"Action":"pass","Package":"m/a"}`,
			),
			tests: map[string][]string{"m/a": {"TestIntegrationA", "TestRecord"}},
		},
		{
			name: "every integration test skipped, unit tests passed",
			events: jsonLines(
				`{"Action":"pass","Package":"m/a","Test":"TestUnit"}`,
				`{"Action":"skip","Package":"m/a","Test":"TestIntegrationA"}`,
				`{"Action":"skip","Package":"m/a","Test":"TestRecord"}`,
				`{"Action":"pass","Package":"m/a"}`,
			),
			tests: map[string][]string{"m/a": {"TestIntegrationA", "TestRecord"}},
			want:  []string{"m/a: none of its 2 integration tests ran (2 skipped)"},
		},
		{
			name: "skipped by cluster.Get although a control plane was handed over",
			events: jsonLines(
				skippedForNoPlane,
				`{"Action":"skip","Package":"m/a","Test":"TestIntegrationA"}`,
				`{"Action":"pass","Package":"m/a","Test":"TestIntegrationB"}`,
				`{"Action":"pass","Package":"m/a"}`,
			),
			tests: map[string][]string{"m/a": {"TestIntegrationA", "TestIntegrationB"}},
			want:  []string{"m/a: 1 tests skipped for want of a control plane although $KUBEDYN_TEST_KUBECONFIG named one (the integration switch is broken)"},
		},
		{
			name: "passed, but none of the integration tests reported",
			events: jsonLines(
				`{"Action":"pass","Package":"m/a","Test":"TestUnit"}`,
				`{"Action":"pass","Package":"m/a"}`,
			),
			tests: map[string][]string{"m/a": {"TestIntegrationA"}},
			want:  []string{"m/a: none of its 1 integration tests ran (0 skipped)"},
		},
		{
			name: "a binary that died is go test's to report",
			events: jsonLines(
				`{"Action":"output","Package":"m/a","Output":"panic: boom\n"}`,
				`{"Action":"fail","Package":"m/a"}`,
			),
			tests: map[string][]string{"m/a": {"TestIntegrationA"}},
		},
		{
			name: "a build failure is go test's to report",
			events: jsonLines(
				`{"ImportPath":"m/a [m/a.test]","Action":"build-fail"}`,
				`{"Action":"fail","Package":"m/a","FailedBuild":"m/a [m/a.test]"}`,
			),
			tests: map[string][]string{"m/a": {"TestIntegrationA"}},
		},
		{
			name:   "a package without integration tests",
			events: jsonLines(`{"Action":"skip","Package":"m/b","Test":"TestX"}`, `{"Action":"pass","Package":"m/b"}`),
			tests:  map[string][]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSuiteResults()
			if err := readTestJSON(strings.NewReader(tc.events), s, nil); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, integrationVerdict(s, tc.tests)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestNoControlPlaneFailsTheCell(t *testing.T) {
	s := newSuiteResults()
	in := jsonLines(skippedForNoPlane, `{"Action":"skip","Package":"m/a","Test":"TestIntegrationA"}`, `{"Action":"pass","Package":"m/a"}`)
	if err := readTestJSON(strings.NewReader(in), s, nil); err != nil {
		t.Fatal(err)
	}
	p := s.Get("m/a")
	if p.OK() {
		t.Error("OK() = true for a package whose test skipped for want of a control plane")
	}
	if got, want := p.Cell(), "NO CONTROL PLANE (1 skipped)"; got != want {
		t.Errorf("Cell() = %q, want %q", got, want)
	}
}

func TestPrintPlain(t *testing.T) {
	in := jsonLines(
		`{"ImportPath":"m/b [m/b.test]","Action":"build-output","Output":"b.go:3:1: syntax error\n"}`,
		`{"Action":"run","Package":"m/a","Test":"TestOK"}`,
		`{"Action":"output","Package":"m/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}`,
		`{"Action":"pass","Package":"m/a","Test":"TestOK"}`,
		`{"Action":"run","Package":"m/a","Test":"TestBad"}`,
		`{"Action":"output","Package":"m/a","Test":"TestBad","Output":"    a_test.go:9: boom\n"}`,
		`{"Action":"output","Package":"m/a","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}`,
		`{"Action":"fail","Package":"m/a","Test":"TestBad"}`,
		`{"Action":"run","Package":"m/a","Test":"TestHang"}`,
		`{"Action":"output","Package":"m/a","Test":"TestHang","Output":"    waiting\n"}`,
		`{"Action":"output","Package":"m/a","Output":"FAIL\tm/a\t1.0s\n"}`,
		`{"Action":"fail","Package":"m/a"}`,
		`{"Action":"output","Package":"m/c","Output":"ok  \tm/c\t0.1s\n"}`,
		`{"Action":"pass","Package":"m/c"}`,
	)
	s := newSuiteResults()
	var out bytes.Buffer
	s.plain = &out
	if err := readTestJSON(strings.NewReader(in), s, nil); err != nil {
		t.Fatal(err)
	}
	want := "b.go:3:1: syntax error\n" +
		"    a_test.go:9: boom\n--- FAIL: TestBad (0.00s)\n" +
		"FAIL\tm/a\t1.0s\n" +
		"--- still running when m/a's binary ended: TestHang\n    waiting\n" +
		"ok  \tm/c\t0.1s\n"
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestTestFuncs(t *testing.T) {
	src := `package a

import "testing"

func TestMain(m *testing.M) {}
func TestIntegrationA(t *testing.T) {}
func Test(t *testing.T) {}
func Testify(t *testing.T) {}
func TestB_x(t *testing.T) {}
func helper(t *testing.T) {}
func BenchmarkX(b *testing.B) {}
func TestTwoArgs(t *testing.T, x int) {}
type h struct{}
func (h) TestMethod(t *testing.T) {}
`
	path := filepath.Join(t.TempDir(), "a_integration_test.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := testFuncs(token.NewFileSet(), path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"TestIntegrationA", "Test", "TestB_x"}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestIntegrationTestsOfTestCluster(t *testing.T) {
	got, err := integrationTests(context.Background(), ".", []string{"github.com/kubedyn/kubedyn/test/cluster", "github.com/kubedyn/kubedyn/test/cluster/cmd/controlplane"})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got["github.com/kubedyn/kubedyn/test/cluster"])
	want := map[string][]string{"github.com/kubedyn/kubedyn/test/cluster": {
		"TestAuthPaths", "TestKilledOwnerIsSwept", "TestKilledTestBinaryLeavesNothing", "TestKubeconfigAndVersion", "TestStopLeavesNothing",
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
