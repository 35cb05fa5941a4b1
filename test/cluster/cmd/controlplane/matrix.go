package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// defaultMatrixPackages are the suites the matrix runs against every server:
// the packages that talk to the API server — dynamic with its subpackages
// (informer, leader election, follow) — and the examples (only packages with
// integration tests are run).
var defaultMatrixPackages = []string{"./discovery/", "./restmapper/", "./dynamic/...", "./patch/", "./examples/..."}

// matrixRow is one server the suites run against.
type matrixRow struct {
	Name   string // what the table calls it, e.g. "1.29 legacy discovery"
	Choice cluster.ServerChoice
	Minor  int // the table lists rows by minor, whatever order they ran in

	Server   string // the server's own gitVersion, once started
	StartErr error
	Results  *suiteResults
	Elapsed  time.Duration
}

// matrixRows lists the servers to run: each version, plus, for versions whose
// AggregatedDiscoveryEndpoint gate can still be turned off (1.29 and older),
// the same version with legacy discovery only.
func matrixRows(versions []string, legacy bool) ([]*matrixRow, error) {
	var rows []*matrixRow
	for _, v := range versions {
		full, err := cluster.ResolveVersion(v)
		if err != nil {
			return nil, err
		}
		minor, err := cluster.MinorOf(full)
		if err != nil {
			return nil, err
		}
		c := cluster.ServerChoice{Version: full, FeatureGates: map[string]bool{}}
		rows = append(rows, &matrixRow{Name: fmt.Sprintf("1.%d", minor), Choice: c, Minor: minor})
		if legacy && minor <= 29 {
			rows = append(rows, &matrixRow{Name: fmt.Sprintf("1.%d legacy discovery", minor), Choice: c.WithoutAggregatedDiscovery(), Minor: minor})
		}
	}
	return rows, nil
}

func pinnedMinors() []string {
	var out []string
	for _, v := range cluster.PinnedVersions() {
		out = append(out, strings.TrimPrefix(v[:strings.LastIndex(v, ".")], "v"))
	}
	return out
}

// runMatrix is `controlplane matrix`: for each server in turn, start it, run
// the suites with go test -json against it, stop it; then print the table.
func runMatrix(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("matrix", flag.ExitOnError)
	versions := fs.String("versions", strings.Join(pinnedMinors(), ","), "comma-separated minors or versions to run")
	legacy := fs.Bool("legacy", true, "also run 1.29 with aggregated discovery off (legacy discovery only)")
	pkgs := fs.String("pkgs", strings.Join(defaultMatrixPackages, ","), "comma-separated package patterns; only packages with *_integration_test.go files are run")
	race := fs.Bool("race", false, "run the tests with -race")
	run := fs.String("run", "", "go test -run pattern (default: every test)")
	timeout := fs.Duration("timeout", 15*time.Minute, "go test -timeout of each server's run")
	out := fs.String("out", "", "directory for each server's go test -json log and the table (default: a new temp dir)")
	_ = fs.Parse(args)

	rows, err := matrixRows(splitList(*versions), *legacy)
	if err != nil {
		return err
	}
	if *out == "" {
		if *out, err = os.MkdirTemp("", "kubedyn-matrix-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	module, paths, err := testPackages(ctx, splitList(*pkgs))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "kubedyn matrix: %d servers × %d packages; logs in %s\n", len(rows), len(paths), *out)
	testArgs := []string{"test", "-json", "-count=1", "-timeout=" + timeout.String()}
	if *race {
		testArgs = append(testArgs, "-race")
	}
	if *run != "" {
		testArgs = append(testArgs, "-run", *run)
	}
	testArgs = append(testArgs, paths...)
	start := time.Now()
	for _, row := range rows {
		if ctx.Err() != nil {
			row.StartErr = ctx.Err()
			continue
		}
		runMatrixRow(ctx, row, testArgs, *out)
	}
	table := matrixTable(rows, module, paths, time.Now())
	fmt.Print(table)
	details := matrixFailures(rows, module)
	fmt.Print(details)
	if err := os.WriteFile(filepath.Join(*out, "table.md"), []byte(table+details), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "kubedyn matrix: took %s; table in %s\n", time.Since(start).Round(time.Second), filepath.Join(*out, "table.md"))
	return matrixVerdict(rows, paths)
}

// matrixVerdict is nil when every server started and every cell passed.
func matrixVerdict(rows []*matrixRow, paths []string) error {
	for _, row := range rows {
		if row.StartErr != nil {
			return errors.New("some servers did not start")
		}
		for _, p := range paths {
			if !row.Results.Get(p).OK() {
				return errors.New("some cells failed")
			}
		}
	}
	return nil
}

// runMatrixRow starts row's server, runs the tests against it and stops it.
func runMatrixRow(ctx context.Context, row *matrixRow, testArgs []string, outDir string) {
	began := time.Now()
	defer func() { row.Elapsed = time.Since(began) }()
	fmt.Fprintf(os.Stderr, "\n=== matrix: %s (%s)\n", row.Name, row.Choice)
	opts, err := row.Choice.Options()
	if err != nil {
		row.StartErr = err
		return
	}
	cp, err := cluster.Start(ctx, opts)
	if err != nil {
		row.StartErr = err
		fmt.Fprintf(os.Stderr, "=== matrix: %s: no server: %v\n", row.Name, err)
		return
	}
	defer cp.Stop()
	row.Server = cp.Env().Version
	logName := filepath.Join(outDir, strings.ReplaceAll(row.Name, " ", "-")+".json")
	log, err := os.Create(logName)
	if err != nil {
		row.StartErr = err
		return
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, "go", testArgs...)
	cmd.Env = append(os.Environ(), cluster.KubeconfigEnv+"="+cp.Env().Kubeconfig)
	cmd.Stderr = log // build errors and anything else go test says outside -json
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		row.StartErr = err
		return
	}
	row.Results = newSuiteResults()
	if err := cmd.Start(); err != nil {
		row.StartErr = err
		return
	}
	readErr := readTestJSON(stdout, row.Results, log)
	waitErr := cmd.Wait()
	if readErr != nil {
		fmt.Fprintf(os.Stderr, "=== matrix: %s: %v\n", row.Name, readErr)
	}
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) {
		row.StartErr = fmt.Errorf("go test: %w", waitErr)
	}
	for _, p := range row.Results.Packages() {
		fmt.Fprintf(os.Stderr, "    %-50s %s\n", p.Package, p.Cell())
	}
}

// testPackages resolves patterns to the import paths of the packages with
// integration tests (files named *_integration_test.go), and returns the main
// module's path too.
func testPackages(ctx context.Context, patterns []string) (string, []string, error) {
	mod, err := exec.CommandContext(ctx, "go", "list", "-m").Output()
	if err != nil {
		return "", nil, fmt.Errorf("go list -m: %w", err)
	}
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}}{{range .TestGoFiles}} {{.}}{{end}}{{range .XTestGoFiles}} {{.}}{{end}}"}, patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stderr = io.Discard // "matched no packages" for ./examples/... before it exists
	listed, err := cmd.Output()
	if err != nil {
		return "", nil, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	paths := integrationPackages(string(listed))
	if len(paths) == 0 {
		return "", nil, fmt.Errorf("no package with integration tests in %s", strings.Join(patterns, " "))
	}
	return strings.TrimSpace(string(mod)), paths, nil
}

// integrationPackages picks, from lines of "importpath file file...", the
// packages with a *_integration_test.go file.
func integrationPackages(listed string) []string {
	var paths []string
	for _, line := range splitLines(listed) {
		f := strings.Fields(line)
		for _, file := range f[1:] {
			if strings.HasSuffix(file, "_integration_test.go") {
				paths = append(paths, f[0])
				break
			}
		}
	}
	return paths
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
