package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testBadArguments tries every destructive-looking invalid argument we
// could think of on delete, patch, apply and get against the real server,
// through a recording proxy: each must fail with a clear message, send no
// write at all, and leave the objects of two namespaces (and the
// namespaces themselves) exactly as they were.
func (h *harness) testBadArguments(t *testing.T) {
	ns, other := h.env.Namespace(t), h.env.Namespace(t)
	objs := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, labels: {app: x}}\n---\n" +
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2, labels: {app: x}}\n---\n" +
		"apiVersion: " + h.group + "/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 1}\n"
	for _, n := range []string{ns, other} {
		if r := h.kdynIn(t, objs, "apply", "-f", "-", "-n", n); r.Code != 0 {
			t.Fatalf("apply: %+v", r)
		}
	}
	p := startRecordingProxy(t, h.env)
	kc := p.kubeconfig(t, h.env, ns)
	before := h.snapshot(t, ns, other)
	unset := "" // "$UNSET": what a shell passes for an unset variable
	mergePatch := []string{"--type", "merge", "-p", `{"data":{"x":"y"}}`}
	cases := []struct {
		name    string
		args    []string
		stdin   string
		wantErr string
	}{
		{"delete empty name", []string{"delete", "cm", unset}, "", "error: resource name may not be empty"},
		{"delete valid then empty", []string{"delete", "cm", "c1", unset}, "", "error: resource name may not be empty"},
		{"delete empty then valid", []string{"delete", "cm", unset, "c1"}, "", "error: resource name may not be empty"},
		{"delete empty across namespaces", []string{"delete", "cm", unset, "-A"}, "", "may not be empty"},
		{"delete namespace empty", []string{"delete", "ns", unset}, "", "may not be empty"},
		{"delete namespace blank", []string{"delete", "namespace", " "}, "", "may not be blank"},
		{"delete blank name", []string{"delete", "cm", " "}, "", `resource name may not be blank: " "`},
		{"delete tab name", []string{"delete", "cm", "c1", "\t"}, "", "may not be blank"},
		{"delete dot", []string{"delete", "cm", "."}, "", `invalid resource name "."`},
		{"delete dot-dot", []string{"delete", "cm", ".."}, "", `invalid resource name ".."`},
		{"delete percent", []string{"delete", "cm", "c1%2F"}, "", `invalid resource name "c1%2F"`},
		{"delete slash only", []string{"delete", "/"}, "", "must have a single resource and name"},
		{"delete slashes only", []string{"delete", "//"}, "", "must have a single resource and name"},
		{"delete type slash", []string{"delete", "cm/" + unset}, "", "must have a single resource and name"},
		{"delete valid and type slash", []string{"delete", "cm/c1", "cm/"}, "", "must have a single resource and name"},
		{"delete type slash blank", []string{"delete", "cm/c1", "cm/ "}, "", "may not be blank"},
		{"delete slash name", []string{"delete", "/c1"}, "", "must have a single resource and name"},
		{"delete name with slash", []string{"delete", "cm/c1/x"}, "", "must have a single resource and name"},
		{"delete mixed forms", []string{"delete", "cm", "c1", "cm/c2"}, "", "no need to specify a resource type"},
		{"delete empty resource", []string{"delete", unset, "c1"}, "", `invalid resource ""`},
		{"delete empty resource alone", []string{"delete", unset}, "", `invalid resource ""`},
		{"delete blank resource", []string{"delete", " ", "c1"}, "", `invalid resource " "`},
		{"delete empty resource in list", []string{"delete", "cm,," + h.widgets(), "-l", "app=x"}, "", "invalid resource"},
		{"delete blank selector", []string{"delete", "cm", "-l", " "}, "", "label selector (-l) may not be blank"},
		{"delete blank selector across namespaces", []string{"delete", "cm", "-l", " ", "-A"}, "", "may not be blank"},
		{"delete empty selector", []string{"delete", "cm", "-l", unset}, "", "no name or label selector was specified"},
		{"delete empty selector across namespaces", []string{"delete", "cm", "-l", unset, "-A"}, "", "no name or label selector was specified"},
		{"delete bad selector", []string{"delete", "cm", "-l", "app x"}, "", "invalid label selector"},
		{"delete nothing", []string{"delete", "cm"}, "", "no name or label selector was specified"},
		{"delete widget empty", []string{"delete", h.widgets(), "w1", unset}, "", "may not be empty"},
		{"delete blank namespace flag", []string{"delete", "cm", "c1", "-n", " "}, "", "invalid --namespace"},
		{"patch empty name", append([]string{"patch", "cm", unset}, mergePatch...), "", "may not be empty"},
		{"patch blank name", append([]string{"patch", "cm", " "}, mergePatch...), "", "may not be blank"},
		{"patch valid and empty", append([]string{"patch", "cm", "c1", unset}, mergePatch...), "", "may not be empty"},
		{"patch type slash", append([]string{"patch", "cm/"}, mergePatch...), "", "must have a single resource and name"},
		{"patch slash only", append([]string{"patch", "/"}, mergePatch...), "", "must have a single resource and name"},
		{"patch no name", append([]string{"patch", "cm"}, mergePatch...), "", "you must specify the name of the object to patch"},
		{"patch empty resource", append([]string{"patch", unset, "c1"}, mergePatch...), "", `invalid resource ""`},
		{"patch dot-dot", append([]string{"patch", "cm", ".."}, mergePatch...), "", `invalid resource name ".."`},
		{"patch widget blank", append([]string{"patch", h.widgets(), "w1", " "}, mergePatch...), "", "may not be blank"},
		{"apply empty name", []string{"apply", "-f", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ''}\ndata: {x: y}\n", "no metadata.name"},
		{"apply blank name", []string{"apply", "-f", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ' '}\ndata: {x: y}\n", "may not be blank"},
		{"apply blank name server-side", []string{"apply", "--server-side", "-f", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ' '}\n", "may not be blank"},
		{"apply slash name", []string{"apply", "-f", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1/x}\n", `invalid resource name "c1/x"`},
		{"apply dot-dot name", []string{"apply", "-f", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ..}\n", `invalid resource name ".."`},
		{"apply blank namespace", []string{"apply", "-f", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: ' '}\n", "the namespace of"},
		{"apply empty stdin", []string{"apply", "-f", "-"}, "", "no objects passed to apply"},
		{"apply empty file name", []string{"apply", "-f", unset}, "", "must specify one of -f"},
		{"get empty name", []string{"get", "cm", unset}, "", "may not be empty"},
		{"get valid and empty", []string{"get", "cm", "c1", unset}, "", "may not be empty"},
		{"get blank name", []string{"get", "cm", " "}, "", "may not be blank"},
		{"get slash only", []string{"get", "/"}, "", "must have a single resource and name"},
		{"get empty resource", []string{"get", unset}, "", `invalid resource ""`},
		{"get blank label selector", []string{"get", "cm", "-l", " "}, "", "label selector (-l) may not be blank"},
		{"get blank field selector", []string{"get", "cm", "--field-selector", " "}, "", "field selector (--field-selector) may not be blank"},
		{"get watch empty name", []string{"get", "cm", unset, "-w"}, "", "may not be empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.exec(t, h.bin, tc.stdin, append([]string{"--kubeconfig", kc, "-n", ns}, tc.args...)...)
			if r.Code == 0 || !strings.Contains(r.Stderr, tc.wantErr) || r.Stdout != "" {
				t.Errorf("kdyn %q: exit %d, stdout %q, stderr %q; want a failure saying %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.wantErr)
			}
		})
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if reqs := p.requests(m); len(reqs) > 0 {
			t.Errorf("invalid arguments sent %d %s requests: %+v", len(reqs), m, reqs)
		}
	}
	if d := cmp.Diff(before, h.snapshot(t, ns, other)); d != "" {
		t.Errorf("the server changed (-before +after):\n%s", d)
	}
}

// snapshot lists the namespaces ns and the ConfigMaps and Widgets in each,
// by name and resourceVersion (any write changes one).
func (h *harness) snapshot(t *testing.T, namespaces ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []string
	for _, ns := range namespaces {
		for _, p := range []string{
			"/api/v1/namespaces/" + ns + "/configmaps",
			"/apis/" + h.group + "/v1/namespaces/" + ns + "/widgets",
		} {
			out = append(out, h.listNames(ctx, t, p)...)
		}
		body, err := h.env.Do(ctx, http.MethodGet, "/api/v1/namespaces/"+ns, nil)
		if err != nil {
			t.Fatalf("get namespace %s: %v", ns, err)
		}
		var obj struct {
			Metadata struct{ ResourceVersion string }
			Status   struct{ Phase string }
		}
		if err := json.Unmarshal(body, &obj); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("namespace %s %s %s", ns, obj.Metadata.ResourceVersion, obj.Status.Phase))
	}
	sort.Strings(out)
	return out
}

// listNames returns "path name resourceVersion" for each item at path.
func (h *harness) listNames(ctx context.Context, t *testing.T, path string) []string {
	t.Helper()
	body, err := h.env.Do(ctx, http.MethodGet, path, nil)
	if err != nil {
		t.Fatalf("list %s: %v", path, err)
	}
	var list struct {
		Items []struct {
			Metadata struct{ Name, ResourceVersion string }
		}
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range list.Items {
		out = append(out, path+" "+it.Metadata.Name+" "+it.Metadata.ResourceVersion)
	}
	return out
}

// testApplyEndlessInput runs kdyn apply on inputs that never end a
// document, and on a FIFO no one writes to: each must end with a clear
// error (the FIFO on SIGTERM and on SIGINT), not an out-of-memory crash or
// a hang.
func (h *harness) testApplyEndlessInput(t *testing.T) {
	for _, tc := range []struct {
		name, shell string
	}{
		{name: "dev zero", shell: `exec "$KDYN" apply -f /dev/zero`},
		{name: "yes on stdin", shell: `yes 'a: b' | "$KDYN" apply -f -`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.shell(t, tc.shell, 0)
			if r.Code != 1 || !strings.Contains(r.Stderr, "manifest document too large: more than 16777216 bytes") || strings.Contains(r.Stderr, "goroutine") {
				t.Errorf("exit %d, stderr %q; want exit 1 and the document bound's error", r.Code, r.Stderr)
			}
		})
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run("fifo "+sig.String(), func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			r := h.shell(t, `exec "$KDYN" apply -f `+fifo, sig)
			if r.Code != 1 || !strings.Contains(r.Stderr, "error: reading "+fifo+": ") {
				t.Errorf("exit %d, stderr %q; want exit 1 and the interrupted read named", r.Code, r.Stderr)
			}
		})
	}
}

// shell runs a shell line with $KDYN set to the binary; with sig, it sends
// sig to the shell (which has exec'd kdyn) after a second.
func (h *harness) shell(t *testing.T, line string, sig syscall.Signal) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+h.kubeconfig, "KDYN="+h.bin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if sig != 0 {
		time.Sleep(time.Second)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("%s: still running after a minute", line)
	}
	r := result{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.Code = ee.ExitCode()
	}
	return r
}
