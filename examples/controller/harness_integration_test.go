package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// deadline bounds every wait of these tests: generous, because the
// machine is shared; it is a failure bound, never a speed goal.
const deadline = 3 * time.Minute

var build struct {
	once sync.Once
	bin  string
	err  error
}

// binary builds the controller once per test binary (with -race when the
// tests run with it, so the integration tests also race-check the program).
// It goes to one fixed place under the temp dir, written under a temporary
// name and renamed, so runs leave nothing behind and concurrent runs do not
// clash (cluster.Main exits the process, so no cleanup could run after the
// tests).
func binary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		dir := filepath.Join(os.TempDir(), "kubedyn-controller-test")
		if build.err = os.MkdirAll(dir, 0o755); build.err != nil {
			return
		}
		name := "controller"
		if raceEnabled {
			name += "-race"
		}
		tmp, err := os.CreateTemp(dir, name+".build-*")
		if err != nil {
			build.err = err
			return
		}
		tmp.Close()
		defer os.Remove(tmp.Name())
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		args := []string{"build", "-o", tmp.Name()}
		if raceEnabled {
			args = append(args, "-race")
		}
		if out, err := exec.Command(goBin, append(args, ".")...).CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		build.bin = filepath.Join(dir, name)
		build.err = os.Rename(tmp.Name(), build.bin)
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

// clients are kubedyn's own clients for the test's setup and checks.
type clients struct {
	env   *cluster.Env
	dyn   *dynamic.Client
	disco *discovery.Client
}

func newClients(t *testing.T, env *cluster.Env) *clients {
	t.Helper()
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	cfg.WarningHandler = rest.DiscardWarnings
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &clients{env: env, dyn: dyn, disco: discovery.New(rc, discovery.Options{})}
}

// proc is one running controller and what it logged (JSON lines on stderr).
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's error, set before done closes

	mu  sync.Mutex // guards log
	log bytes.Buffer
}

// start runs the controller with the test server's kubeconfig, JSON logs at
// debug level, a private HOME, and args. It is killed at the end of the
// test if still running, and its log is printed if the test failed.
func start(t *testing.T, env *cluster.Env, name string, args ...string) *proc {
	t.Helper()
	all := append([]string{"--kubeconfig", env.Kubeconfig, "--log-format", "json", "--log-level", "debug"}, args...)
	p := &proc{name: name, cmd: exec.Command(binary(t), all...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG=")
	p.cmd.Stderr = p
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start controller %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("controller %s log:\n%s", p.name, p.logText())
		}
	})
	return p
}

// Write collects the process's stderr.
func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// lines returns the log lines whose msg is msg and whose attributes include
// every key/value of attrs.
func (p *proc) lines(msg string, attrs map[string]string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(p.logText()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) != nil || rec["msg"] != msg {
			continue
		}
		ok := true
		for k, v := range attrs {
			if fmt.Sprint(rec[k]) != v {
				ok = false
			}
		}
		if ok {
			out = append(out, rec)
		}
	}
	return out
}

// waitLog waits until the controller has logged n lines matching msg and
// attrs.
func (p *proc) waitLog(t *testing.T, n int, msg string, attrs map[string]string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("controller %s to log %q %v (%d times)", p.name, msg, attrs, n), func() (bool, string) {
		got := len(p.lines(msg, attrs))
		return got >= n, fmt.Sprintf("logged %d times", got)
	})
}

// exited reports whether the process has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// terminate sends SIGTERM and checks that the controller exits 0 within
// the deadline, after logging a clean shutdown.
func (p *proc) terminate(t *testing.T) {
	t.Helper()
	p.stop(t, syscall.SIGTERM)
}

// stop sends sig (SIGTERM or SIGINT) and checks that the controller exits
// 0 within the deadline, after logging a clean shutdown.
func (p *proc) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("%v to controller %s: %v", sig, p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(deadline):
		t.Fatalf("controller %s still running %s after %v", p.name, deadline, sig)
	}
	if p.err != nil {
		var ee *exec.ExitError
		if errors.As(p.err, &ee) {
			t.Fatalf("controller %s exited with code %d after %v, want 0", p.name, ee.ExitCode(), sig)
		}
		t.Fatalf("controller %s: %v", p.name, p.err)
	}
	if len(p.lines("shut down cleanly", nil)) != 1 {
		t.Errorf("controller %s did not log \"shut down cleanly\"", p.name)
	}
}

// signal sends sig to the process; a stopped process is continued at the
// end of the test, so that cleanup can end it.
func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v to controller %s: %v", sig, p.name, err)
	}
	if sig == syscall.SIGSTOP {
		t.Cleanup(func() { _ = p.cmd.Process.Signal(syscall.SIGCONT) })
	}
}

// exitCode waits for the process to exit by itself and returns its code.
func (p *proc) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(deadline):
		t.Fatalf("controller %s still running after %s", p.name, deadline)
	}
	var ee *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("controller %s: %v", p.name, p.err)
	return -1
}

// parallelWrites is how many requests inParallel has in flight: enough to
// hide the round trips, few enough not to crowd a shared server.
const parallelWrites = 8

// inParallel calls f(ctx, i) for i in [0, n), parallelWrites at once, and
// fails the test with the first error (the rest are then cancelled). Every
// call shares one context bounded by deadline.
func inParallel(t *testing.T, n int, f func(ctx context.Context, i int) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelWrites)
	for i := range n {
		g.Go(func() error { return f(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond every 200ms until it holds or deadline passes; cond's
// string says where things stand, for the failure message.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		ok, status := cond()
		if ok {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("timed out after %s waiting for %s: %s", deadline, what, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
