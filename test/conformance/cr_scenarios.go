package conformance

import (
	"net/http"
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// widgetsPath is the collection path of the shared widgets in the scenario's namespace.
func (r *rec) widgetsPath() string {
	gvr, err := r.t.Widgets(r.ctx)
	r.setup(err)
	return "/apis/" + gvr.Group + "/" + gvr.Version + "/namespaces/" + r.t.Namespace + "/widgets"
}

// widgetJSON is a Widget's JSON with the given spec JSON.
func (r *rec) widgetJSON(name, spec string) string {
	gvr, err := r.t.Widgets(r.ctx)
	r.setup(err)
	return `{"apiVersion":"` + gvr.GroupVersion().String() + `","kind":"Widget","metadata":{"name":"` + name + `"},"spec":` + spec + `}`
}

func crScenarios() []Scenario {
	spec := map[string]any{"replicas": int64(1), "color": "red"}
	return []Scenario{
		sc("objects/cr-generation-starts-at-1", func(r *rec) {
			r.obj("create widget")(r.widgets().Create(r.ctx, r.widget("w", spec), metav1.CreateOptions{}))
		}),
		sc("objects/cr-generation-spec-change", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", spec), metav1.CreateOptions{}))
			u := r.obj("change spec")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, []byte(`{"spec":{"replicas":2}}`), metav1.PatchOptions{}))
			r.fact("generation", u.GetGeneration())
			u = r.obj("change spec again")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, []byte(`{"spec":{"color":"blue"}}`), metav1.PatchOptions{}))
			r.fact("generation", u.GetGeneration())
		}),
		sc("objects/cr-generation-metadata-change", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", spec), metav1.CreateOptions{}))
			u := r.obj("label")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, []byte(`{"metadata":{"labels":{"a":"b"},"annotations":{"c":"d"}}}`), metav1.PatchOptions{}))
			r.fact("generation", u.GetGeneration())
		}),
		sc("objects/cr-generation-status-subresource", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", spec), metav1.CreateOptions{}))
			u := r.obj("status via /status")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, []byte(`{"status":{"phase":"Ready","replicas":1}}`), metav1.PatchOptions{}, "status"))
			r.fact("generation", u.GetGeneration())
		}),
		sc("objects/cr-generation-no-status-subresource", func(r *rec) {
			name := r.gizmoName("g")
			r.quiet(r.gizmos().Create(r.ctx, r.gizmo(name, map[string]any{"size": int64(1)}), metav1.CreateOptions{}))
			u := r.obj("status on main resource")(r.gizmos().Patch(r.ctx, name, types.MergePatchType, []byte(`{"status":{"phase":"Ready"}}`), metav1.PatchOptions{}))
			r.fact("generation", u.GetGeneration())
			u = r.obj("metadata only")(r.gizmos().Patch(r.ctx, name, types.MergePatchType, []byte(`{"metadata":{"labels":{"a":"b"}}}`), metav1.PatchOptions{}))
			r.fact("generation", u.GetGeneration())
		}),
		sc("objects/cr-unknown-field-pruned", func(r *rec) {
			r.raw("POST widget with unknown fields", req(http.MethodPost, r.widgetsPath(), url.Values{"fieldValidation": {"Ignore"}}, "",
				r.widgetJSON("w", `{"replicas":1,"bogus":true,"limits":{"max":3,"nope":1}}`)))
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("objects/cr-defaults-on-create", func(r *rec) {
			r.obj("create without defaulted fields")(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.obj("create with limits")(r.widgets().Create(r.ctx, r.widget("x", map[string]any{"limits": map[string]any{"max": int64(5)}}), metav1.CreateOptions{}))
			r.obj("create with explicit values")(r.widgets().Create(r.ctx, r.widget("y", map[string]any{"size": int64(7), "mode": "manual"}), metav1.CreateOptions{}))
		}),
		sc("objects/cr-preserve-unknown-kept", func(r *rec) {
			r.obj("create with extra")(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"extra": map[string]any{"any": map[string]any{"deep": []any{"x", int64(1)}}, "n": true}}), metav1.CreateOptions{}))
		}),
		sc("objects/cr-type-invalid", func(r *rec) {
			r.raw("POST widget replicas string", req(http.MethodPost, r.widgetsPath(), nil, "", r.widgetJSON("w", `{"replicas":"three"}`)))
		}),
		sc("objects/cr-enum-invalid", func(r *rec) {
			r.raw("POST widget color purple", req(http.MethodPost, r.widgetsPath(), nil, "", r.widgetJSON("w", `{"color":"purple"}`)))
			r.raw("POST widget replicas -1", req(http.MethodPost, r.widgetsPath(), nil, "", r.widgetJSON("w", `{"replicas":-1}`)))
		}),
		sc("objects/cr-required-missing", func(r *rec) {
			r.raw("POST widget limits without max", req(http.MethodPost, r.widgetsPath(), nil, "", r.widgetJSON("w", `{"limits":{"min":1}}`)))
			r.raw("POST widget port without name", req(http.MethodPost, r.widgetsPath(), nil, "", r.widgetJSON("w", `{"ports":[{"port":80}]}`)))
		}),
	}
}

func validationScenarios() []Scenario {
	fv := func(v string) url.Values {
		if v == "" {
			return nil
		}
		return url.Values{"fieldValidation": {v}}
	}
	crUnknown := func(mode string) func(r *rec) {
		return func(r *rec) {
			r.raw("POST widget with unknown field, fieldValidation="+mode, req(http.MethodPost, r.widgetsPath(), fv(mode), "",
				r.widgetJSON("w", `{"replicas":1,"bogus":"x"}`)))
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}
	}
	cmUnknown := func(mode string) func(r *rec) {
		return func(r *rec) {
			r.raw("POST cm with unknown field, fieldValidation="+mode, req(http.MethodPost, r.nsPath("configmaps"), fv(mode), "",
				`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"},"bogus":1,"spec":{"x":1}}`))
		}
	}
	return []Scenario{
		sc("objects/field-validation-strict-cr", crUnknown("Strict")),
		sc("objects/field-validation-warn-cr", crUnknown("Warn")),
		sc("objects/field-validation-ignore-cr", crUnknown("Ignore")),
		sc("objects/field-validation-default", crUnknown("")),
		sc("objects/field-validation-strict-duplicate", func(r *rec) {
			r.raw("POST widget with duplicate field", req(http.MethodPost, r.widgetsPath(), fv("Strict"), "", r.widgetJSON("w", `{"replicas":1,"replicas":2}`)))
			r.raw("POST cm with duplicate field", req(http.MethodPost, r.nsPath("configmaps"), fv("Strict"), "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v","k":"w"}}`))
		}),
		sc("objects/field-validation-strict-builtin", cmUnknown("Strict")),
		sc("objects/field-validation-warn-builtin", cmUnknown("Warn")),
		sc("objects/field-validation-strict-update", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.raw("PUT widget with unknown field", req(http.MethodPut, r.widgetsPath()+"/w", fv("Strict"), "", r.widgetJSON("w", `{"replicas":2,"bogus":"x"}`)))
			r.quiet(r.cms().Create(r.ctx, configMap("a", map[string]any{"k": "v"}), metav1.CreateOptions{}))
			r.raw("PUT cm with unknown field", req(http.MethodPut, r.nsPath("configmaps")+"/a", fv("Strict"), "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"bogus":1}`))
		}),
		sc("objects/field-validation-strict-merge-patch", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.raw("merge patch widget, Strict", req(http.MethodPatch, r.widgetsPath()+"/w", fv("Strict"), string(types.MergePatchType), `{"spec":{"bogus":1}}`))
			r.raw("merge patch widget, Warn", req(http.MethodPatch, r.widgetsPath()+"/w", fv("Warn"), string(types.MergePatchType), `{"spec":{"bogus":1}}`))
			r.quiet(r.cms().Create(r.ctx, configMap("a", map[string]any{"k": "v"}), metav1.CreateOptions{}))
			r.raw("merge patch cm, Strict", req(http.MethodPatch, r.nsPath("configmaps")+"/a", fv("Strict"), string(types.MergePatchType), `{"bogus":1}`))
		}),
		sc("objects/field-validation-invalid-value", func(r *rec) {
			r.raw("POST cm fieldValidation=Bogus", req(http.MethodPost, r.nsPath("configmaps"), fv("Bogus"), "", body(configMap("a", nil))))
		}),
	}
}

func dryRunScenarios() []Scenario {
	all := []string{metav1.DryRunAll}
	one := map[string]any{"k": "v"}
	return []Scenario{
		sc("objects/dry-run-create", func(r *rec) {
			r.obj("dry-run create")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{DryRun: all}))
			r.obj("get")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
			r.obj("dry-run create widget")(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{DryRun: all}))
			r.list("list widgets")(r.widgets().List(r.ctx, metav1.ListOptions{}))
		}),
		sc("objects/dry-run-update", func(r *rec) {
			c := r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			c.Object["data"] = map[string]any{"k": "dry"}
			r.obj("dry-run update")(r.cms().Update(r.ctx, c, metav1.UpdateOptions{DryRun: all}))
			r.obj("get")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
		}),
		sc("objects/dry-run-patch", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.obj("dry-run patch")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, []byte(`{"spec":{"replicas":5}}`), metav1.PatchOptions{DryRun: all}))
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("objects/dry-run-apply", func(r *rec) {
			r.obj("dry-run apply create")(r.widgets().Apply(r.ctx, "w", r.widget("w", map[string]any{"replicas": int64(2)}), metav1.ApplyOptions{FieldManager: "m", DryRun: all}))
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("objects/dry-run-delete", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.raw("dry-run DELETE", req(http.MethodDelete, r.nsPath("configmaps")+"/a", url.Values{"dryRun": {"All"}}, "", ""))
			r.obj("get")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
		}),
		sc("objects/dry-run-delete-collection", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.quiet(r.cms().Create(r.ctx, configMap("b", one), metav1.CreateOptions{}))
			r.err("dry-run deletecollection", r.cms().DeleteCollection(r.ctx, metav1.DeleteOptions{DryRun: all}, metav1.ListOptions{}))
			r.list("list")(r.cms().List(r.ctx, metav1.ListOptions{}))
		}),
		sc("objects/dry-run-status-update", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.obj("dry-run status patch")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, []byte(`{"status":{"phase":"Dry"}}`), metav1.PatchOptions{DryRun: all}, "status"))
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("objects/dry-run-create-existing", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.obj("dry-run create existing")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{DryRun: all}))
		}),
	}
}
