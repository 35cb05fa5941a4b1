package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes this test binary act as a process that starts a control
// plane (how: "inprocess" or "supervised"), prints "ENV <kubeconfig>" and
// waits to be killed.
const helperEnv = "KUBEDYN_CLUSTER_TEST_HELPER"

// runHelper is the body of the helper process: it starts a control plane,
// prints "ENV <kubeconfig>" and waits to be killed.
func runHelper(how string) int {
	var env *Env
	switch how {
	case "inprocess":
		cp, err := Start(context.Background(), Options{})
		if err != nil {
			fmt.Printf("ERROR %v\n", err)
			return 1
		}
		env = cp.Env()
	case "supervised":
		s, err := startSupervised(context.Background(), Options{})
		if err != nil {
			fmt.Printf("ERROR %v\n", err)
			return 1
		}
		env = s.env
	default:
		fmt.Printf("ERROR unknown helper mode %q\n", how)
		return 2
	}
	fmt.Printf("ENV %s\n", env.Kubeconfig)
	time.Sleep(10 * time.Minute)
	return 0
}

// footprint is what one control plane occupies: processes, ports and a dir.
type footprint struct {
	pids  []int
	ports []string
	dir   string
}

func footprintOf(t *testing.T, env *Env) footprint {
	t.Helper()
	f := footprint{dir: env.Dir}
	for _, raw := range []string{env.Server, env.Etcd} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		f.ports = append(f.ports, u.Host)
	}
	entries, _ := os.ReadDir(runDir())
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(runDir(), e.Name()))
		var r runRecord
		if json.Unmarshal(data, &r) == nil && r.Dir == env.Dir {
			f.pids = r.PIDs
		}
	}
	if len(f.pids) != 2 {
		t.Fatalf("no run record with two PIDs for %s", env.Dir)
	}
	for _, pid := range f.pids {
		if !processAlive(pid) {
			t.Fatalf("pid %d of a running control plane is not alive", pid)
		}
	}
	return f
}

// waitGone waits until no process, port or dir of f remains, or fails.
func waitGone(t *testing.T, f footprint, wantDirGone bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var left []string
		for _, pid := range f.pids {
			if processAlive(pid) {
				left = append(left, fmt.Sprintf("pid %d", pid))
			}
		}
		for _, addr := range f.ports {
			l, err := net.Listen("tcp", addr)
			if err != nil {
				left = append(left, "port "+addr)
			} else {
				l.Close()
			}
		}
		if _, err := os.Stat(f.dir); wantDirGone && err == nil {
			left = append(left, "dir "+f.dir)
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30s these remain: %s", strings.Join(left, ", "))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestStopLeavesNothing(t *testing.T) {
	SkipUnlessIntegration(t)
	cp, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := footprintOf(t, cp.Env())
	cp.Stop()
	cp.Stop() // idempotent
	waitGone(t, f, true)
}

// startHelper runs this test binary as a helper that starts a control plane.
func startHelper(t *testing.T, how string) (*exec.Cmd, *Env) {
	t.Helper()
	SkipUnlessIntegration(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"="+how, KubeconfigEnv+"=")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if kc, ok := strings.CutPrefix(sc.Text(), "ENV "); ok {
			env, err := LoadEnv(kc)
			if err != nil {
				t.Fatal(err)
			}
			return cmd, env
		}
	}
	t.Fatalf("helper (%s) exited without starting a control plane", how)
	return nil, nil
}

func TestKilledTestBinaryLeavesNothing(t *testing.T) {
	// A supervised control plane (what Get starts) is stopped and its temp
	// dir removed by the supervisor when the test binary is SIGKILLed.
	cmd, env := startHelper(t, "supervised")
	f := footprintOf(t, env)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitGone(t, f, true)
}

func TestKilledOwnerIsSwept(t *testing.T) {
	// An in-process control plane dies with its owner (Pdeathsig); the temp
	// dir it leaves is removed by the next start's sweep.
	cmd, env := startHelper(t, "inprocess")
	f := footprintOf(t, env)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	waitGone(t, f, false)
	sweepStale()
	if _, err := os.Stat(f.dir); err == nil {
		t.Errorf("sweep left %s behind", f.dir)
	}
}
