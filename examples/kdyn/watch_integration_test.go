package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/test/faultproxy"
)

// bgProc is a command running in the background whose stdout lines are
// collected as they come.
type bgProc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when stdout ends and the process exited
	code int           // exit code, valid after done

	mu    sync.Mutex // guards lines
	lines []string
}

// start runs prog in the background with the harness's HOME and kubeconfig;
// it is killed when the test ends.
func (h *harness) start(t *testing.T, prog string, args ...string) *bgProc {
	t.Helper()
	cmd := exec.Command(prog, append([]string{"--kubeconfig", h.kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &bgProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if stderr.Len() > 0 {
			t.Logf("%s stderr: %s", prog, stderr.String())
		}
	})
	return p
}

// waitLines waits until the process printed at least n lines and returns
// them all.
func (p *bgProc) waitLines(t *testing.T, n int) []string {
	t.Helper()
	var got []string
	waitFor(t, fmt.Sprintf("%d lines from %s", n, p.cmd.Path), func() bool {
		p.mu.Lock()
		got = append([]string(nil), p.lines...)
		p.mu.Unlock()
		return len(got) >= n
	})
	return got
}

// withoutAge replaces the last field of every line but the header (the AGE
// column, which kubectl and kdyn compute a moment apart).
func withoutAge(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l
		if j := strings.LastIndex(l, " "); i > 0 && j >= 0 {
			out[i] = l[:j+1] + "<age>"
		}
	}
	return out
}

// testWatch runs kdyn get -w and kubectl get -w side by side through an
// update, a create and a delete: the same rows, widths kept across events
// as kubectl keeps them.
func (h *harness) testWatch(t *testing.T) {
	ns, _ := h.getFixtures(t)
	w := h.widgets()
	kd := h.start(t, h.bin, "get", w, "-n", ns, "-w")
	kc := h.start(t, h.env.Binaries.Kubectl, "get", w, "-n", ns, "-w")
	kd.waitLines(t, 3)
	kc.waitLines(t, 3)
	h.ok(t, "patch", w, "w1", "-n", ns, "--type", "merge", "-p", `{"spec":{"size":42}}`)
	kd.waitLines(t, 4)
	kc.waitLines(t, 4)
	h.ok(t, "--namespace", ns, "apply", "-f", writeTemp(t, "apiVersion: "+h.group+"/v1\nkind: Widget\nmetadata: {name: w3}\nspec: {size: 7}\n"))
	kd.waitLines(t, 5)
	kc.waitLines(t, 5)
	h.ok(t, "delete", w, "w3", "-n", ns)
	got, want := kd.waitLines(t, 6), kc.waitLines(t, 6)
	if d := cmp.Diff(withoutAge(want), withoutAge(got)); d != "" {
		t.Errorf("kdyn get -w differs from kubectl's (-kubectl +kdyn):\n%s", d)
	}
	for i, prefix := range []string{"NAME", "w1 ", "w2 ", "w1 ", "w3 ", "w3 "} {
		if !strings.HasPrefix(got[i], prefix) {
			t.Errorf("line %d = %q, want prefix %q", i, got[i], prefix)
		}
	}
	if !strings.Contains(got[3], " 42 ") {
		t.Errorf("the update's row %q lacks the new size", got[3])
	}

	// -o name prints each event's object.
	kn := h.start(t, h.bin, "get", w, "w1", "-n", ns, "-w", "-o", "name")
	kn.waitLines(t, 1)
	h.ok(t, "patch", w, "w1", "-n", ns, "--type", "merge", "-p", `{"spec":{"size":43}}`)
	if got := kn.waitLines(t, 2); got[0] != "widget."+h.group+"/w1" || got[1] != got[0] {
		t.Errorf("-w -o name: got %q", got)
	}
}

// testWatchResumes cuts every connection of kdyn get -w and of kubectl get
// -w: kubectl ends, kdyn resumes and prints the next change.
func (h *harness) testWatchResumes(t *testing.T) {
	ns, _ := h.getFixtures(t)
	w := h.widgets()
	p, err := faultproxy.Start(strings.TrimPrefix(h.env.Server, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	kc := writeKubeconfig(t, "https://"+p.Addr(), h.env.CAData, h.env.Admin.Token, ns)
	kd := h.start(t, h.bin, "--kubeconfig", kc, "get", w, "-w")
	ku := h.start(t, h.env.Binaries.Kubectl, "--kubeconfig", kc, "get", w, "-w")
	kd.waitLines(t, 3)
	ku.waitLines(t, 3)
	if n := p.DropAll(); n == 0 {
		t.Fatal("no connection to cut")
	}
	select {
	case <-ku.done:
		t.Logf("kubectl get -w ended with exit code %d when its connection dropped", ku.code)
	case <-time.After(30 * time.Second):
		t.Log("kubectl get -w still running 30s after its connection dropped")
	}
	h.ok(t, "patch", w, "w2", "-n", ns, "--type", "merge", "-p", `{"spec":{"size":99}}`)
	got := kd.waitLines(t, 4)
	if !strings.HasPrefix(got[3], "w2 ") || !strings.Contains(got[3], " 99 ") {
		t.Errorf("after the drop kdyn printed %q, want w2's new row", got[3])
	}
	select {
	case <-kd.done:
		t.Errorf("kdyn get -w ended (exit %d) after its connection dropped", kd.code)
	default:
	}
}

// writeTemp writes content to a temporary file and returns its path.
func writeTemp(t *testing.T, content string) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}
