package main

import (
	"fmt"
	"strings"
	"testing"
)

// getFixtures creates two ConfigMaps and two Widgets in a new namespace with
// kdyn apply and returns the namespace and the run's label selector.
func (h *harness) getFixtures(t *testing.T) (ns, selector string) {
	t.Helper()
	ns = h.env.Namespace(t)
	label := "kdyn-run=" + strings.Split(h.group, ".")[0]
	lv := strings.Split(label, "=")[1]
	manifest := fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: c1, namespace: %[1]s, labels: {kdyn-run: %[2]s}}
data: {a: "1", b: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c2, namespace: %[1]s}
data: {tab: "x\ty", multi: "line1\nline2"}
---
apiVersion: %[3]s/v1
kind: Widget
metadata: {name: w1, namespace: %[1]s, labels: {kdyn-run: %[2]s}}
spec: {size: 3, color: red}
---
apiVersion: %[3]s/v1
kind: Widget
metadata: {name: w2, namespace: %[1]s}
spec: {size: 1234567, color: "a very long color name"}
`, ns, lv, h.group)
	r := h.kdynIn(t, manifest, "apply", "-f", "-")
	want := fmt.Sprintf("configmap/c1 created\nconfigmap/c2 created\nwidget.%[1]s/w1 created\nwidget.%[1]s/w2 created\n", h.group)
	if r.Code != 0 || r.Stdout != want {
		t.Fatalf("apply the fixtures: got %+v\nwant stdout:\n%s", r, want)
	}
	return ns, label
}

// testGet compares kdyn get with kubectl get on the same objects, byte for
// byte: stdout, stderr and exit code (see sameAsKubectl for AGE columns).
func (h *harness) testGet(t *testing.T) {
	ns, sel := h.getFixtures(t)
	w := h.widgets()
	for _, args := range [][]string{
		{"get", "cm", "-n", ns},
		{"get", "configmaps,widgets." + h.group, "-n", ns},
		{"get", w, "-n", ns, "-o", "wide"},
		{"get", "kdw", "w1", "-n", ns},
		{"get", "cm", "c1", "c2", "-n", ns},
		{"get", "cm/c1", "widget." + h.group + "/w2", "-n", ns},
		{"get", "cm," + w, "-A", "-l", sel},
		{"get", w, "-A", "-l", sel, "-o", "wide"},
		{"get", "cm", "-n", ns, "--field-selector", "metadata.name=c2"},
		{"get", "cm", "-n", ns, "-o", "name"},
		{"get", "cm," + w, "-n", ns, "-o", "name"},
		{"get", "cm", "-n", ns, "-o", "json"},
		{"get", "cm", "c1", "-n", ns, "-o", "json"},
		{"get", w, "w1", "-n", ns, "-o", "yaml"},
		{"get", "cm," + w, "-n", ns, "-o", "yaml"},
		{"get", w, "w1", "w2", "-n", ns, "-o", "json"},
		{"get", "secrets", "-n", ns},
		{"get", "cm", "-n", ns, "-l", "nothing=here"},
		{"get", "namespaces", ns},
		{"get", "cm", "-n", ns, "--no-headers"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			h.sameAsKubectl(t, false, args...)
		})
	}

	// Expectations written out, checked by hand against kubectl 1.36.3.
	if got, want := h.ok(t, "get", "cm,"+w, "-n", ns, "-o", "name"),
		"configmap/c1\nconfigmap/c2\nwidget."+h.group+"/w1\nwidget."+h.group+"/w2\n"; got != want {
		t.Errorf("-o name:\ngot:\n%s\nwant:\n%s", got, want)
	}
	table := h.ok(t, "get", "configmaps,"+w, "-n", ns)
	lines := strings.Split(table, "\n")
	if len(lines) != 8 || !strings.HasPrefix(lines[0], "NAME           DATA   AGE") ||
		!strings.HasPrefix(lines[1], "configmap/c1   2      ") || lines[3] != "" ||
		!strings.HasPrefix(lines[5], "widget."+h.group+"/w1   3         ") {
		t.Errorf("two kinds: want kind-prefixed names and a blank line between the tables, got:\n%s", table)
	}
	if got := h.ok(t, "get", "cm", "c1", "-n", ns, "-o", "json"); !strings.HasPrefix(got, "{\n    \"apiVersion\": \"v1\",\n    \"data\": {") ||
		strings.Contains(got, "managedFields") {
		t.Errorf("-o json of one object: want the bare object without managedFields, got:\n%s", got)
	}
	if got := h.ok(t, "get", "cm", "-n", ns, "-o", "json"); !strings.HasPrefix(got, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [") ||
		!strings.HasSuffix(got, "    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n") {
		t.Errorf("-o json of a list: want a List, got:\n%s", got)
	}

	// --context picks another user: the restricted one may read its own
	// namespace only, and is told so in kubectl's words elsewhere.
	h.sameAsKubectl(t, false, "--context", "restricted", "get", "cm", "-n", h.env.RestrictedNamespace)
	h.sameAsKubectl(t, false, "--context", "restricted", "get", "cm", "-n", ns)

	// The context's namespace is the default one.
	kc := writeKubeconfig(t, h.env.Server, h.env.CAData, h.env.Admin.Token, ns)
	h.sameAsKubectl(t, false, "--kubeconfig", kc, "get", "cm,"+w)
}

// testGetErrors: errors are one line, after whatever could be printed, with
// kubectl's wording and exit code.
func (h *harness) testGetErrors(t *testing.T) {
	ns, _ := h.getFixtures(t)
	for _, args := range [][]string{
		{"get", "cm", "nope", "-n", ns},
		{"get", "cm", "c1", "nope", "-n", ns},
		{"get", "cm", "nope", "-n", ns, "-o", "json"},
		{"get", "nosuchresource"},
		{"get", "cm", "nope", "-n", ns, "-o", "name"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := h.sameAsKubectl(t, false, args...)
			if r.Code == 0 {
				t.Errorf("exit code 0, want non-zero")
			}
		})
	}
	r := h.kdyn(t, "get", "cm", "nope", "-n", ns)
	if want := "Error from server (NotFound): configmaps \"nope\" not found\n"; r.Stderr != want || r.Code != 1 {
		t.Errorf("got %+v, want exit 1 and stderr %q", r, want)
	}
}
