package main

import (
	"strings"
	"testing"
)

// testBlame writes a ConfigMap with a server-side apply (kdyn, manager
// "ci-apply") and then an update (kubectl label, manager "kubectl-label"),
// and checks the owner, operation and time column of each line of kdyn
// blame.
func (h *harness) testBlame(t *testing.T) {
	ns := h.env.Namespace(t)
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blamed}\ndata: {a: one, b: two}\n"
	if r := h.kdynIn(t, cm, "apply", "--server-side", "--field-manager=ci-apply", "-f", "-", "-n", ns); r.Code != 0 {
		t.Fatalf("apply: %+v", r)
	}
	if r := h.kubectl(t, "label", "cm", "blamed", "tier=web", "-n", ns); r.Code != 0 {
		t.Fatalf("kubectl label: %+v", r)
	}
	for _, args := range [][]string{{"cm", "blamed"}, {"configmap/blamed"}} {
		out := h.ok(t, append([]string{"blame", "-n", ns}, args...)...)
		owners := map[string]string{} // the YAML line, trimmed -> owner and operation
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				t.Fatalf("line %q has no owner column", line)
			}
			if f[0] == "(no" { // "(no manager)"
				owners[strings.TrimSpace(line[len(unowned):])] = unowned
				continue
			}
			if len(f) < 4 || !strings.HasPrefix(f[2], "20") {
				t.Fatalf("line %q lacks the owner, operation and time", line)
			}
			owners[strings.Join(f[3:], " ")] = f[0] + " " + f[1]
		}
		for line, want := range map[string]string{
			"apiVersion: v1":   unowned,
			"a: one":           "ci-apply Apply",
			"b: two":           "ci-apply Apply",
			"labels:":          "kubectl-label Update",
			"tier: web":        "kubectl-label Update",
			"name: blamed":     unowned,
			"namespace: " + ns: unowned,
		} {
			if got, ok := owners[line]; !ok || got != want {
				t.Errorf("kdyn blame %v: line %q owned by %q, want %q\n%s", args, line, got, want, out)
			}
		}
	}
	if r := h.kdyn(t, "blame", "cm", "-n", ns); r.Code != 1 || !strings.Contains(r.Stderr, "exactly one object") {
		t.Errorf("blame without a name: %+v", r)
	}
	if r := h.kdyn(t, "blame", "cm", "", "-n", ns); r.Code != 1 || !strings.Contains(r.Stderr, "may not be empty") {
		t.Errorf("blame with an empty name: %+v", r)
	}
}
