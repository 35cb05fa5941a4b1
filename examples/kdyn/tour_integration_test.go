package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testTour runs the README's tour on its manifests (tour/), with the CRD's
// group made unique for the shared server.
func (h *harness) testTour(t *testing.T) {
	ns := h.env.Namespace(t)
	group := "tour-" + h.group
	read := func(name string) string {
		b, err := os.ReadFile("tour/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(b), "tour.kdyn.example.com", group)
	}
	crd, gadget := writeTemp(t, read("gadget-crd.yaml")), writeTemp(t, read("gadget.yaml"))
	t.Cleanup(func() { h.kdyn(t, "delete", "crd", "gadgets."+group) })
	h.expect(t, result{Stdout: "customresourcedefinition.apiextensions.k8s.io/gadgets." + group + " created\n"}, "apply", "-f", crd)
	waitFor(t, "gadgets."+group+" to be served", func() bool {
		return h.kdyn(t, "get", "gadgets."+group, "-n", ns).Code == 0
	})
	res := "gadgets." + group
	h.expect(t, result{Stdout: "gadget." + group + "/g1 created\n"}, "apply", "-f", gadget, "-n", ns)
	h.expect(t, result{Stdout: "gadget." + group + "/g1 patched\n"}, "patch", res, "g1", "-n", ns,
		"-p", `{"spec":{"ports":[{"name":"https","port":443}],"tags":["green"]}}`)
	h.expect(t, result{Stdout: "gadget." + group + "/g1 patched\n"}, "patch", res, "g1", "-n", ns, "--type", "merge", "-p", `{"spec":{"size":5}}`)
	got := field(h.rawGet(t, "/apis/"+group+"/v1/namespaces/"+ns+"/gadgets/g1"), "spec")
	want := map[string]any{
		"size": float64(5), "tags": []any{"blue", "green"},
		"ports": []any{map[string]any{"name": "http", "port": float64(80)}, map[string]any{"name": "https", "port": float64(443)}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("spec after the tour's patches (-want +got):\n%s", d)
	}
	if r := h.kdyn(t, "diff", "-f", gadget, "-n", ns); r.Code != 1 || !strings.Contains(r.Stdout, "-  size: 5\n+  size: 3\n") {
		t.Errorf("diff: %+v", r)
	}
	h.expect(t, result{Stdout: "gadget." + group + "/g1 configured\n"}, "apply", "-f", gadget, "-n", ns)
	h.expect(t, result{Stdout: "gadget." + group + "/g1 unchanged\n"}, "apply", "-f", gadget, "-n", ns)
	h.expect(t, result{Stdout: "gadget." + group + ` "g1" deleted from ` + ns + " namespace\n"}, "delete", res, "g1", "-n", ns)
}
