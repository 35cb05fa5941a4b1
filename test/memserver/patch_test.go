package memserver

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

func TestPatchTypes(t *testing.T) {
	_, _, dc := clients(t, Options{CRDs: []*unstructured.Unstructured{widgetCRD()}})
	ctx := testCtx(t)
	cms := dc.Resource(cmGVR).Namespace("default")
	if _, err := cms.Create(ctx, configMap("p", nil, map[string]any{"a": "1", "b": "2"}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ws := dc.Resource(widgetGVR).Namespace("default")
	if _, err := ws.Create(ctx, widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		widget     bool
		pt         types.PatchType
		patch      string
		wantData   map[string]any
		wantReason metav1.StatusReason
	}{
		{name: "merge", pt: types.MergePatchType, patch: `{"data":{"a":null,"c":"3"}}`, wantData: map[string]any{"b": "2", "c": "3"}},
		{name: "json", pt: types.JSONPatchType, patch: `[{"op":"add","path":"/data/d","value":"4"}]`, wantData: map[string]any{"b": "2", "c": "3", "d": "4"}},
		{name: "json failing test", pt: types.JSONPatchType, patch: `[{"op":"test","path":"/data/d","value":"5"}]`, wantReason: metav1.StatusReasonInvalid},
		{name: "json malformed", pt: types.JSONPatchType, patch: `{"op":"add"}`, wantReason: metav1.StatusReasonBadRequest},
		{name: "strategic", pt: types.StrategicMergePatchType, patch: `{"data":{"e":"5"}}`, wantData: map[string]any{"b": "2", "c": "3", "d": "4", "e": "5"}},
		{name: "strategic on a custom resource", widget: true, pt: types.StrategicMergePatchType, patch: `{"spec":{"replicas":2}}`, wantReason: metav1.StatusReasonUnsupportedMediaType},
		{name: "merge malformed", pt: types.MergePatchType, patch: `{`, wantReason: metav1.StatusReasonBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, name := cms, "p"
			if tc.widget {
				h, name = ws, "w"
			}
			got, err := h.Patch(ctx, name, tc.pt, []byte(tc.patch), metav1.PatchOptions{})
			if tc.wantReason != "" {
				if r := apierrors.ReasonForError(err); r != tc.wantReason {
					t.Fatalf("reason %q (%v), want %q", r, err, tc.wantReason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantData, got.Object["data"]); diff != "" {
				t.Errorf("data (-want +got)\n%s", diff)
			}
		})
	}
}

func TestServerSideApply(t *testing.T) {
	_, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	cfg := configMap("applied", nil, map[string]any{"owned": "a"})
	created, err := h.Apply(ctx, "applied", cfg, metav1.ApplyOptions{FieldManager: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if mf := created.GetManagedFields(); len(mf) != 1 || mf[0].Manager != "alice" || mf[0].Operation != metav1.ManagedFieldsOperationApply {
		t.Fatalf("managedFields after apply: %+v", mf)
	}
	other := configMap("applied", nil, map[string]any{"owned": "b"})
	_, err = h.Apply(ctx, "applied", other, metav1.ApplyOptions{FieldManager: "bob"})
	if !apierrors.IsConflict(err) {
		t.Fatalf("apply of a field another manager owns: %v, want Conflict", err)
	}
	forced, err := h.Apply(ctx, "applied", other, metav1.ApplyOptions{FieldManager: "bob", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := unstructured.NestedString(forced.Object, "data", "owned"); v != "b" {
		t.Errorf("forced apply: data.owned = %q, want b", v)
	}
	managers := map[string]bool{}
	for _, e := range forced.GetManagedFields() {
		managers[e.Manager] = true
	}
	if managers["alice"] || !managers["bob"] {
		t.Errorf("managers after a forced takeover: %v, want bob only", managers)
	}
	upd := forced.DeepCopy()
	upd.Object["data"] = map[string]any{"owned": "b", "extra": "x"}
	updated, err := h.Update(ctx, upd, metav1.UpdateOptions{FieldManager: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range updated.GetManagedFields() {
		found = found || (e.Manager == "carol" && e.Operation == metav1.ManagedFieldsOperationUpdate)
	}
	if !found {
		t.Errorf("update manager not tracked: %+v", updated.GetManagedFields())
	}
}
