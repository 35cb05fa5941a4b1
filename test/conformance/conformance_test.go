package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// ignoreUnexported leaves out Step's bookkeeping.
var ignoreUnexported = cmpopts.IgnoreUnexported(Step{})

// compacts names the scenarios that compact the server's history.
var compacts = map[string]bool{"lists/continue-expired": true, "lists/rv-exact-expired": true, "watch/expired-rv": true}

// minScenarios is the size the suite must keep (issue 18).
const minScenarios = 150

// listedScenarios reads the names SCENARIOS.md lists.
func listedScenarios(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("SCENARIOS.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "- `") {
			continue
		}
		name, _, ok := strings.Cut(strings.TrimPrefix(line, "- `"), "`")
		if !ok {
			t.Fatalf("SCENARIOS.md: malformed line %q", line)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func TestScenarioListMatchesCode(t *testing.T) {
	var code []string
	for _, s := range Scenarios() {
		code = append(code, s.Name)
	}
	listed := listedScenarios(t)
	if diff := cmp.Diff(listed, code); diff != "" {
		t.Errorf("SCENARIOS.md (-) and the registered scenarios (+) differ:\n%s", diff)
	}
	if len(code) < minScenarios {
		t.Errorf("%d scenarios, want at least %d", len(code), minScenarios)
	}
	for name := range KnownDiffs {
		if !contains(listed, name) {
			t.Errorf("KnownDiffs names %s, which is no scenario", name)
		}
	}
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// realShared returns the real control plane's shared state when
// integration tests are wanted, else nil.
func realShared(t *testing.T) *Shared {
	if os.Getenv(cluster.KubeconfigEnv) == "" && !truthy(cluster.IntegrationEnv) {
		return nil
	}
	env := cluster.Get(t)
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: cluster.AdminContext})
	if err != nil {
		t.Fatal(err)
	}
	s := NewShared("kube-apiserver", *cfg)
	s.Compact = func(ctx context.Context) error {
		_, err := env.CompactEtcd(ctx)
		return err
	}
	return s
}

// outcome is one scenario's comparison on memserver.
type outcome struct {
	match bool
	diff  string
}

// TestConformance runs every scenario against the real control plane (when
// integration tests are wanted; its records are compared with, or with
// $KUBEDYN_CONFORMANCE_RECORD=1 written as, the golden files) and against
// memserver (when it is linked in), comparing memserver's records with the
// real server's, live or golden. It fails on a mismatch KnownDiffs does not
// list, and when fewer than 95% of the scenarios match.
func TestConformance(t *testing.T) {
	real := realShared(t)
	mem := memserverFactory(t)
	if real == nil && mem == nil {
		t.Skip("neither a real control plane nor memserver to run the scenarios on")
	}
	record := truthy(RecordEnv)
	var mu sync.Mutex
	results := map[string]outcome{}
	play := func(t *testing.T, s Scenario) {
		o, ok := runScenario(t, s, real, mem, record)
		if ok {
			mu.Lock()
			results[s.Name] = o
			mu.Unlock()
		}
	}
	t.Run("scenario", func(t *testing.T) {
		for _, s := range Scenarios() {
			if !compacts[s.Name] {
				t.Run(s.Name, func(t *testing.T) { t.Parallel(); play(t, s) })
			}
		}
	})
	// Compacting the real server's history makes its watch caches start
	// over, which other scenarios would see: these run alone, last.
	t.Run("scenario", func(t *testing.T) {
		for _, s := range Scenarios() {
			if compacts[s.Name] {
				t.Run(s.Name, func(t *testing.T) { play(t, s) })
			}
		}
	})
	if mem != nil {
		checkOutcomes(t, results)
	}
}

// runScenario plays s on each server available and compares; ok is false
// when memserver was not run.
func runScenario(t *testing.T, s Scenario, real *Shared, mem func(*testing.T) *Shared, record bool) (outcome, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var want Record
	var wantErr error
	if real != nil {
		got, err := Run(ctx, real, s)
		if err != nil {
			t.Fatalf("on kube-apiserver: %v", err)
		}
		if got, err = canonical(got); err != nil {
			t.Fatal(err)
		}
		want = got
		dump(t, "kube-apiserver", s.Name, got, nil)
		if record {
			if err := writeGolden(s.Name, got); err != nil {
				t.Fatal(err)
			}
		} else if golden, err := readGolden(s.Name); err != nil {
			t.Errorf("%v", err)
		} else if diff := cmp.Diff(golden, got, ignoreUnexported); diff != "" {
			t.Errorf("kube-apiserver no longer answers as recorded (golden -, now +); re-record with %s=1 if the change is expected:\n%s", RecordEnv, diff)
		}
	} else {
		want, wantErr = readGolden(s.Name)
	}
	if mem == nil {
		return outcome{}, false
	}
	got, err := Run(ctx, mem(t), s)
	if err == nil {
		got, err = canonical(got)
	}
	dump(t, "memserver", s.Name, got, err)
	var o outcome
	switch {
	case wantErr != nil:
		o.diff = wantErr.Error()
	case err != nil:
		o.diff = "memserver: " + err.Error()
	default:
		o.diff = cmp.Diff(want, got, ignoreUnexported)
	}
	o.match = o.diff == ""
	if reason, known := KnownDiffs[s.Name]; known && !o.match {
		t.Logf("known difference (%s); kube-apiserver -, memserver +:\n%s", reason, o.diff)
	} else if !o.match {
		t.Errorf("memserver differs from kube-apiserver (-) in %s (+):\n%s", s.Name, o.diff)
	}
	return o, true
}

// checkOutcomes reports the match ratio, fails below 95%, and fails on
// KnownDiffs entries that match again. $KUBEDYN_CONFORMANCE_REPORT names a
// file to write the per-scenario outcome to.
func checkOutcomes(t *testing.T, results map[string]outcome) {
	names := sortedStrings(results)
	matched := 0
	var report strings.Builder
	for _, n := range names {
		o := results[n]
		if o.match {
			matched++
			if _, known := KnownDiffs[n]; known && len(results) == len(Scenarios()) {
				t.Errorf("%s matches now; remove it from KnownDiffs", n)
			}
			continue
		}
		fmt.Fprintf(&report, "## %s\n\nreason: %s\n\n```diff\n%s\n```\n\n", n, KnownDiffs[n], o.diff)
	}
	ratio := float64(matched) / float64(max(len(results), 1))
	t.Logf("memserver matches kube-apiserver on %d of %d scenarios (%.1f%%)", matched, len(results), 100*ratio)
	if path := os.Getenv("KUBEDYN_CONFORMANCE_REPORT"); path != "" {
		head := fmt.Sprintf("# memserver vs kube-apiserver: %d of %d scenarios match (%.1f%%)\n\n", matched, len(results), 100*ratio)
		if err := os.WriteFile(path, []byte(head+report.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	if len(results) == len(Scenarios()) && ratio < 0.95 {
		t.Errorf("memserver matches %.1f%% of the scenarios, want at least 95%%", 100*ratio)
	}
}

// dump writes rec (or err) under $KUBEDYN_CONFORMANCE_DUMP/server/, for
// reading what a server answered.
func dump(t *testing.T, server, name string, rec Record, err error) {
	dir := os.Getenv("KUBEDYN_CONFORMANCE_DUMP")
	if dir == "" {
		return
	}
	if err != nil {
		rec = Record{Steps: []Step{{Op: "run failed: " + err.Error()}}}
	}
	path := filepath.Join(dir, server, filepath.FromSlash(name)+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Error(err)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(rec)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Error(err)
	}
}
