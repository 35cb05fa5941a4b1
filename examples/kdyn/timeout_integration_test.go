package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testWatchOutlivesRequestTimeout: --request-timeout bounds each request,
// not a watch: kdyn get -w with a 1s timeout still prints a change made
// three seconds in, and ends on SIGINT with status 0.
func (h *harness) testWatchOutlivesRequestTimeout(t *testing.T) {
	ns := h.env.Namespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bin, "--kubeconfig", h.kubeconfig, "--request-timeout=1s", "get", "cm", "-w", "-n", ns, "-o", "name")
	cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG=")
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if r := h.kdynIn(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late}\n", "apply", "-f", "-", "-n", ns); r.Code != 0 {
		t.Fatalf("apply: %+v", r)
	}
	waitFor(t, "the watch to print configmap/late", func() bool { return strings.Contains(stdout.String(), "configmap/late") })
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("kdyn get -w --request-timeout=1s: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
}

// lockedBuffer is a bytes.Buffer a process writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
