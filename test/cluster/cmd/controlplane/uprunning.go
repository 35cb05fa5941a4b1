package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// runningServer is what is known of the background control plane.
type runningServer struct {
	PID        int
	Kubeconfig string
	Version    string // the version it was asked to run, else its /version
	// FeatureGates is its --feature-gates value ("" for none); GatesKnown
	// is false when its state predates their being recorded.
	FeatureGates string
	GatesKnown   bool
}

// upVerdict decides what `up` does when a control plane already runs: reuse
// it only when it is the server asked for (same version, same feature
// gates); otherwise refuse, saying which server runs and that the asked one
// does not. msg is what to tell the user either way.
func upVerdict(running runningServer, asked cluster.ServerChoice) (reuse bool, msg string) {
	askedVersion, err := cluster.ResolveVersion(asked.Version)
	if err != nil {
		askedVersion = asked.Version
	}
	runningVersion, err := cluster.ResolveVersion(running.Version)
	if err != nil {
		runningVersion = running.Version
	}
	askedGates := asked.FeatureGatesFlag()
	runs := fmt.Sprintf("Kubernetes %s with %s", runningVersion, gatesText(running.FeatureGates))
	if !running.GatesKnown {
		runs = fmt.Sprintf("Kubernetes %s (its feature gates were not recorded: an older controlplane started it)", runningVersion)
	}
	wanted := fmt.Sprintf("Kubernetes %s with %s", askedVersion, gatesText(askedGates))
	sameGates := running.GatesKnown && running.FeatureGates == askedGates || !running.GatesKnown && askedGates == ""
	if runningVersion == askedVersion && sameGates {
		return true, fmt.Sprintf("a control plane is already running (pid %d): %s, the one asked for", running.PID, runs)
	}
	return false, fmt.Sprintf("a control plane is already running (pid %d, kubeconfig %s): %s; the asked %s is not running. "+
		"Stop it with `go run ./test/cluster/cmd/controlplane down` and run up again, or use the running one as it is (`controlplane env`)",
		running.PID, running.Kubeconfig, runs, wanted)
}

// gatesText names a --feature-gates value for a person.
func gatesText(flag string) string {
	if flag == "" {
		return "no feature gates"
	}
	return "feature gates " + flag
}

// reuseRunning is ensureUp when the control plane s is already running: it
// returns s's kubeconfig when s is the server asked for, and fails
// otherwise.
func reuseRunning(s *state, asked cluster.ServerChoice) (kubeconfig string, err error) {
	running := runningServer{PID: s.PID, Kubeconfig: s.Kubeconfig, Version: s.Version, FeatureGates: s.FeatureGates, GatesKnown: s.Version != ""}
	if running.Version == "" {
		env, err := cluster.LoadEnv(s.Kubeconfig)
		if err != nil {
			return "", fmt.Errorf("a control plane is already running (pid %d), but its kubeconfig %s cannot be read to tell which: %w", s.PID, s.Kubeconfig, err)
		}
		running.Version = env.Version
	}
	reuse, msg := upVerdict(running, asked)
	if !reuse {
		return "", errors.New(msg)
	}
	fmt.Fprintln(os.Stderr, msg)
	return s.Kubeconfig, nil
}
