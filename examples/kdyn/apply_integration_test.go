package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// rawGet reads an object as admin with its managedFields (kdyn and kubectl
// print objects without them).
func (h *harness) rawGet(t *testing.T, path string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	body, err := h.env.Do(ctx, http.MethodGet, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func field(obj map[string]any, path ...string) any {
	var v any = obj
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// expect runs kdyn and checks its stdout, stderr and exit code.
func (h *harness) expect(t *testing.T, want result, args ...string) {
	t.Helper()
	if got := h.kdyn(t, args...); got != want {
		t.Errorf("kdyn %s (-want +got):\n%s", strings.Join(args, " "), cmp.Diff(want, got))
	}
}

// testApplyClientSide: create, unchanged, configured, fields removed from
// the manifest removed from the object, fields set by others kept; the
// last-applied annotation is exactly kubectl's (kubectl apply of the same
// file finds nothing to do, and the other way round).
func (h *harness) testApplyClientSide(t *testing.T) {
	ns := h.env.Namespace(t)
	v1 := writeTemp(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, labels: {tier: web}}\ndata: {a: \"1\", b: \"2\"}\n")
	h.expect(t, result{Stdout: "configmap/app created\n"}, "apply", "-f", v1, "-n", ns)
	if r := h.kubectl(t, "apply", "-f", v1, "-n", ns); r.Stdout != "configmap/app unchanged\n" {
		t.Errorf("kubectl apply after kdyn apply: %+v, want unchanged", r)
	}
	h.expect(t, result{Stdout: "configmap/app unchanged\n"}, "apply", "-f", v1, "-n", ns)

	// Another writer's field survives; a field dropped from the manifest goes.
	h.ok(t, "patch", "cm", "app", "-n", ns, "--type", "merge", "-p", `{"data":{"other":"x"}}`)
	v2 := writeTemp(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, labels: {tier: web}}\ndata: {a: \"3\"}\n")
	h.expect(t, result{Stdout: "configmap/app configured\n"}, "apply", "-f", v2, "-n", ns)
	got := field(h.rawGet(t, "/api/v1/namespaces/"+ns+"/configmaps/app"), "data")
	if d := cmp.Diff(map[string]any{"a": "3", "other": "x"}, got); d != "" {
		t.Errorf("data after the three-way apply (-want +got):\n%s", d)
	}
	if r := h.kubectl(t, "apply", "-f", v2, "-n", ns); r.Stdout != "configmap/app unchanged\n" {
		t.Errorf("kubectl apply after kdyn's update: %+v, want unchanged", r)
	}

	// kubectl's last-applied annotation is read by kdyn as its own.
	kc := writeTemp(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kc}\ndata: {k: v}\n")
	if r := h.kubectl(t, "apply", "-f", kc, "-n", ns); r.Stdout != "configmap/kc created\n" {
		t.Fatalf("kubectl apply: %+v", r)
	}
	h.expect(t, result{Stdout: "configmap/kc unchanged\n"}, "apply", "-f", kc, "-n", ns)

	// Server-side dry run: nothing is stored.
	dry := writeTemp(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n")
	h.expect(t, result{Stdout: "configmap/dry created (server dry run)\n"}, "apply", "-f", dry, "-n", ns, "--dry-run=server")
	if r := h.kdyn(t, "get", "cm", "dry", "-n", ns); r.Code != 1 {
		t.Errorf("the dry-run object exists: %+v", r)
	}

	// A directory (its .yaml and .json files in name order) and stdin, with
	// a custom resource.
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d2}\n"), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "b.json"), []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d3"}}`), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a manifest"), 0o600)
	h.expect(t, result{Stdout: "configmap/d1 created\nconfigmap/d2 created\nconfigmap/d3 created\n"}, "apply", "-f", dir, "-n", ns)
	cr := fmt.Sprintf("apiVersion: %s/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, ports: [{name: http, port: 80}]}\n", h.group)
	wk := "widget." + h.group + "/w"
	if r := h.kdynIn(t, cr, "apply", "-f", "-", "-n", ns); r != (result{Stdout: wk + " created\n"}) {
		t.Errorf("apply a widget: %+v", r)
	}
	cr2 := strings.Replace(cr, "size: 1, ", "", 1)
	if r := h.kdynIn(t, cr2, "apply", "-f", "-", "-n", ns); r != (result{Stdout: wk + " configured\n"}) {
		t.Errorf("apply a changed widget: %+v", r)
	}
	if got := field(h.rawGet(t, "/apis/"+h.group+"/v1/namespaces/"+ns+"/widgets/w"), "spec"); cmp.Diff(map[string]any{"ports": []any{map[string]any{"name": "http", "port": float64(80)}}}, got) != "" {
		t.Errorf("widget spec after removing size: %v", got)
	}
}

// testApplyServerSide: serverside-applied, field managers, conflicts and
// --force-conflicts, server-side dry run.
func (h *harness) testApplyServerSide(t *testing.T) {
	ns := h.env.Namespace(t)
	f := writeTemp(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"1\"}\n")
	h.expect(t, result{Stdout: "configmap/ssa serverside-applied\n"}, "apply", "--server-side", "-f", f, "-n", ns)
	managers := func() []string {
		var out []string
		mf, _ := field(h.rawGet(t, "/api/v1/namespaces/"+ns+"/configmaps/ssa"), "metadata", "managedFields").([]any)
		for _, e := range mf {
			m, _ := e.(map[string]any)
			out = append(out, fmt.Sprint(m["manager"], "/", m["operation"]))
		}
		return out
	}
	if d := cmp.Diff([]string{"kdyn/Apply"}, managers()); d != "" {
		t.Errorf("managers (-want +got):\n%s", d)
	}
	// Another manager takes data.a; applying a different value conflicts.
	if r := h.kubectl(t, "patch", "cm", "ssa", "-n", ns, "--type", "merge", "-p", `{"data":{"a":"2"}}`); r.Code != 0 {
		t.Fatalf("kubectl patch: %+v", r)
	}
	r := h.kdyn(t, "apply", "--server-side", "-f", f, "-n", ns)
	if r.Code != 1 || r.Stdout != "" || !strings.HasPrefix(r.Stderr, "Error from server (Conflict): Apply failed with 1 conflict") ||
		strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "--force-conflicts") {
		t.Errorf("conflicting apply: got %+v, want one Conflict line naming --force-conflicts", r)
	}
	h.expect(t, result{Stdout: "configmap/ssa serverside-applied\n"}, "apply", "--server-side", "--force-conflicts", "-f", f, "-n", ns)
	if got := field(h.rawGet(t, "/api/v1/namespaces/"+ns+"/configmaps/ssa"), "data", "a"); got != "1" {
		t.Errorf("data.a after --force-conflicts = %v, want 1", got)
	}
	h.expect(t, result{Stdout: "configmap/ssa serverside-applied\n"}, "apply", "--server-side", "--field-manager=ci", "-f", f, "-n", ns)
	if got := managers(); !strings.Contains(strings.Join(got, ","), "ci/Apply") {
		t.Errorf("managers %v lack ci/Apply", got)
	}
	f2 := writeTemp(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-dry}\n")
	h.expect(t, result{Stdout: "configmap/ssa-dry serverside-applied (server dry run)\n"}, "apply", "--server-side", "--dry-run=server", "-f", f2, "-n", ns)
	if r := h.kubectl(t, "apply", "--server-side", "--dry-run=server", "-f", f2, "-n", ns); r.Stdout != "configmap/ssa-dry serverside-applied (server dry run)\n" {
		t.Errorf("kubectl's server-side dry run prints %q", r.Stdout)
	}
	h.expect(t, result{Stderr: "error: --force-conflicts only works with --server-side\n", Code: 1}, "apply", "--force-conflicts", "-f", f, "-n", ns)
}

// testApplyPerDocumentErrors: a document of an unknown kind and one the
// server refuses each get one error line; the others are applied.
func (h *harness) testApplyPerDocumentErrors(t *testing.T) {
	ns := h.env.Namespace(t)
	f := writeTemp(t, `apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: nope.kdyn.example.com/v1
kind: Gadget
metadata: {name: g1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: Bad_Name}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: last}
`)
	r := h.kdyn(t, "apply", "-f", f, "-n", ns)
	if r.Code != 1 || r.Stdout != "configmap/first created\nconfigmap/last created\n" {
		t.Errorf("got %+v, want the two good ConfigMaps created and exit 1", r)
	}
	lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
	if len(lines) != 2 ||
		lines[0] != fmt.Sprintf(`error: resource mapping not found for name: "g1" namespace: "" from "%s": no matches for kind "Gadget" in version "nope.kdyn.example.com/v1"; ensure CRDs are installed first`, f) ||
		!strings.HasPrefix(lines[1], `The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"`) {
		t.Errorf("stderr: want one line per failed document, got:\n%s", r.Stderr)
	}
	// A namespace on a cluster-scoped object is ignored, as kubectl ignores it.
	cr := writeTemp(t, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: kdyn-dry, namespace: somewhere}\n")
	h.expect(t, result{Stdout: "clusterrole.rbac.authorization.k8s.io/kdyn-dry created (server dry run)\n"}, "apply", "-f", cr, "--dry-run=server")
	h.expect(t, result{Stderr: "error: no objects passed to apply\n", Code: 1}, "apply", "-f", writeTemp(t, "# nothing\n"))
}

// testApplyCRDAndResource: a CRD and a resource of its kind in one file; the
// resource waits for the CRD to be served (kubectl fails it: "ensure CRDs
// are installed first").
func (h *harness) testApplyCRDAndResource(t *testing.T) {
	ns := h.env.Namespace(t)
	group := "both-" + h.group
	crd := strings.ReplaceAll(h.widgetCRD(), h.group, group)
	t.Cleanup(func() { h.kdyn(t, "delete", "crd", "widgets."+group) })
	manifest := crd + "---\napiVersion: " + group + "/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n"
	want := result{Stdout: "customresourcedefinition.apiextensions.k8s.io/widgets." + group + " created\nwidget." + group + "/w created\n"}
	if got := h.kdynIn(t, manifest, "apply", "-f", "-", "-n", ns); got != want {
		t.Errorf("(-want +got):\n%s", cmp.Diff(want, got))
	}
}
