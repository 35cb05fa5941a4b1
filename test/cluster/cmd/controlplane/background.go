package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// stateDir holds the background control plane's pid and kubeconfig path.
func stateDir() string { return filepath.Join(cluster.CacheDir(), "controlplane") }

type state struct {
	PID        int    `json:"pid"`
	Kubeconfig string `json:"kubeconfig"`
	// Version and FeatureGates are the server asked for (ResolveVersion's
	// form and the --feature-gates flag's); a state written before they
	// were recorded has neither.
	Version      string `json:"version,omitempty"`
	FeatureGates string `json:"featureGates,omitempty"`
}

func readState() (*state, error) {
	data, err := os.ReadFile(filepath.Join(stateDir(), "state.json"))
	if err != nil {
		return nil, err
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if syscall.Kill(s.PID, 0) != nil {
		return nil, fmt.Errorf("the control plane recorded in %s (pid %d) is not running", stateDir(), s.PID)
	}
	return &s, nil
}

// up starts `controlplane serve` detached from this process (or reuses the
// one running, see ensureUp), waits for it to be ready and prints where it is.
func up(ctx context.Context, choice cluster.ServerChoice) error {
	kubeconfig, err := ensureUp(choice)
	if err != nil {
		return err
	}
	return describe(ctx, kubeconfig)
}

// ensureUp returns the kubeconfig of the running control plane when it is
// the one asked for (upVerdict), else starts `controlplane serve` detached
// from this process (building what is missing, with progress on stderr) and
// returns its kubeconfig once it is ready.
func ensureUp(choice cluster.ServerChoice) (kubeconfig string, err error) {
	if s, err := readState(); err == nil {
		return reuseRunning(s, choice)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	args := []string{"-version", choice.Version, "-feature-gates", choice.FeatureGatesFlag(), "serve"}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "READY ") {
		_ = cmd.Wait()
		return "", fmt.Errorf("control plane did not start: %s", strings.TrimPrefix(line, "ERROR "))
	}
	_ = cmd.Process.Release()
	return strings.TrimPrefix(line, "READY "), nil
}

// serve runs a control plane in the foreground until SIGTERM or SIGINT.
func serve(ctx context.Context, choice cluster.ServerChoice) error {
	opts, err := choice.Options()
	if err != nil {
		return err
	}
	cp, err := cluster.Start(ctx, opts)
	if err != nil {
		fmt.Printf("ERROR %s\n", strings.ReplaceAll(err.Error(), "\n", " | "))
		return err
	}
	defer cp.Stop()
	if err := os.MkdirAll(stateDir(), 0o755); err != nil {
		return err
	}
	data, _ := json.Marshal(state{PID: os.Getpid(), Kubeconfig: cp.Env().Kubeconfig, Version: opts.Build.Version, FeatureGates: choice.FeatureGatesFlag()})
	if err := os.WriteFile(filepath.Join(stateDir(), "state.json"), data, 0o644); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(stateDir(), "state.json"))
	fmt.Printf("READY %s\n", cp.Env().Kubeconfig)
	os.Stdout.Close() // nothing more goes to whoever started us
	<-ctx.Done()
	return nil
}

// describe prints the kubeconfig path, the server version and its API groups.
func describe(ctx context.Context, kubeconfig string) error {
	env, err := cluster.LoadEnv(kubeconfig)
	if err != nil {
		return err
	}
	var groups struct {
		Groups []struct {
			Name     string `json:"name"`
			Versions []struct {
				GroupVersion string `json:"groupVersion"`
			} `json:"versions"`
		} `json:"groups"`
	}
	body, err := env.Do(ctx, http.MethodGet, "/apis", nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, &groups); err != nil {
		return fmt.Errorf("decode /apis from %s: %w", env.Server, err)
	}
	gvs := []string{"v1"}
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			gvs = append(gvs, v.GroupVersion)
		}
	}
	sort.Strings(gvs[1:])
	fmt.Printf("Kubernetes %s at %s\nkubeconfig: %s\n(export KUBECONFIG=%s; contexts: admin, cert-user, restricted)\nAPI versions (%d):\n  %s\n",
		env.Version, env.Server, kubeconfig, kubeconfig, len(gvs), strings.Join(gvs, "\n  "))
	return nil
}

func printEnv() error {
	s, err := readState()
	if err != nil {
		return fmt.Errorf("no control plane is running (start one with `up`): %w", err)
	}
	fmt.Printf("export KUBECONFIG=%s\nexport %s=%s\n", s.Kubeconfig, cluster.KubeconfigEnv, s.Kubeconfig)
	return nil
}

func down() error {
	s, err := readState()
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(os.Stderr, "no control plane is running")
			return nil
		}
		return err
	}
	if err := syscall.Kill(s.PID, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop pid %d: %w", s.PID, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for syscall.Kill(s.PID, 0) == nil {
		if time.Now().After(deadline) {
			return fmt.Errorf("pid %d did not stop within 30s", s.PID)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "stopped control plane (pid "+strconv.Itoa(s.PID)+")")
	return nil
}
