package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// testEvent is one line of `go test -json` (cmd/test2json's TestEvent, plus
// the build events go test adds since Go 1.24).
type testEvent struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string // build-output and build-fail events
	FailedBuild string // on a package's fail event when its build failed
}

// pkgResult is what one package's tests did.
type pkgResult struct {
	Package string
	// Status is the package's verdict: "pass", "fail", "skip" (no test
	// files), or "" when go test never reported one (it was killed).
	Status                  string
	Passed, Failed, Skipped int // top-level tests only
	BuildFailed             bool
	// Failures are the failed tests, subtests included, in the order they failed.
	Failures []failure
	// Output is the package-level output (outside any test), its last lines only.
	Output []string
	// Ran maps each top-level test that finished to its verdict: pass, fail or skip.
	Ran map[string]string
	// Unfinished are the tests that had started but not finished when the
	// package's binary ended: the one that hung or crashed it.
	Unfinished []string
	// NoControlPlane counts the tests (subtests included) that cluster.Get
	// skipped for want of a control plane (their output says
	// cluster.IntegrationSkipped). Under the controlplane command, which
	// hands every test binary one, that is a broken switch, and a failure.
	NoControlPlane int

	testOutput map[string][]string // the last lines each running test printed
}

// failure is one failed test and the last lines it printed.
type failure struct {
	Test   string
	Output []string
}

// maxOutputLines bounds the output kept per test and per package.
const maxOutputLines = 40

// suiteResults collects the events of one `go test -json` run.
type suiteResults struct {
	pkgs  map[string]*pkgResult
	order []string
	// Noise counts stdout lines that were not JSON events.
	Noise int
	// plain, when not nil, gets go test's plain output back (see printPlain).
	plain io.Writer
}

func newSuiteResults() *suiteResults {
	return &suiteResults{pkgs: map[string]*pkgResult{}}
}

// pkg returns the result of package name, adding it on first sight.
func (s *suiteResults) pkg(name string) *pkgResult {
	if p, ok := s.pkgs[name]; ok {
		return p
	}
	p := &pkgResult{Package: name, Ran: map[string]string{}, testOutput: map[string][]string{}}
	s.pkgs[name] = p
	s.order = append(s.order, name)
	return p
}

// Packages returns every package seen, sorted by import path.
func (s *suiteResults) Packages() []*pkgResult {
	names := append([]string(nil), s.order...)
	sort.Strings(names)
	out := make([]*pkgResult, 0, len(names))
	for _, n := range names {
		out = append(out, s.pkgs[n])
	}
	return out
}

// Get returns the result of package name, or nil when go test said nothing of it.
func (s *suiteResults) Get(name string) *pkgResult { return s.pkgs[name] }

// add folds one event into the results.
func (s *suiteResults) add(ev testEvent) {
	switch ev.Action {
	case "build-output":
		p := s.pkg(buildPackage(ev.ImportPath))
		p.Output = appendBounded(p.Output, ev.Output)
		return
	case "build-fail":
		p := s.pkg(buildPackage(ev.ImportPath))
		p.BuildFailed = true
		return
	}
	if ev.Package == "" {
		return
	}
	p := s.pkg(ev.Package)
	if ev.Test == "" {
		switch ev.Action {
		case "output":
			p.Output = appendBounded(p.Output, ev.Output)
		case "pass", "fail", "skip":
			p.Status = ev.Action
			if ev.FailedBuild != "" {
				p.BuildFailed = true
			}
			for name := range p.testOutput {
				p.Unfinished = append(p.Unfinished, name)
			}
			sort.Strings(p.Unfinished)
		}
		return
	}
	switch ev.Action {
	case "run":
		p.testOutput[ev.Test] = p.testOutput[ev.Test][:0:0]
	case "output":
		p.testOutput[ev.Test] = appendBounded(p.testOutput[ev.Test], ev.Output)
	case "pass", "fail", "skip":
		topLevel := !strings.Contains(ev.Test, "/")
		if topLevel {
			p.Ran[ev.Test] = ev.Action
		}
		switch ev.Action {
		case "pass":
			if topLevel {
				p.Passed++
			}
		case "skip":
			if topLevel {
				p.Skipped++
			}
			if saysNoControlPlane(p.testOutput[ev.Test]) {
				p.NoControlPlane++
			}
		case "fail":
			if topLevel {
				p.Failed++
			}
			p.Failures = append(p.Failures, failure{Test: ev.Test, Output: p.testOutput[ev.Test]})
		}
		delete(p.testOutput, ev.Test)
	}
}

// saysNoControlPlane reports whether a skipped test's output is
// cluster.Get's skip for want of a control plane.
func saysNoControlPlane(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, cluster.IntegrationSkipped) {
			return true
		}
	}
	return false
}

// buildPackage maps the ImportPath of a build event to the package whose
// tests it builds: "m/b [m/b.test]" and "m/b_test [m/b.test]" are m/b.
func buildPackage(importPath string) string {
	if _, variant, ok := strings.Cut(importPath, " ["); ok {
		return strings.TrimSuffix(strings.TrimSuffix(variant, "]"), ".test")
	}
	return importPath
}

func appendBounded(lines []string, out string) []string {
	out = strings.TrimRight(out, "\n")
	if out == "" {
		return lines
	}
	lines = append(lines, out)
	if len(lines) > maxOutputLines {
		lines = lines[len(lines)-maxOutputLines:]
	}
	return lines
}

// readTestJSON reads `go test -json` output from r into s until EOF,
// copying every line to tee when it is not nil.
func readTestJSON(r io.Reader, s *suiteResults, tee io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if tee != nil {
			if _, err := fmt.Fprintf(tee, "%s\n", line); err != nil {
				return fmt.Errorf("copy go test output: %w", err)
			}
		}
		var ev testEvent
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			s.Noise++
			continue
		}
		s.add(ev)
		s.printPlain(ev)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read go test -json output: %w", err)
	}
	return nil
}

// Cell renders a package's result as a table cell: "PASS 12", "PASS 12 (2 skipped)",
// "FAIL 3/15", "BUILD FAIL", "NO TESTS", or "NOT RUN" for nil.
func (p *pkgResult) Cell() string {
	switch {
	case p == nil:
		return "NOT RUN"
	case p.BuildFailed:
		return "BUILD FAIL"
	case p.NoControlPlane > 0:
		return fmt.Sprintf("NO CONTROL PLANE (%d skipped)", p.NoControlPlane)
	case p.Status == "skip" || (p.Status == "pass" && p.Passed+p.Failed+p.Skipped == 0):
		return "NO TESTS"
	}
	total := p.Passed + p.Failed + p.Skipped
	skipped := ""
	if p.Skipped > 0 {
		skipped = fmt.Sprintf(" (%d skipped)", p.Skipped)
	}
	switch {
	case p.Status == "pass" && p.Failed == 0:
		return fmt.Sprintf("PASS %d%s", p.Passed, skipped)
	case p.Failed > 0:
		return fmt.Sprintf("FAIL %d/%d%s", p.Failed, total, skipped)
	case p.Status == "fail":
		// The binary failed outside any test: TestMain, a panic, a timeout.
		return fmt.Sprintf("FAIL (%d passed, then the binary failed)", p.Passed)
	default:
		return fmt.Sprintf("INCOMPLETE (%d passed)", p.Passed)
	}
}

// OK reports whether the package passed (or has no tests) with no test
// skipped for want of a control plane.
func (p *pkgResult) OK() bool {
	return p != nil && !p.BuildFailed && p.Failed == 0 && p.NoControlPlane == 0 && (p.Status == "pass" || p.Status == "skip")
}

// printPlain writes to s.plain (when set) what a plain go test prints for ev,
// once add has folded it in: build errors, each package's own lines (ok,
// FAIL, panics), each failed test's last lines, and the last lines of the
// tests still running when a package's binary died.
func (s *suiteResults) printPlain(ev testEvent) {
	if s.plain == nil {
		return
	}
	switch {
	case ev.Action == "build-output":
		fmt.Fprint(s.plain, ev.Output)
	case ev.Package == "":
	case ev.Test == "" && ev.Action == "output":
		fmt.Fprint(s.plain, ev.Output)
	case ev.Test == "" && ev.Action == "fail":
		p := s.pkgs[ev.Package]
		for _, name := range p.Unfinished {
			fmt.Fprintf(s.plain, "--- still running when %s's binary ended: %s\n", ev.Package, name)
			printLines(s.plain, p.testOutput[name])
		}
	case ev.Action == "fail":
		p := s.pkgs[ev.Package]
		printLines(s.plain, p.Failures[len(p.Failures)-1].Output)
	}
}

func printLines(w io.Writer, lines []string) {
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
