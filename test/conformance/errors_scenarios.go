package conformance

import (
	"net/http"
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/rest"
)

func errorScenarios() []Scenario {
	one := map[string]any{"k": "v"}
	return []Scenario{
		sc("errors/get-not-found", func(r *rec) {
			r.obj("get missing cm")(r.cms().Get(r.ctx, "nope", metav1.GetOptions{}))
			r.raw("GET missing cm", req(http.MethodGet, r.nsPath("configmaps")+"/nope", nil, "", ""))
		}),
		sc("errors/get-not-found-cr", func(r *rec) {
			r.obj("get missing widget")(r.widgets().Get(r.ctx, "nope", metav1.GetOptions{}))
			r.obj("get missing gizmo")(r.gizmos().Get(r.ctx, "nope", metav1.GetOptions{}))
		}),
		sc("errors/create-already-exists", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.obj("create cm again")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", nil), metav1.CreateOptions{}))
			r.obj("create widget again")(r.widgets().Create(r.ctx, r.widget("w", nil), metav1.CreateOptions{}))
		}),
		sc("errors/conflict-details", func(r *rec) {
			c := r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			stale := c.DeepCopy()
			r.quiet(r.widgets().Patch(r.ctx, "w", types.MergePatchType, []byte(`{"spec":{"replicas":2}}`), metav1.PatchOptions{}))
			r.obj("stale update")(r.widgets().Update(r.ctx, stale, metav1.UpdateOptions{}))
		}),
		sc("errors/malformed-json", func(r *rec) {
			r.raw("POST garbage", req(http.MethodPost, r.nsPath("configmaps"), nil, "", `{"apiVersion":"v1","kind":"ConfigMap",`))
			r.raw("POST widget garbage", req(http.MethodPost, r.widgetsPath(), nil, "", `not json`))
		}),
		sc("errors/wrong-kind-in-body", func(r *rec) {
			r.raw("POST Secret to configmaps", req(http.MethodPost, r.nsPath("configmaps"), nil, "", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}`))
			r.raw("POST ConfigMap to widgets", req(http.MethodPost, r.widgetsPath(), nil, "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"}}`))
		}),
		sc("errors/unknown-resource", func(r *rec) {
			r.raw("GET nopes", req(http.MethodGet, r.nsPath("nopes"), nil, "", ""))
			r.raw("GET nopes of widgets group", req(http.MethodGet, "/apis/"+r.widgets().GroupVersionResource().GroupVersion().String()+"/nopes", nil, "", ""))
		}),
		sc("errors/method-not-allowed", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.raw("POST to a named cm", req(http.MethodPost, r.nsPath("configmaps")+"/a", nil, "", body(configMap("a", one))))
			r.raw("PUT to the collection", req(http.MethodPut, r.nsPath("configmaps"), nil, "", body(configMap("a", one))))
		}),
		sc("errors/unsupported-patch-type", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.raw("PATCH text/plain", req(http.MethodPatch, r.nsPath("configmaps")+"/a", nil, "text/plain", `{"data":{"k":"x"}}`))
			r.raw("POST text/plain", req(http.MethodPost, r.nsPath("configmaps"), nil, "text/plain", body(configMap("b", one))))
		}),
		sc("errors/not-acceptable", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.raw("GET Accept xml", &rest.Request{Method: http.MethodGet, Path: r.nsPath("configmaps") + "/a", Header: http.Header{"Accept": {"application/xml"}}})
		}),
		sc("errors/delete-not-found", func(r *rec) {
			r.err("delete missing cm", r.cms().Delete(r.ctx, "nope", metav1.DeleteOptions{}))
			r.err("delete missing widget", r.widgets().Delete(r.ctx, "nope", metav1.DeleteOptions{}))
		}),
		sc("errors/patch-not-found", func(r *rec) {
			r.obj("json patch missing cm")(r.cms().Patch(r.ctx, "nope", types.JSONPatchType, []byte(`[{"op":"add","path":"/data","value":{}}]`), metav1.PatchOptions{}))
			r.obj("merge patch missing widget")(r.widgets().Patch(r.ctx, "nope", types.MergePatchType, []byte(`{"spec":{"replicas":1}}`), metav1.PatchOptions{}))
		}),
		sc("errors/invalid-label-selector", func(r *rec) {
			r.raw("list with bad label selector", req(http.MethodGet, r.nsPath("configmaps"), url.Values{"labelSelector": {"app in (a"}}, "", ""))
			r.raw("list widgets with bad label selector", req(http.MethodGet, r.widgetsPath(), url.Values{"labelSelector": {"a=b=c"}}, "", ""))
		}),
		sc("errors/invalid-field-selector", func(r *rec) {
			r.raw("list with bad field selector", req(http.MethodGet, r.nsPath("configmaps"), url.Values{"fieldSelector": {"metadata.name"}}, "", ""))
			r.raw("list widgets with bad field selector", req(http.MethodGet, r.widgetsPath(), url.Values{"fieldSelector": {"=x"}}, "", ""))
		}),
		sc("errors/cluster-resource-in-namespace", func(r *rec) {
			gv := r.gizmos().GroupVersionResource().GroupVersion().String()
			r.raw("GET gizmos under a namespace", req(http.MethodGet, "/apis/"+gv+"/namespaces/"+r.t.Namespace+"/gizmos", nil, "", ""))
			r.raw("GET namespaces under a namespace", req(http.MethodGet, r.nsPath("namespaces"), nil, "", ""))
		}),
	}
}
