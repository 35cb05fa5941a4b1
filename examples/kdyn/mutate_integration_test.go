package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testPatch: merge, JSON and strategic patches (strategic on a custom
// resource, which kubectl cannot do), -p and --patch-file, the status and
// scale subresources, "patched (no change)" as kubectl prints it.
func (h *harness) testPatch(t *testing.T) {
	ns := h.env.Namespace(t)
	w := h.widgets()
	cr := fmt.Sprintf("apiVersion: %s/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 1, replicas: 1, tags: [a], ports: [{name: http, port: 80}]}\n", h.group)
	if r := h.kdynIn(t, cr, "apply", "-f", "-", "-n", ns); r.Code != 0 {
		t.Fatalf("apply: %+v", r)
	}
	line := "widget." + h.group + "/w1 patched\n"
	same := "widget." + h.group + "/w1 patched (no change)\n"
	merge := []string{"patch", w, "w1", "-n", ns, "--type", "merge", "-p", `{"spec":{"size":5}}`}
	h.expect(t, result{Stdout: line}, merge...)
	if r := h.kubectl(t, merge...); r.Stdout != same {
		t.Errorf("kubectl's repeated patch prints %q", r.Stdout)
	}
	h.expect(t, result{Stdout: same}, merge...)
	h.expect(t, result{Stdout: line}, "patch", "widget."+h.group+"/w1", "-n", ns, "--type", "json", "-p", `[{"op":"add","path":"/spec/color","value":"blue"}]`)

	// Strategic merge on a custom resource: map list merged by key, set
	// unioned. kubectl gets the server's 415.
	strategic := []string{"patch", w, "w1", "-n", ns, "-p", `{"spec":{"ports":[{"name":"https","port":443}],"tags":["b"]}}`}
	if r := h.kubectl(t, strategic...); r.Code == 0 {
		t.Errorf("kubectl's strategic patch of a custom resource succeeded: %+v", r)
	}
	h.expect(t, result{Stdout: line}, strategic...)
	spec := field(h.rawGet(t, "/apis/"+h.group+"/v1/namespaces/"+ns+"/widgets/w1"), "spec")
	want := map[string]any{
		"size": float64(5), "replicas": float64(1), "color": "blue", "tags": []any{"a", "b"},
		"ports": []any{map[string]any{"name": "http", "port": float64(80)}, map[string]any{"name": "https", "port": float64(443)}},
	}
	if d := cmp.Diff(want, spec); d != "" {
		t.Errorf("spec after the strategic patch (-want +got):\n%s", d)
	}
	pf := writeTemp(t, "spec:\n  ports:\n  - name: http\n    port: 8080\n")
	h.expect(t, result{Stdout: line}, "patch", "kdw", "w1", "-n", ns, "--patch-file", pf)
	if got := field(h.rawGet(t, "/apis/"+h.group+"/v1/namespaces/"+ns+"/widgets/w1"), "spec", "ports"); len(got.([]any)) != 2 {
		t.Errorf("ports after the patch file: %v", got)
	}

	// Subresources.
	h.expect(t, result{Stdout: line}, "patch", w, "w1", "-n", ns, "--subresource", "status", "--type", "merge", "-p", `{"status":{"replicas":2}}`)
	h.expect(t, result{Stdout: "scale.autoscaling/w1 patched\n"}, "patch", w, "w1", "-n", ns, "--subresource", "scale", "--type", "merge", "-p", `{"spec":{"replicas":3}}`)
	if r := h.kubectl(t, "patch", w, "w1", "-n", ns, "--subresource", "scale", "--type", "merge", "-p", `{"spec":{"replicas":4}}`); r.Stdout != "scale.autoscaling/w1 patched\n" {
		t.Errorf("kubectl's scale patch prints %q", r.Stdout)
	}
	obj := h.rawGet(t, "/apis/"+h.group+"/v1/namespaces/"+ns+"/widgets/w1")
	if field(obj, "status", "replicas") != float64(2) || field(obj, "spec", "replicas") != float64(4) {
		t.Errorf("status.replicas %v (want 2), spec.replicas %v (want 4)", field(obj, "status", "replicas"), field(obj, "spec", "replicas"))
	}

	// Errors, as kubectl words them.
	for _, args := range [][]string{
		{"patch", "cm", "nope", "-n", ns, "-p", `{"data":{"a":"b"}}`},
		{"patch", w, "w1", "-n", ns, "--type", "json", "-p", `[{"op":"remove","path":"/spec/nope"}]`},
	} {
		h.sameAsKubectl(t, false, args...)
	}
	h.expect(t, result{Stderr: "error: --type must be one of [json merge strategic], not \"xml\"\n", Code: 1}, "patch", w, "w1", "--type", "xml", "-p", "{}")
}

// testDelete: by name and by selector, namespaced and cluster-scoped, with
// kubectl 1.36's lines.
func (h *harness) testDelete(t *testing.T) {
	ns := h.env.Namespace(t)
	objs := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2}\n---\n" +
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c3}\n---\n" +
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: l1, labels: {del: me}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: l2, labels: {del: me}}\n"
	if r := h.kdynIn(t, objs, "apply", "-f", "-", "-n", ns); r.Code != 0 {
		t.Fatalf("apply: %+v", r)
	}
	h.expect(t, result{Stdout: fmt.Sprintf("configmap \"c1\" deleted from %[1]s namespace\nconfigmap \"c2\" deleted from %[1]s namespace\n", ns)}, "delete", "cm", "c1", "c2", "-n", ns)
	if r := h.kubectl(t, "delete", "cm", "c3", "-n", ns); r.Stdout != fmt.Sprintf("configmap \"c3\" deleted from %s namespace\n", ns) {
		t.Errorf("kubectl 1.36 prints %q", r.Stdout)
	}
	h.expect(t, result{Stdout: fmt.Sprintf("configmap \"l1\" deleted from %[1]s namespace\nconfigmap \"l2\" deleted from %[1]s namespace\n", ns)}, "delete", "configmaps", "-l", "del=me", "-n", ns)
	h.sameAsKubectl(t, false, "delete", "cm", "-l", "del=me", "-n", ns)
	h.sameAsKubectl(t, false, "delete", "cm", "nope", "-n", ns)
	if r := h.kdyn(t, "get", "cm", "-n", ns, "-o", "name"); r.Stdout != "" {
		t.Errorf("left: %q", r.Stdout)
	}
	role := "kdyn-" + strings.Split(h.group, ".")[0]
	if r := h.kdynIn(t, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "+role+"}\n", "apply", "-f", "-"); r.Code != 0 {
		t.Fatalf("apply: %+v", r)
	}
	h.expect(t, result{Stdout: "clusterrole.rbac.authorization.k8s.io \"" + role + "\" deleted\n"}, "delete", "clusterrole", role)
	h.expect(t, result{Stderr: "error: invalid cascade value (sideways). Must be \"background\", \"foreground\", or \"orphan\"\n", Code: 1}, "delete", "cm", "x", "--cascade=sideways")
}

// testDeleteCascade sends deletes through a recording proxy: each carries
// the propagation policy --cascade names, and (with no garbage collector)
// foreground and orphan deletes leave their finalizer on the object.
func (h *harness) testDeleteCascade(t *testing.T) {
	ns := h.env.Namespace(t)
	p := startRecordingProxy(t, h.env)
	kc := p.kubeconfig(t, h.env, ns)
	for _, tc := range []struct {
		name, cascade, policy, finalizer string
	}{
		{name: "fg", cascade: "--cascade=foreground", policy: "Foreground", finalizer: "foregroundDeletion"},
		{name: "or", cascade: "--cascade=orphan", policy: "Orphan", finalizer: "orphan"},
		{name: "bg", cascade: "--cascade", policy: "Background"},
		{name: "df", policy: "Background"},
	} {
		t.Run(tc.policy+"-"+tc.name, func(t *testing.T) {
			if r := h.kdynIn(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "+tc.name+"}\n", "--kubeconfig", kc, "apply", "-f", "-"); r.Code != 0 {
				t.Fatalf("apply: %+v", r)
			}
			args := []string{"--kubeconfig", kc, "delete", "cm", tc.name}
			if tc.cascade != "" {
				args = append(args, tc.cascade)
			}
			h.expect(t, result{Stdout: fmt.Sprintf("configmap %q deleted from %s namespace\n", tc.name, ns)}, args...)
			var bodies []string
			for _, r := range p.requests("DELETE") {
				if strings.HasSuffix(r.Path, "/configmaps/"+tc.name) {
					bodies = append(bodies, r.Body)
				}
			}
			if len(bodies) != 1 || !regexp.MustCompile(`"propagationPolicy":\s*"`+tc.policy+`"`).MatchString(bodies[0]) {
				t.Errorf("DELETE bodies %q: want one with propagationPolicy %s", bodies, tc.policy)
			}
			r := h.kdyn(t, "get", "cm", tc.name, "-n", ns, "-o", "json")
			if tc.finalizer == "" {
				if r.Code != 1 || !strings.Contains(r.Stderr, "NotFound") {
					t.Errorf("a background delete left the object: %+v", r)
				}
				return
			}
			obj := h.rawGet(t, "/api/v1/namespaces/"+ns+"/configmaps/"+tc.name)
			fins, _ := field(obj, "metadata", "finalizers").([]any)
			if !slices.Contains(fins, any(tc.finalizer)) || field(obj, "metadata", "deletionTimestamp") == nil {
				t.Errorf("finalizers %v, deletionTimestamp %v: want %s and a deletion timestamp", fins, field(obj, "metadata", "deletionTimestamp"), tc.finalizer)
			}
		})
	}
}

var diffVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`/(LIVE|MERGED)-[0-9]+/`), "/$1-X/"},
	{regexp.MustCompile(`\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4}`), "\tTIME"},
	{regexp.MustCompile(`(creationTimestamp: ).*`), "${1}T"},
	{regexp.MustCompile(`(uid: ).*`), "${1}U"},
}

// normDiff removes what differs between two runs of a diff: temporary
// directory names, file times, and a dry-run create's uid and timestamp.
func normDiff(s string) string {
	for _, v := range diffVolatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// testDiff compares kdyn diff with kubectl diff: the same unified diff
// (after normDiff) and the same exit code, for a changed object, an
// unchanged one, a new one, a Secret (masked), and server-side.
func (h *harness) testDiff(t *testing.T) {
	ns := h.env.Namespace(t)
	base := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d1, labels: {x: z}}\ndata: {a: \"1\", b: \"2\", c: \"3\", d: \"4\", e: \"5\", f: \"6\", g: \"7\", h: \"8\", i: \"9\"}\n" +
		"---\napiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: {user: admin, pass: one, keep: same}\n"
	if r := h.kdynIn(t, base, "apply", "-f", "-", "-n", ns); r.Code != 0 {
		t.Fatalf("apply: %+v", r)
	}
	changed := strings.NewReplacer(`a: "1"`, `a: "10"`, `i: "9"`, `i: "90"`, "pass: one", "pass: two").Replace(base) +
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: new}\ndata: {num: \"1\"}\n"
	for _, tc := range []struct {
		name, manifest string
		extra          []string
		code           int
	}{
		{name: "unchanged", manifest: base, code: 0},
		{name: "changed and new", manifest: changed, code: 1},
		// The server keeps the last-applied annotation in step with a
		// server-side apply only for the field manager "kubectl".
		{name: "server-side", manifest: changed, extra: []string{"--server-side", "--field-manager=kubectl"}, code: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := writeTemp(t, tc.manifest)
			args := append([]string{"diff", "-f", f, "-n", ns}, tc.extra...)
			kd, kc := h.kdyn(t, args...), h.kubectl(t, args...)
			if kd.Code != tc.code || kc.Code != tc.code {
				t.Errorf("exit codes: kdyn %d, kubectl %d, want %d\nkdyn stderr: %s\nkubectl stderr: %s", kd.Code, kc.Code, tc.code, kd.Stderr, kc.Stderr)
			}
			if d := cmp.Diff(normDiff(kc.Stdout), normDiff(kd.Stdout)); d != "" {
				t.Errorf("kdyn diff differs from kubectl diff (-kubectl +kdyn):\n%s", d)
			}
			if tc.code == 1 && (!strings.Contains(kd.Stdout, "-  a: \"1\"\n+  a: \"10\"\n") || !strings.Contains(kd.Stdout, "-  pass: '*** (before)'\n+  pass: '*** (after)'\n")) {
				t.Errorf("kdyn diff lacks the changes:\n%s", kd.Stdout)
			}
		})
	}
	r := h.kdyn(t, "diff", "-f", writeTemp(t, "apiVersion: nope.kdyn.example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"), "-n", ns)
	if r.Code != 2 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, `no matches for kind "Gadget"`) {
		t.Errorf("diff of an unknown kind: got %+v, want exit 2 and one error line", r)
	}
}
