package conformance

import (
	"net/http"
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

const applyType = string(types.ApplyYAMLPatchType)

func applyScenarios() []Scenario {
	am := func(m string) metav1.ApplyOptions { return metav1.ApplyOptions{FieldManager: m} }
	return []Scenario{
		sc("apply/create", func(r *rec) {
			r.raw("apply a missing widget", req(http.MethodPatch, r.widgetsPath()+"/w", url.Values{"fieldManager": {"m"}}, applyType, r.widgetJSON("w", `{"replicas":1}`)))
			r.raw("apply a missing cm", req(http.MethodPatch, r.nsPath("configmaps")+"/a", url.Values{"fieldManager": {"m"}}, applyType, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}`))
		}),
		sc("apply/update-owned-field", func(r *rec) {
			r.obj("apply replicas 1")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1)}), am("a")))
			r.obj("apply replicas 2")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(2)}), am("a")))
		}),
		sc("apply/conflict", func(r *rec) {
			r.quiet(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1), "color": "red"}), am("a")))
			r.obj("apply by b")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(2), "color": "blue"}), am("b")))
		}),
		sc("apply/force", func(r *rec) {
			r.quiet(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1), "color": "red"}), am("a")))
			r.obj("apply by b with force")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(2)}), metav1.ApplyOptions{FieldManager: "b", Force: true}))
		}),
		sc("apply/shared-ownership", func(r *rec) {
			r.quiet(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"color": "red"}), am("a")))
			r.obj("apply same value by b")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"color": "red"}), am("b")))
			r.obj("a stops applying color")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{}), am("a")))
		}),
		sc("apply/remove-by-omission", func(r *rec) {
			r.quiet(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1), "color": "red", "tags": []any{"x"}}), am("a")))
			r.obj("apply without color and tags")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1)}), am("a")))
		}),
		sc("apply/update-manager-tracked", func(r *rec) {
			c := r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{FieldManager: "creator"}))
			if c != nil {
				_ = unstructured.SetNestedField(c.Object, "green", "spec", "color")
				r.obj("update by updater")(r.widgets().Update(r.ctx, c, metav1.UpdateOptions{FieldManager: "updater"}))
			}
			r.obj("patch by patcher")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"tags":["t"]}}`), metav1.PatchOptions{FieldManager: "patcher"}))
		}),
		sc("apply/conflict-with-update-manager", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{FieldManager: "creator"}))
			r.obj("apply replicas by applier")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(3)}), am("applier")))
			r.obj("apply same replicas by applier")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1), "color": "red"}), am("applier")))
		}),
		sc("apply/status-subresource", func(r *rec) {
			r.quiet(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1)}), am("spec-owner")))
			st := r.widget("w", nil)
			delete(st.Object, "spec")
			st.Object["status"] = map[string]any{"phase": "Ready", "replicas": int64(1)}
			r.obj("apply status")(r.widgets().ApplyStatus(r.ctx, "w", st, am("status-owner")))
		}),
		sc("apply/list-map-merge", func(r *rec) {
			r.quiet(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"ports": []any{map[string]any{"name": "http", "port": int64(80)}}}), am("a")))
			r.obj("b applies another port")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"ports": []any{map[string]any{"name": "https", "port": int64(443)}}}), am("b")))
			r.obj("b changes a's port")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"ports": []any{map[string]any{"name": "http", "port": int64(81)}}}), am("b")))
		}),
		sc("apply/configmap", func(r *rec) {
			r.obj("apply cm")(r.cms().Apply(r.ctx, "a", configMap("a", map[string]any{"k": "v"}), am("a")))
			r.obj("apply cm other key by b")(r.cms().Apply(r.ctx, "a", labelled(configMap("a", map[string]any{"j": "w"}), map[string]string{"x": "y"}), am("b")))
			r.obj("apply cm conflicting key by b")(r.cms().Apply(r.ctx, "a", configMap("a", map[string]any{"k": "other"}), am("b")))
		}),
		sc("apply/deployment-containers", func(r *rec) {
			r.obj("apply deployment")(r.ns(deployGVR).Apply(r.ctx, "web", deployment("web", 1, "a"), am("a")))
			second := obj("apps/v1", "Deployment", "web", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"containers": []any{map[string]any{"name": "b", "image": "busybox"}}}}}})
			r.obj("apply another container by b")(r.ns(deployGVR).Apply(r.ctx, "web", second, am("b")))
		}),
		sc("apply/missing-field-manager", func(r *rec) {
			r.raw("apply without fieldManager", req(http.MethodPatch, r.widgetsPath()+"/w", nil, applyType, r.widgetJSON("w", `{"replicas":1}`)))
		}),
		sc("apply/invalid-object", func(r *rec) {
			r.raw("apply cm with bad label", req(http.MethodPatch, r.nsPath("configmaps")+"/a", url.Values{"fieldManager": {"m"}}, applyType,
				`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"not valid!"}}}`))
			r.raw("apply widget with negative replicas", req(http.MethodPatch, r.widgetsPath()+"/w", url.Values{"fieldManager": {"m"}}, applyType, r.widgetJSON("w", `{"replicas":-1}`)))
		}),
		sc("apply/name-mismatch", func(r *rec) {
			r.raw("apply to a with name b", req(http.MethodPatch, r.nsPath("configmaps")+"/a", url.Values{"fieldManager": {"m"}}, applyType, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}`))
		}),
		sc("apply/field-validation-strict", func(r *rec) {
			bad := r.widgetJSON("w", `{"replicas":1,"bogus":true}`)
			r.raw("apply unknown field, Strict", req(http.MethodPatch, r.widgetsPath()+"/w", url.Values{"fieldManager": {"m"}, "fieldValidation": {"Strict"}}, applyType, bad))
			r.raw("apply unknown field, no fieldValidation", req(http.MethodPatch, r.widgetsPath()+"/w", url.Values{"fieldManager": {"m"}}, applyType, bad))
			r.raw("apply unknown field, Ignore", req(http.MethodPatch, r.widgetsPath()+"/x", url.Values{"fieldManager": {"m"}, "fieldValidation": {"Ignore"}}, applyType, r.widgetJSON("x", `{"replicas":1,"bogus":true}`)))
		}),
		sc("apply/identical-keeps-rv", func(r *rec) {
			r.obj("apply")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1)}), am("a")))
			r.obj("apply again")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(1)}), am("a")))
		}),
		sc("apply/clear-managed-fields", func(r *rec) {
			r.quiet(r.cms().Apply(r.ctx, "a", configMap("a", map[string]any{"k": "v"}), am("a")))
			r.obj("merge patch managedFields []")(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"metadata":{"managedFields":[]}}`), metav1.PatchOptions{}))
			r.obj("merge patch managedFields [{}]")(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"metadata":{"managedFields":[{}]}}`), metav1.PatchOptions{}))
		}),
		sc("apply/cr-defaults-and-pruning", func(r *rec) {
			r.obj("apply widget")(r.widgets().Patch(r.ctx, "w", types.ApplyYAMLPatchType, merge(r.widgetJSON("w", `{"replicas":1,"bogus":1,"limits":{"max":2}}`)), metav1.PatchOptions{FieldManager: "a", FieldValidation: "Ignore"}))
		}),
	}
}
