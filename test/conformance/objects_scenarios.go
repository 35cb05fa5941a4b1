package conformance

import (
	"net/http"
	"strings"

	"github.com/google/go-cmp/cmp"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/rest"
)

// nsPath is the collection path of resource (core group) in the scenario's namespace.
func (r *rec) nsPath(resource string) string {
	return "/api/v1/namespaces/" + r.t.Namespace + "/" + resource
}

// body is an object's JSON.
func body(u *unstructured.Unstructured) string {
	data, _ := u.MarshalJSON()
	return string(data)
}

func objectScenarios() []Scenario {
	one := map[string]any{"k": "v"}
	return []Scenario{
		sc("objects/create-configmap", func(r *rec) {
			r.obj("create cm a")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
		}),
		sc("objects/create-status-code", func(r *rec) {
			r.raw("POST cm a", req(http.MethodPost, r.nsPath("configmaps"), nil, "", body(configMap("a", one))))
		}),
		sc("objects/get-equals-create", func(r *rec) {
			c := r.obj("create cm a")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			g := r.obj("get cm a")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
			r.fact("equal", c != nil && g != nil && cmp.Equal(c.Object, g.Object))
		}),
		sc("objects/rv-increases-on-update", func(r *rec) {
			c := r.obj("create")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			c.Object["data"] = map[string]any{"k": "v2"}
			u := r.obj("update 1")(r.cms().Update(r.ctx, c, metav1.UpdateOptions{}))
			u.Object["data"] = map[string]any{"k": "v3"}
			r.obj("update 2")(r.cms().Update(r.ctx, u, metav1.UpdateOptions{}))
		}),
		sc("objects/update-noop-keeps-rv", func(r *rec) {
			c := r.obj("create")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.obj("identical update")(r.cms().Update(r.ctx, c, metav1.UpdateOptions{}))
		}),
		sc("objects/configmap-no-generation", func(r *rec) {
			c := r.obj("create")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			c.Object["data"] = map[string]any{"k": "changed"}
			r.obj("update data")(r.cms().Update(r.ctx, c, metav1.UpdateOptions{}))
		}),
		sc("objects/deployment-generation", func(r *rec) {
			d := r.ns(deployGVR)
			c := r.obj("create")(d.Create(r.ctx, deployment("web", 1, "a"), metav1.CreateOptions{}))
			r.fact("generation after create", c.GetGeneration())
			u := r.obj("scale in spec")(d.Patch(r.ctx, "web", types.MergePatchType, []byte(`{"spec":{"replicas":3}}`), metav1.PatchOptions{}))
			r.fact("generation after spec change", u.GetGeneration())
			u = r.obj("label")(d.Patch(r.ctx, "web", types.MergePatchType, []byte(`{"metadata":{"labels":{"x":"y"}}}`), metav1.PatchOptions{}))
			r.fact("generation after label", u.GetGeneration())
		}),
		sc("objects/generate-name", func(r *rec) {
			u := configMap("", one)
			u.SetGenerateName("gen-")
			c := r.obj("create with generateName")(r.cms().Create(r.ctx, u, metav1.CreateOptions{}))
			r.fact("name shape", c != nil && strings.HasPrefix(c.GetName(), "gen-") && len(c.GetName()) == 9)
		}),
		sc("objects/missing-name", func(r *rec) {
			r.raw("POST cm without name", req(http.MethodPost, r.nsPath("configmaps"), nil, "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{},"data":{"k":"v"}}`))
		}),
		sc("objects/namespace-missing", func(r *rec) {
			r.obj("create in missing namespace")(r.t.Dyn.Resource(cmGVR).Namespace(r.t.Namespace+"-missing").Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
		}),
		sc("objects/namespace-mismatch", func(r *rec) {
			u := configMap("a", one)
			u.SetNamespace("other")
			r.raw("POST cm with other namespace", req(http.MethodPost, r.nsPath("configmaps"), nil, "", body(u)))
		}),
		sc("objects/cluster-scoped-namespace-cleared", func(r *rec) {
			g := r.gizmo(r.gizmoName("a"), map[string]any{"size": 1})
			g.SetNamespace(r.t.Namespace)
			gv := g.GetAPIVersion()
			r.raw("POST gizmo with namespace", req(http.MethodPost, "/apis/"+gv+"/gizmos", nil, "", body(g)))
		}),
		sc("objects/create-with-resource-version", func(r *rec) {
			u := configMap("a", one)
			u.SetResourceVersion("12345")
			r.obj("create with resourceVersion")(r.cms().Create(r.ctx, u, metav1.CreateOptions{}))
		}),
		sc("objects/update-unconditional", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.obj("update without resourceVersion")(r.cms().Update(r.ctx, configMap("a", map[string]any{"k": "new"}), metav1.UpdateOptions{}))
		}),
		sc("objects/update-stale-rv-conflict", func(r *rec) {
			c := r.obj("create")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			stale := c.DeepCopy()
			c.Object["data"] = map[string]any{"k": "v2"}
			r.obj("update")(r.cms().Update(r.ctx, c, metav1.UpdateOptions{}))
			stale.Object["data"] = map[string]any{"k": "stale"}
			r.obj("update with stale resourceVersion")(r.cms().Update(r.ctx, stale, metav1.UpdateOptions{}))
		}),
		sc("objects/update-missing-object", func(r *rec) {
			r.obj("update missing cm")(r.cms().Update(r.ctx, configMap("nope", one), metav1.UpdateOptions{}))
			r.obj("update missing widget")(r.widgets().Update(r.ctx, r.widget("nope", map[string]any{"replicas": 1}), metav1.UpdateOptions{}))
		}),
		sc("objects/update-name-mismatch", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.raw("PUT cm a with name b", req(http.MethodPut, r.nsPath("configmaps")+"/a", nil, "", body(configMap("b", one))))
		}),
		sc("objects/update-uid-mismatch", func(r *rec) {
			c := r.obj("create")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			c.SetUID("00000000-0000-0000-0000-000000000001")
			r.obj("update with another uid")(r.cms().Update(r.ctx, c, metav1.UpdateOptions{}))
		}),
		sc("objects/invalid-label-value", func(r *rec) {
			r.obj("create with bad label")(r.cms().Create(r.ctx, labelled(configMap("a", one), map[string]string{"app": "not valid!"}), metav1.CreateOptions{}))
		}),
		sc("objects/invalid-name", func(r *rec) {
			r.raw("POST cm Upper", req(http.MethodPost, r.nsPath("configmaps"), nil, "", body(configMap("Upper_Case", one))))
		}),
		sc("objects/name-too-long", func(r *rec) {
			r.raw("POST cm long name", req(http.MethodPost, r.nsPath("configmaps"), nil, "", body(configMap(strings.Repeat("a", 254), one))))
		}),
		sc("objects/managed-fields-on-create", func(r *rec) {
			r.obj("create with fieldManager")(r.cms().Create(r.ctx, labelled(configMap("a", one), map[string]string{"app": "x"}), metav1.CreateOptions{FieldManager: "conformance-test"}))
		}),
		sc("objects/managed-fields-default-manager", func(r *rec) {
			r.raw("POST with User-Agent", &rest.Request{Method: http.MethodPost, Path: r.nsPath("configmaps"), Body: []byte(body(configMap("a", one))),
				Header: http.Header{"User-Agent": {"conformance-agent/1.2 (linux/amd64) kubedyn"}}})
			r.obj("create with default User-Agent")(r.cms().Create(r.ctx, configMap("b", one), metav1.CreateOptions{}))
		}),
		sc("objects/get-metadata", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, labelled(configMap("a", one), map[string]string{"app": "x"}), metav1.CreateOptions{}))
			r.val("get metadata")(r.cms().GetMetadata(r.ctx, "a", metav1.GetOptions{}))
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": 1}), metav1.CreateOptions{}))
			r.val("get widget metadata")(r.widgets().GetMetadata(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("objects/namespace-terminating", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.err("delete namespace", r.t.Dyn.Resource(nsGVR).Delete(r.ctx, r.t.Namespace, metav1.DeleteOptions{}))
			ns := r.obj("get namespace")(r.t.Dyn.Resource(nsGVR).Get(r.ctx, r.t.Namespace, metav1.GetOptions{}))
			if ns != nil {
				r.fact("phase", ns.Object["status"])
			}
			r.obj("create in terminating namespace")(r.cms().Create(r.ctx, configMap("b", one), metav1.CreateOptions{}))
		}),
		sc("objects/finalizer-delete-marks", func(r *rec) {
			u := configMap("a", one)
			u.SetFinalizers([]string{"conformance.kubedyn.test/hold"})
			r.obj("create with finalizer")(r.cms().Create(r.ctx, u, metav1.CreateOptions{}))
			r.err("delete", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
			r.obj("get after delete")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
			r.err("delete again", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
			r.obj("get after second delete")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}))
		}),
		sc("objects/finalizer-removal-completes", func(r *rec) {
			u := r.widget("w", map[string]any{"replicas": 1})
			u.SetFinalizers([]string{"conformance.kubedyn.test/hold"})
			r.obj("create with finalizer")(r.widgets().Create(r.ctx, u, metav1.CreateOptions{}))
			r.err("delete", r.widgets().Delete(r.ctx, "w", metav1.DeleteOptions{}))
			r.obj("remove finalizer")(r.widgets().Patch(r.ctx, "w", types.JSONPatchType, []byte(`[{"op":"remove","path":"/metadata/finalizers"}]`), metav1.PatchOptions{}))
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("objects/finalizer-no-new-while-deleting", func(r *rec) {
			u := configMap("a", one)
			u.SetFinalizers([]string{"conformance.kubedyn.test/hold"})
			r.quiet(r.cms().Create(r.ctx, u, metav1.CreateOptions{}))
			r.err("delete", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
			r.obj("add a finalizer")(r.cms().Patch(r.ctx, "a", types.MergePatchType, []byte(`{"metadata":{"finalizers":["conformance.kubedyn.test/hold","conformance.kubedyn.test/new"]}}`), metav1.PatchOptions{}))
			r.obj("change data while deleting")(r.cms().Patch(r.ctx, "a", types.MergePatchType, []byte(`{"data":{"k":"changed"}}`), metav1.PatchOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}))
		}),
	}
}
