package main

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// testStep is the "tests" step of the test command: go test -race -json over
// pkgs with env (which hands every test binary the control plane), printed
// as go test's plain output, then checked: a test that cluster.Get skipped
// for want of a control plane, or a package whose integration tests all
// skipped, fails the step, so a broken switch cannot pass by skipping
// everything. dir is the module's directory ("." for the main module). It
// returns what failed.
func testStep(ctx context.Context, dir string, pkgs, env []string) []string {
	return testStepRun(ctx, dir, "", pkgs, env)
}

// testStepRun is testStep with go test -run run (a pattern of top-level
// test names; "" runs all): only the integration tests it matches are
// expected to run.
func testStepRun(ctx context.Context, dir, run string, pkgs, env []string) []string {
	args := []string{"test", "-race", "-json", "-count=1", "-timeout=40m"}
	if run != "" {
		args = append(args, "-run", run)
	}
	args = append(args, pkgs...)
	name := "tests"
	if dir != "." {
		name = dir + " tests"
	}
	fmt.Fprintf(os.Stderr, "\n=== %s: go %s\n", name, strings.Join(args, " "))
	tests, err := integrationTests(ctx, dir, pkgs)
	if err == nil && run != "" {
		tests, err = matchingTests(tests, run)
	}
	if err != nil {
		return []string{name + ": " + err.Error()}
	}
	log, err := os.CreateTemp("", "kubedyn-tests-*.json")
	if err != nil {
		return []string{name + ": " + err.Error()}
	}
	defer log.Close()
	s, runErr := runGoTestJSON(ctx, dir, env, args, log)
	failed := integrationVerdict(s, tests)
	for _, f := range failed {
		fmt.Fprintf(os.Stderr, "kubedyn tests: %s\n", f)
	}
	if runErr != nil {
		failed = append([]string{fmt.Sprintf("%s (%v)", name, runErr)}, failed...)
	}
	if len(failed) == 0 {
		os.Remove(log.Name())
		return nil
	}
	fmt.Fprintf(os.Stderr, "kubedyn tests: go test -json log kept in %s\n", log.Name())
	return failed
}

// runGoTestJSON runs go with args (a go test -json command) and env in
// dir, printing go test's plain output to stdout and every event to log.
func runGoTestJSON(ctx context.Context, dir string, env, args []string, log io.Writer) (*suiteResults, error) {
	s := newSuiteResults()
	s.plain = os.Stdout
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return s, err
	}
	if err := cmd.Start(); err != nil {
		return s, err
	}
	readErr := readTestJSON(stdout, s, log)
	return s, errors.Join(cmd.Wait(), readErr)
}

// integrationVerdict lists, per package, the integration tests that did not
// run although a control plane was handed over: tests that cluster.Get
// skipped for want of one, and packages whose integration tests (tests
// maps import path to the top-level tests of its *_integration_test.go
// files) all skipped. Packages that failed otherwise are go test's to report.
func integrationVerdict(s *suiteResults, tests map[string][]string) []string {
	var failed []string
	for _, p := range s.Packages() {
		if p.NoControlPlane > 0 {
			failed = append(failed, fmt.Sprintf("%s: %d tests skipped for want of a control plane although $%s named one (the integration switch is broken)", p.Package, p.NoControlPlane, cluster.KubeconfigEnv))
		}
	}
	pkgs := make([]string, 0, len(tests))
	for pkg := range tests {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		p := s.Get(pkg)
		if p == nil || p.BuildFailed {
			continue
		}
		ran, skipped := 0, 0
		for _, name := range tests[pkg] {
			switch p.Ran[name] {
			case "pass", "fail":
				ran++
			case "skip":
				skipped++
			}
		}
		if ran == 0 && len(tests[pkg]) > 0 && (skipped > 0 || p.OK()) {
			failed = append(failed, fmt.Sprintf("%s: none of its %d integration tests ran (%d skipped)", pkg, len(tests[pkg]), skipped))
		}
	}
	return failed
}

// matchingTests keeps of tests (import path to test names) the names run
// matches, as go test -run does for top-level tests, and drops packages
// left with none.
func matchingTests(tests map[string][]string, run string) (map[string][]string, error) {
	re, err := regexp.Compile(run)
	if err != nil {
		return nil, fmt.Errorf("-run %q: %w", run, err)
	}
	out := map[string][]string{}
	for pkg, names := range tests {
		for _, n := range names {
			if re.MatchString(n) {
				out[pkg] = append(out[pkg], n)
			}
		}
	}
	return out, nil
}

// integrationTests maps the import path of each package matched by patterns
// (in the module at dir) that has *_integration_test.go files to the
// top-level tests they declare.
func integrationTests(ctx context.Context, dir string, patterns []string) (map[string][]string, error) {
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}} {{.Dir}}{{range .TestGoFiles}} {{.}}{{end}}{{range .XTestGoFiles}} {{.}}{{end}}"}, patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	listed, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, line := range splitLines(string(listed)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		for _, file := range f[2:] {
			if !strings.HasSuffix(file, "_integration_test.go") {
				continue
			}
			// A file that does not parse is go test's build failure to report.
			names, _ := testFuncs(fset, filepath.Join(f[1], file))
			out[f[0]] = append(out[f[0]], names...)
		}
	}
	return out, nil
}

// testFuncs returns the names of the top-level tests a Go file declares
// (TestMain excluded).
func testFuncs(fset *token.FileSet, path string) ([]string, error) {
	file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("find the integration tests of %s: %w", path, err)
	}
	var names []string
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !isTestName(fn.Name.Name) || fn.Type.Params.NumFields() != 1 {
			continue
		}
		names = append(names, fn.Name.Name)
	}
	return names, nil
}

// isTestName is go test's rule: "Test", then nothing or a non-lowercase
// letter; TestMain is not a test.
func isTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	if !ok || name == "TestMain" {
		return false
	}
	return rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z')
}
