package dynamic

import (
	"context"
	"errors"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/rest"
)

// TestEmptyNameNeverReachesCollection checks that every handle method that
// takes a name (or an object's name) refuses an empty one before anything
// is sent: an empty name must never become a request on the collection
// (GET or DELETE of .../configmaps lists or deletes them all). A name the
// path rules accept, such as a blank one, goes to the named object's URL,
// never to the collection's.
func TestEmptyNameNeverReachesCollection(t *testing.T) {
	ctx := context.Background()
	c, w := newWireClient(t, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}`)
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	nameless := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{}}}
	withName := func(n string) *unstructured.Unstructured {
		o := nameless.DeepCopy()
		o.SetName(n)
		return o
	}
	// calls are every handle method that acts on one object, given name.
	calls := []struct {
		method string
		do     func(h *ResourceHandle, name string) error
	}{
		{"Get", func(h *ResourceHandle, n string) error { _, err := h.Get(ctx, n, metav1.GetOptions{}); return err }},
		{"Get status", func(h *ResourceHandle, n string) error {
			_, err := h.Get(ctx, n, metav1.GetOptions{}, "status")
			return err
		}},
		{"GetTable", func(h *ResourceHandle, n string) error {
			_, err := h.GetTable(ctx, n, metav1.GetOptions{}, metav1.TableOptions{})
			return err
		}},
		{"GetMetadata", func(h *ResourceHandle, n string) error {
			_, err := h.GetMetadata(ctx, n, metav1.GetOptions{})
			return err
		}},
		{"Delete", func(h *ResourceHandle, n string) error { return h.Delete(ctx, n, metav1.DeleteOptions{}) }},
		{"Patch merge", func(h *ResourceHandle, n string) error {
			_, err := h.Patch(ctx, n, types.MergePatchType, []byte(`{}`), metav1.PatchOptions{})
			return err
		}},
		{"Patch json", func(h *ResourceHandle, n string) error {
			_, err := h.Patch(ctx, n, types.JSONPatchType, []byte(`[]`), metav1.PatchOptions{})
			return err
		}},
		{"Apply", func(h *ResourceHandle, n string) error {
			_, err := h.Apply(ctx, n, withName(n), metav1.ApplyOptions{FieldManager: "m"})
			return err
		}},
		{"ApplyStatus", func(h *ResourceHandle, n string) error {
			_, err := h.ApplyStatus(ctx, n, withName(n), metav1.ApplyOptions{FieldManager: "m"})
			return err
		}},
		{"Update", func(h *ResourceHandle, n string) error {
			_, err := h.Update(ctx, withName(n), metav1.UpdateOptions{})
			return err
		}},
		{"UpdateStatus", func(h *ResourceHandle, n string) error {
			_, err := h.UpdateStatus(ctx, withName(n), metav1.UpdateOptions{})
			return err
		}},
	}
	for _, scope := range []struct {
		name   string
		handle *ResourceHandle
	}{
		{name: "namespaced", handle: c.Resource(gvr).Namespace("ns")},
		{name: "all namespaces", handle: c.Resource(gvr)},
		{name: "cluster-scoped", handle: c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"})},
	} {
		for _, call := range calls {
			t.Run(scope.name+"/"+call.method, func(t *testing.T) {
				before := len(w.requests)
				err := call.do(scope.handle, "")
				if !errors.Is(err, rest.ErrInvalidName) {
					t.Errorf("error %v, want one wrapping rest.ErrInvalidName", err)
				}
				if sent := w.requests[before:]; len(sent) != 0 {
					t.Errorf("an empty name sent %d requests:\n%s", len(sent), strings.Join(sent, "---\n"))
				}
			})
		}
	}
	// A blank name is the path rules' business (and the server's): it is
	// sent to the object's own URL, never to the collection.
	h := c.Resource(gvr).Namespace("ns")
	for _, call := range calls {
		t.Run("blank/"+call.method, func(t *testing.T) {
			before := len(w.requests)
			_ = call.do(h, " ")
			for _, r := range w.requests[before:] {
				first, _, _ := strings.Cut(r, "\n")
				// The wire records the decoded path.
				if !strings.Contains(first, "/configmaps/ ") {
					t.Errorf("a blank name was sent to %q, not to the object's URL", first)
				}
			}
		})
	}
}
