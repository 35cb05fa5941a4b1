package conformance

import (
	"net/http"
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func deleteScenarios() []Scenario {
	one := map[string]any{"k": "v"}
	policy := func(p metav1.DeletionPropagation) metav1.DeleteOptions {
		return metav1.DeleteOptions{PropagationPolicy: &p}
	}
	propagation := func(p metav1.DeletionPropagation) func(r *rec) {
		return func(r *rec) {
			r.createN("a")
			r.err("delete "+string(p), r.cms().Delete(r.ctx, "a", policy(p)))
			r.obj("get")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", nil), metav1.CreateOptions{}))
			r.err("delete widget "+string(p), r.widgets().Delete(r.ctx, "w", policy(p)))
			r.obj("get widget")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}
	}
	return []Scenario{
		sc("delete/response-body", func(r *rec) {
			r.createN("a")
			r.raw("DELETE cm", req(http.MethodDelete, r.nsPath("configmaps")+"/a", nil, "", ""))
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.raw("DELETE widget", req(http.MethodDelete, r.widgetsPath()+"/w", nil, "", ""))
			u := r.widget("f", nil)
			u.SetFinalizers([]string{"conformance.kubedyn.test/hold"})
			r.quiet(r.widgets().Create(r.ctx, u, metav1.CreateOptions{}))
			r.raw("DELETE widget with finalizer", req(http.MethodDelete, r.widgetsPath()+"/f", nil, "", ""))
			r.quiet(r.widgets().Patch(r.ctx, "f", types.MergePatchType, merge(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}))
		}),
		sc("delete/propagation-background", propagation(metav1.DeletePropagationBackground)),
		sc("delete/propagation-foreground", propagation(metav1.DeletePropagationForeground)),
		sc("delete/propagation-orphan", propagation(metav1.DeletePropagationOrphan)),
		sc("delete/propagation-invalid", func(r *rec) {
			r.createN("a")
			r.raw("DELETE propagationPolicy=Sideways", req(http.MethodDelete, r.nsPath("configmaps")+"/a", nil, "", `{"propagationPolicy":"Sideways"}`))
			r.raw("DELETE orphanDependents and propagationPolicy", req(http.MethodDelete, r.nsPath("configmaps")+"/a", nil, "", `{"orphanDependents":true,"propagationPolicy":"Background"}`))
		}),
		sc("delete/precondition-uid-match", func(r *rec) {
			c := r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			if c != nil {
				uid := c.GetUID()
				r.err("delete with matching uid", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}}))
			}
			r.obj("get")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
		}),
		sc("delete/precondition-uid-mismatch", func(r *rec) {
			r.obj("create")(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			uid := types.UID("00000000-0000-0000-0000-000000000002")
			r.err("delete with another uid", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}}))
			r.obj("get")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
		}),
		sc("delete/precondition-rv-match", func(r *rec) {
			c := r.quiet(r.widgets().Create(r.ctx, r.widget("w", nil), metav1.CreateOptions{}))
			if c != nil {
				rv := c.GetResourceVersion()
				r.err("delete with matching resourceVersion", r.widgets().Delete(r.ctx, "w", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}}))
			}
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("delete/precondition-rv-mismatch", func(r *rec) {
			c := r.obj("create")(r.widgets().Create(r.ctx, r.widget("w", nil), metav1.CreateOptions{}))
			r.obj("patch")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"replicas":2}}`), metav1.PatchOptions{}))
			if c != nil {
				rv := c.GetResourceVersion()
				r.err("delete with stale resourceVersion", r.widgets().Delete(r.ctx, "w", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}}))
			}
			r.obj("get")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("delete/twice", func(r *rec) {
			r.createN("a")
			r.err("delete", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
			r.err("delete again", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
		}),
		sc("delete/collection-label-selector", func(r *rec) {
			r.labelledSet()
			r.err("deletecollection tier=x", r.cms().DeleteCollection(r.ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "tier=x"}))
			r.names("left", r.cms(), metav1.ListOptions{})
		}),
		sc("delete/collection-field-selector", func(r *rec) {
			r.labelledSet()
			r.err("deletecollection metadata.name=b", r.cms().DeleteCollection(r.ctx, metav1.DeleteOptions{}, metav1.ListOptions{FieldSelector: "metadata.name=b"}))
			r.names("left", r.cms(), metav1.ListOptions{})
			r.raw("deletecollection unsupported field", req(http.MethodDelete, r.nsPath("configmaps"), url.Values{"fieldSelector": {"data.k=a"}}, "", ""))
		}),
		sc("delete/collection-all", func(r *rec) {
			r.labelledSet()
			r.raw("DELETE the collection", req(http.MethodDelete, r.nsPath("configmaps"), nil, "", ""))
			r.names("left", r.cms(), metav1.ListOptions{})
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", nil), metav1.CreateOptions{}))
			r.raw("DELETE the widgets collection", req(http.MethodDelete, r.widgetsPath(), nil, "", ""))
			r.names("widgets left", r.widgets(), metav1.ListOptions{})
		}),
		sc("delete/collection-with-finalizer", func(r *rec) {
			u := configMap("a", one)
			u.SetFinalizers([]string{"conformance.kubedyn.test/hold"})
			r.quiet(r.cms().Create(r.ctx, u, metav1.CreateOptions{}))
			r.createN("b")
			r.err("deletecollection", r.cms().DeleteCollection(r.ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "!nothing"}))
			r.list("left")(r.cms().List(r.ctx, metav1.ListOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}))
		}),
	}
}
