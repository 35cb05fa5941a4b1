// Command controlplane builds, starts and stops kubedyn's local test control
// plane (etcd and kube-apiserver from the Go module proxy), and runs the
// project's whole test suite against it.
//
//	controlplane build            build (or find cached) kube-apiserver, kubectl and etcd
//	controlplane up               start one in the background; print its kubeconfig, version and groups
//	controlplane env              print shell exports for the running one
//	controlplane down             stop the running one
//	controlplane test [pkgs...]   build, start, run go vet, the tests (with -race) and fuzz smoke runs, stop
//
// Flags: -version v1.MINOR.PATCH (default $KUBEDYN_K8S_VERSION or v1.36.3).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kubedyn/kubedyn/test/cluster"
)

func main() {
	fs := flag.NewFlagSet("controlplane", flag.ExitOnError)
	version := fs.String("version", "", "Kubernetes version to build and run (default $KUBEDYN_K8S_VERSION or "+cluster.DefaultVersion+")")
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: controlplane [-version v1.X.Y] build|up|env|down|test [packages...]\n")
		fs.PrintDefaults()
	}
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() < 1 {
		fs.Usage()
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	opts := cluster.Options{Build: cluster.BuildOptions{Version: *version}}
	var err error
	switch fs.Arg(0) {
	case "build":
		var b cluster.Binaries
		b, err = cluster.EnsureBinaries(ctx, opts.Build)
		if err == nil {
			fmt.Printf("kube-apiserver: %s\nkubectl:        %s\netcd:           %s\n", b.KubeAPIServer, b.Kubectl, b.Etcd)
		}
	case "up":
		err = up(ctx, opts)
	case "serve":
		err = serve(ctx, opts)
	case "env":
		err = printEnv()
	case "down":
		err = down()
	case "test":
		err = runTests(ctx, opts, fs.Args()[1:])
	default:
		fs.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "controlplane %s: %v\n", fs.Arg(0), err)
		os.Exit(1)
	}
}
