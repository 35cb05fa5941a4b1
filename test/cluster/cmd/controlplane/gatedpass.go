package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// gatedPass is a run of some tests once more against servers with feature
// gates on: each test binary starts its own control plane with the gates
// (KUBEDYN_INTEGRATION=1, no shared kubeconfig), stopped when it ends.
type gatedPass struct {
	name   string        // names the pass in the output and in failures
	gates  string        // $KUBEDYN_K8S_FEATURE_GATES of the servers
	run    string        // go test -run pattern of top-level tests ("" for all)
	suites []passModules // what to test, by module
}

// passModules are packages of one module: dir is its directory ("." for
// the main module).
type passModules struct {
	dir  string
	pkgs []string
}

// gatedPasses are the passes a whole run adds after the main one.
var gatedPasses = []gatedPass{
	// kubedyn reads CBOR by default wherever the server offers it, so
	// every verb, watch and informer test runs over CBOR (the gate is
	// alpha, off by default in 1.37).
	{name: "CBOR", gates: "CBORServingAndStorage=true", suites: []passModules{
		{dir: ".", pkgs: []string{"./dynamic/", "./dynamic/informer/"}},
	}},
	// With ShardedListAndWatch (alpha, KEP-5866) the server filters by
	// shardSelector, which the main run's server ignores (the informers
	// then filter themselves): the sharding tests, and only they, run in
	// that mode too.
	{name: "sharding", gates: "ShardedListAndWatch=true", run: "Shard|OnTheServer", suites: []passModules{
		{dir: ".", pkgs: []string{"./dynamic/shard/", "./dynamic/informer/"}},
		{dir: filepath.Join("examples", "controller"), pkgs: []string{"./..."}},
	}},
}

// runGatedPasses runs every gated pass and returns what failed.
func runGatedPasses(ctx context.Context) []string {
	var failed []string
	for _, p := range gatedPasses {
		failed = append(failed, p.runPass(ctx)...)
	}
	return failed
}

// runPass runs p's tests (unit and integration, -race, testStep's checks)
// with its gates, and returns what failed, each prefixed with p's name.
func (p gatedPass) runPass(ctx context.Context) []string {
	env := make([]string, 0, len(os.Environ())+2)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, cluster.KubeconfigEnv+"=") && !strings.HasPrefix(kv, cluster.FeatureGatesEnv+"=") {
			env = append(env, kv)
		}
	}
	env = append(env, "KUBEDYN_INTEGRATION=1", cluster.FeatureGatesEnv+"="+p.gates)
	var failed []string
	for _, s := range p.suites {
		if ctx.Err() != nil {
			failed = append(failed, fmt.Sprintf("%s pass: %s (interrupted)", p.name, s.dir))
			break
		}
		fmt.Fprintf(os.Stderr, "\n=== %s pass: %s in %s with %s%s\n", p.name, strings.Join(s.pkgs, " "), s.dir, p.gates, runNote(p.run))
		for _, f := range testStepRun(ctx, s.dir, p.run, s.pkgs, env) {
			failed = append(failed, p.name+" pass: "+f)
		}
	}
	return failed
}

// runNote describes a -run pattern for the pass's header.
func runNote(run string) string {
	if run == "" {
		return ""
	}
	return ", tests matching " + run
}
