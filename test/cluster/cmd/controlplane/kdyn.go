package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// kdynPackage is the example CLI that `controlplane kdyn` runs.
const kdynPackage = "github.com/kubedyn/kubedyn/examples/kdyn"

// runKdyn is `controlplane kdyn ARGS...`, the newcomer's one command: it
// starts the control plane asked for, or reuses the one running (ensureUp:
// the first time it builds kube-apiserver, kubectl and etcd, with
// progress), then runs kdyn with args against it (go run, so that kdyn is
// built from this tree) and exits with kdyn's status. The control plane
// keeps running for the next command; `controlplane down` stops it.
func runKdyn(choice cluster.ServerChoice, args []string) error {
	start := time.Now()
	kubeconfig, err := ensureUp(choice)
	if err != nil {
		return err
	}
	env, err := cluster.LoadEnv(kubeconfig)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "kubedyn: Kubernetes %s at %s ready after %s (kubeconfig %s; `eval \"$(go run ./test/cluster/cmd/controlplane env)\"` points your shell at it, `go run ./test/cluster/cmd/controlplane down` stops it)\n",
		env.Version, env.Server, time.Since(start).Round(100*time.Millisecond), kubeconfig)
	fmt.Fprintf(os.Stderr, "kubedyn: go run ./examples/kdyn %s\n", shellWords(args))
	// Not CommandContext: an interrupt reaches kdyn from the terminal, and
	// kdyn ends its watch and exits as it does on its own.
	cmd := exec.Command("go", append([]string{"run", kdynPackage}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() > 0 {
		// kdyn has said why; its status is the answer (diff's 1, say).
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("run kdyn %s against %s: %w", shellWords(args), env.Server, err)
	}
	return nil
}

// shellWords joins args for a log line, quoting those a shell would split.
func shellWords(args []string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += " "
		}
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		s += a
	}
	return s
}
