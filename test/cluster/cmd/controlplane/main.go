package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/kubedyn/kubedyn/test/cluster"
)

func main() {
	fs := flag.NewFlagSet("controlplane", flag.ExitOnError)
	version := fs.String("version", "", "Kubernetes version to build and run: a minor (1.29) or v1.MINOR.PATCH (default $"+cluster.VersionEnv+" or "+cluster.DefaultVersion+")")
	gates := fs.String("feature-gates", "", "kube-apiserver feature gates, A=true,B=false (added to $"+cluster.FeatureGatesEnv+")")
	aggregated := fs.String("aggregated-discovery", "", "false: turn aggregated discovery off (default $"+cluster.AggregatedDiscoveryEnv+", else on)")
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: controlplane [-version 1.X] [-feature-gates ...] [-aggregated-discovery=false] build|up|env|down|kdyn [args...]|test [packages...]|matrix [flags]\n")
		fs.PrintDefaults()
	}
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() < 1 {
		fs.Usage()
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	choice, err := serverChoice(*version, *gates, *aggregated)
	if err != nil {
		fmt.Fprintf(os.Stderr, "controlplane: %v\n", err)
		os.Exit(2)
	}
	opts, err := choice.Options()
	if err != nil {
		fmt.Fprintf(os.Stderr, "controlplane: %v\n", err)
		os.Exit(2)
	}
	switch fs.Arg(0) {
	case "build":
		var b cluster.Binaries
		b, err = cluster.EnsureBinaries(ctx, opts.Build)
		if err == nil {
			fmt.Printf("kube-apiserver: %s\nkubectl:        %s\netcd:           %s\n", b.KubeAPIServer, b.Kubectl, b.Etcd)
		}
	case "up":
		err = up(ctx, choice)
	case "serve":
		err = serve(ctx, choice)
	case "env":
		err = printEnv()
	case "down":
		err = down()
	case "kdyn":
		err = runKdyn(choice, fs.Args()[1:])
	case "test":
		err = runTests(ctx, opts, fs.Args()[1:])
	case "matrix":
		err = runMatrix(ctx, fs.Args()[1:])
	default:
		fs.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "controlplane %s: %v\n", fs.Arg(0), err)
		os.Exit(1)
	}
}

// serverChoice is the environment's choice of server with the command line's
// flags on top.
func serverChoice(version, gates, aggregated string) (cluster.ServerChoice, error) {
	c, err := cluster.ServerChoiceFromEnv()
	if err != nil {
		return c, err
	}
	if version != "" {
		if c.Version, err = cluster.ResolveVersion(version); err != nil {
			return c, fmt.Errorf("-version: %w", err)
		}
	}
	extra, err := cluster.ParseFeatureGates(gates)
	if err != nil {
		return c, fmt.Errorf("-feature-gates: %w", err)
	}
	for k, v := range extra {
		c.FeatureGates[k] = v
	}
	if aggregated != "" {
		on, err := strconv.ParseBool(aggregated)
		if err != nil {
			return c, fmt.Errorf("-aggregated-discovery: %q is not true or false", aggregated)
		}
		if !on {
			c = c.WithoutAggregatedDiscovery()
		} else {
			delete(c.FeatureGates, "AggregatedDiscoveryEndpoint")
		}
	}
	return c, nil
}
