package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// runTests is the project's whole test run: build and start one control plane,
// then go vet, the unit and integration tests with -race (failing if
// integration tests skipped, see testStep), a bounded fuzz run of
// every fuzz target, test/bench's interop tests and, in a whole run, the
// same steps for each example with its own go.mod (exampleModules), all
// against that one server; stop it at the end, whatever happened; then the unit tests again
// with the newest apimachinery (newerDepsStep). A whole run (no packages
// named) then runs the compatibility smoke suite against 1.29 (smoke.go)
// when $KUBEDYN_COMPAT_SMOKE asks for it.
func runTests(ctx context.Context, opts cluster.Options, pkgs []string) error {
	start := time.Now()
	whole := len(pkgs) == 0
	if whole {
		pkgs = []string{"./..."}
	}
	failed, err := runSuites(ctx, opts, pkgs)
	if err != nil {
		return err
	}
	failed = append(failed, newerDepsStep(ctx, pkgs)...)
	if whole {
		failed = append(failed, runGatedPasses(ctx)...)
	}
	switch {
	case !whole:
	case smokeEnabled():
		failed = append(failed, runSmoke(ctx)...)
	default:
		fmt.Fprintf(os.Stderr, "\nkubedyn: compat smoke against %s not run (%s=1 runs it; .ci/run does)\n", compatSmokeVersion, compatSmokeEnv)
	}
	fmt.Fprintf(os.Stderr, "\nkubedyn: whole run took %s\n", time.Since(start).Round(time.Second))
	if len(failed) > 0 {
		return fmt.Errorf("failed: %s", strings.Join(failed, "; "))
	}
	return nil
}

// runSuites runs vet, the tests, the fuzz smoke runs and test/bench's checks
// against one control plane started from opts, and returns what failed.
func runSuites(ctx context.Context, opts cluster.Options, pkgs []string) ([]string, error) {
	start := time.Now()
	cp, err := cluster.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer cp.Stop()
	env := cp.Env()
	fmt.Fprintf(os.Stderr, "kubedyn: control plane %s ready at %s (kubeconfig %s) after %s\n", env.Version, env.Server, env.Kubeconfig, time.Since(start).Round(time.Second))
	extra := []string{cluster.KubeconfigEnv + "=" + env.Kubeconfig}

	var failed []string
	step := func(name, dir string, args ...string) {
		if ctx.Err() != nil {
			failed = append(failed, name+" (interrupted)")
			return
		}
		fmt.Fprintf(os.Stderr, "\n=== %s: go %s\n", name, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), extra...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", name, err))
		}
	}
	step("vet", ".", append([]string{"vet"}, pkgs...)...)
	if ctx.Err() == nil {
		failed = append(failed, testStep(ctx, ".", pkgs, append(os.Environ(), extra...))...)
	}
	fuzzSmoke(ctx, ".", pkgs, step)
	if _, err := os.Stat(filepath.Join("test", "bench", "go.mod")); err == nil {
		step("bench vet", filepath.Join("test", "bench"), "vet", "./...")
		step("bench interop tests", filepath.Join("test", "bench"), "test", "-count=1", "-run", "Interop|Equal|OnMemserver", "./...")
	}
	if slices.Equal(pkgs, []string{"./..."}) {
		for _, dir := range exampleModules {
			failed = append(failed, exampleModuleSteps(ctx, dir, append(os.Environ(), extra...), step)...)
		}
	}
	return failed, nil
}

// exampleModules are the examples with a go.mod of their own (so that the
// library's users do not inherit their dependencies, such as the
// controller's Prometheus client): a whole run checks them as it does the
// main module.
var exampleModules = []string{filepath.Join("examples", "controller")}

// exampleModuleSteps runs go vet, the unit and integration tests with -race
// (testStep's checks included) and the fuzz smoke runs of the module at dir,
// and returns what failed.
func exampleModuleSteps(ctx context.Context, dir string, env []string, step func(name, dir string, args ...string)) []string {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return []string{fmt.Sprintf("%s: %v", dir, err)}
	}
	var failed []string
	step(dir+" vet", dir, "vet", "./...")
	if ctx.Err() == nil {
		failed = append(failed, testStep(ctx, dir, []string{"./..."}, env)...)
	}
	fuzzSmoke(ctx, dir, []string{"./..."}, step)
	return failed
}

// defaultFuzzTime is the -fuzztime of each target in the test run: a count
// of executions, not a duration. Go 1.26's fuzz coordinator can report a
// spurious "context deadline exceeded" failure when a duration runs out
// while a worker is busy (golang/go#75804, fixed in Go 1.27); a count has no
// deadline to race.
const defaultFuzzTime = "20000x"

// fuzzSmoke runs every fuzz target of pkgs, in the module at dir, for
// $KUBEDYN_FUZZTIME (default defaultFuzzTime) each.
func fuzzSmoke(ctx context.Context, dir string, pkgs []string, step func(name, dir string, args ...string)) {
	fuzztime := os.Getenv("KUBEDYN_FUZZTIME")
	if fuzztime == "" {
		fuzztime = defaultFuzzTime
	}
	if fuzztime == "0" || fuzztime == "0s" || fuzztime == "0x" {
		return
	}
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-list", "^Fuzz", "-run", "^$"}, pkgs...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		step("list fuzz targets", dir, append([]string{"test", "-list", "^Fuzz", "-run", "^$"}, pkgs...)...)
		return
	}
	// go test -list prints the names, then "ok  <package> <time>" per package.
	var names []string
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && strings.HasPrefix(f[0], "Fuzz"):
			names = append(names, f[0])
		case len(f) >= 2 && f[0] == "ok":
			for _, n := range names {
				step("fuzz "+f[1]+"."+n, dir, "test", "-run=^$", "-fuzz=^"+n+"$", "-fuzztime="+fuzztime, f[1])
			}
			names = nil
		}
	}
}
