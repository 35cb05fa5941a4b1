package conformance

import (
	"context"
	"net/http"
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/dynamic"
)

// names records the namespace/name of each object a list returns, its
// resourceVersion and continue token.
func (r *rec) names(op string, h *dynamic.ResourceHandle, opts metav1.ListOptions) *unstructured.UnstructuredList {
	l, err := h.List(r.ctx, opts)
	if err != nil {
		r.err(op, err)
		return nil
	}
	var ns []string
	for _, it := range l.Items {
		n := it.GetName()
		if it.GetNamespace() != "" {
			n = it.GetNamespace() + "/" + n
		}
		ns = append(ns, n)
	}
	page := map[string]any{"kind": l.GetKind(), "names": ns, "resourceVersion": l.GetResourceVersion(), "continue": l.GetContinue()}
	if c := l.GetRemainingItemCount(); c != nil {
		page["remainingItemCount"] = *c
	}
	r.fact(op, page)
	return l
}

// labelledSet creates configmaps a, b, c, d with app a, b, c, none and tier x on a and c.
func (r *rec) labelledSet() {
	for _, c := range []struct {
		name   string
		labels map[string]string
	}{
		{"a", map[string]string{"app": "a", "tier": "x"}},
		{"b", map[string]string{"app": "b"}},
		{"c", map[string]string{"app": "c", "tier": "x"}},
		{"d", nil},
	} {
		r.quiet(r.cms().Create(r.ctx, labelled(configMap(c.name, map[string]any{"k": c.name}), c.labels), metav1.CreateOptions{}))
	}
}

// otherNamespace creates namespace NS-suffix (deleted when the scenario ends).
func (r *rec) otherNamespace(suffix string) string {
	ns := r.t.Namespace + "-" + suffix
	r.setup(r.t.createNamespace(r.ctx, ns, "other"))
	r.cleanup = append(r.cleanup, func(ctx context.Context) { r.t.deleteNamespace(ctx, ns) })
	return ns
}

func listScenarios() []Scenario {
	selector := func(sel string) func(r *rec) {
		return func(r *rec) {
			r.labelledSet()
			r.names("list "+sel, r.cms(), metav1.ListOptions{LabelSelector: sel})
		}
	}
	fieldSel := func(sel string) func(r *rec) {
		return func(r *rec) {
			r.labelledSet()
			r.names("list "+sel, r.cms(), metav1.ListOptions{FieldSelector: sel})
		}
	}
	return []Scenario{
		sc("lists/empty", func(r *rec) {
			r.list("list configmaps")(r.cms().List(r.ctx, metav1.ListOptions{}))
			r.list("list widgets")(r.widgets().List(r.ctx, metav1.ListOptions{}))
		}),
		sc("lists/sorted-by-name", func(r *rec) {
			for _, n := range []string{"c", "a", "b"} {
				r.quiet(r.cms().Create(r.ctx, configMap(n, nil), metav1.CreateOptions{}))
			}
			r.list("list")(r.cms().List(r.ctx, metav1.ListOptions{}))
		}),
		sc("lists/label-equality", func(r *rec) {
			r.labelledSet()
			r.names("app=a", r.cms(), metav1.ListOptions{LabelSelector: "app=a"})
			r.names("app==c", r.cms(), metav1.ListOptions{LabelSelector: "app==c"})
		}),
		sc("lists/label-inequality", selector("app!=a")),
		sc("lists/label-set", func(r *rec) {
			r.labelledSet()
			r.names("app in (a,b)", r.cms(), metav1.ListOptions{LabelSelector: "app in (a,b)"})
			r.names("app notin (a)", r.cms(), metav1.ListOptions{LabelSelector: "app notin (a)"})
		}),
		sc("lists/label-exists", func(r *rec) {
			r.labelledSet()
			r.names("tier", r.cms(), metav1.ListOptions{LabelSelector: "tier"})
			r.names("!tier", r.cms(), metav1.ListOptions{LabelSelector: "!tier"})
			r.names("tier,app!=c", r.cms(), metav1.ListOptions{LabelSelector: "tier,app!=c"})
		}),
		sc("lists/field-metadata-name", fieldSel("metadata.name=b")),
		sc("lists/field-metadata-name-not-equal", fieldSel("metadata.name!=b")),
		sc("lists/field-metadata-namespace", func(r *rec) {
			r.labelledSet()
			r.names("all namespaces, metadata.namespace=NS", r.t.Dyn.Resource(cmGVR), metav1.ListOptions{FieldSelector: "metadata.namespace=" + r.t.Namespace})
		}),
		sc("lists/field-unsupported-configmap", func(r *rec) {
			r.raw("list data.k=a", req(http.MethodGet, r.nsPath("configmaps"), url.Values{"fieldSelector": {"data.k=a"}}, "", ""))
		}),
		sc("lists/field-unsupported-cr", func(r *rec) {
			r.raw("list widgets spec.replicas=1", req(http.MethodGet, r.widgetsPath(), url.Values{"fieldSelector": {"spec.replicas=1"}}, "", ""))
		}),
		sc("lists/field-selectable-cr", func(r *rec) {
			for _, w := range []struct{ name, color string }{{"a", "red"}, {"b", "blue"}, {"c", "red"}} {
				r.quiet(r.widgets().Create(r.ctx, r.widget(w.name, map[string]any{"color": w.color}), metav1.CreateOptions{}))
			}
			r.names("spec.color=red", r.widgets(), metav1.ListOptions{FieldSelector: "spec.color=red"})
			r.names("spec.color!=red,metadata.name!=x", r.widgets(), metav1.ListOptions{FieldSelector: "spec.color!=red,metadata.name!=x"})
		}),
		sc("lists/all-namespaces-label", func(r *rec) {
			other := r.otherNamespace("b")
			run := map[string]string{"run": r.t.Namespace}
			r.quiet(r.cms().Create(r.ctx, labelled(configMap("a", nil), run), metav1.CreateOptions{}))
			r.quiet(r.cms().Create(r.ctx, configMap("unlabelled", nil), metav1.CreateOptions{}))
			r.quiet(r.t.Dyn.Resource(cmGVR).Namespace(other).Create(r.ctx, labelled(configMap("b", nil), run), metav1.CreateOptions{}))
			r.names("all namespaces run=NS", r.t.Dyn.Resource(cmGVR), metav1.ListOptions{LabelSelector: "run=" + r.t.Namespace})
		}),
		sc("lists/metadata-list", func(r *rec) {
			r.labelledSet()
			r.val("list metadata")(r.cms().ListMetadata(r.ctx, metav1.ListOptions{LabelSelector: "tier"}))
		}),
		sc("lists/cr-list", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("a", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.quiet(r.widgets().Create(r.ctx, r.widget("b", map[string]any{"color": "green"}), metav1.CreateOptions{}))
			r.list("list widgets")(r.widgets().List(r.ctx, metav1.ListOptions{}))
		}),
	}
}

func tableScenarios() []Scenario {
	return []Scenario{
		sc("lists/table-configmaps", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, configMap("a", map[string]any{"x": "1", "y": "2"}), metav1.CreateOptions{}))
			r.quiet(r.cms().Create(r.ctx, configMap("b", nil), metav1.CreateOptions{}))
			r.val("list table")(r.cms().ListTable(r.ctx, metav1.ListOptions{}, metav1.TableOptions{}))
		}),
		sc("lists/table-cr-printer-columns", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("a", map[string]any{"replicas": int64(3), "color": "red"}), metav1.CreateOptions{}))
			r.quiet(r.widgets().Create(r.ctx, r.widget("b", map[string]any{}), metav1.CreateOptions{}))
			r.val("list table")(r.widgets().ListTable(r.ctx, metav1.ListOptions{}, metav1.TableOptions{}))
		}),
		sc("lists/table-cr-default-columns", func(r *rec) {
			g := r.gizmo(r.gizmoName("a"), map[string]any{"size": int64(1)})
			g.SetLabels(map[string]string{"run": r.t.Namespace})
			r.quiet(r.gizmos().Create(r.ctx, g, metav1.CreateOptions{}))
			r.val("list table")(r.gizmos().ListTable(r.ctx, metav1.ListOptions{LabelSelector: "run=" + r.t.Namespace}, metav1.TableOptions{}))
		}),
		sc("lists/table-include-object-none", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("a", map[string]any{"replicas": int64(3)}), metav1.CreateOptions{}))
			r.val("list table, includeObject=None")(r.widgets().ListTable(r.ctx, metav1.ListOptions{}, metav1.TableOptions{IncludeObject: metav1.IncludeNone}))
			r.val("list table, includeObject=Object")(r.widgets().ListTable(r.ctx, metav1.ListOptions{}, metav1.TableOptions{IncludeObject: metav1.IncludeObject}))
		}),
		sc("lists/table-get-one", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("a", map[string]any{"replicas": int64(3), "color": "blue"}), metav1.CreateOptions{}))
			r.val("get table")(r.widgets().GetTable(r.ctx, "a", metav1.GetOptions{}, metav1.TableOptions{}))
			r.quiet(r.cms().Create(r.ctx, configMap("c", map[string]any{"x": "1"}), metav1.CreateOptions{}))
			r.val("get cm table")(r.cms().GetTable(r.ctx, "c", metav1.GetOptions{}, metav1.TableOptions{}))
		}),
	}
}
