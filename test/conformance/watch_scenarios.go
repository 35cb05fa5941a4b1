package conformance

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
)

// watchFrom starts a watch of h from the current state (a list's
// resourceVersion), for events after it.
func (r *rec) watchFrom(h *dynamic.ResourceHandle, opts metav1.ListOptions) (watch.Interface, error) {
	l, err := h.List(r.ctx, metav1.ListOptions{LabelSelector: opts.LabelSelector, FieldSelector: opts.FieldSelector})
	if err != nil {
		return nil, err
	}
	opts.ResourceVersion = l.GetResourceVersion()
	return h.Watch(r.ctx, opts)
}

func merge(s string) []byte { return []byte(s) }

func watchScenarios() []Scenario {
	one := map[string]any{"k": "v"}
	return []Scenario{
		sc("watch/added-modified-deleted", func(r *rec) {
			w, err := r.watchFrom(r.cms(), metav1.ListOptions{})
			r.createN("a")
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"v2"}}`), metav1.PatchOptions{}))
			r.setup(r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
			r.events("watch", w, err, watchOpts{n: 3})
		}),
		sc("watch/from-rv-skips-earlier", func(r *rec) {
			rvs := r.createN("a", "b")
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"v2"}}`), metav1.PatchOptions{}))
			if len(rvs) < 2 {
				return
			}
			w, err := r.cms().Watch(r.ctx, metav1.ListOptions{ResourceVersion: rvs[1]})
			r.createN("c")
			r.events("watch from b's creation", w, err, watchOpts{n: 2})
		}),
		sc("watch/rv-zero-initial-adds", func(r *rec) {
			r.createN("a", "b")
			r.sync(r.cms())
			w, err := r.cms().Watch(r.ctx, metav1.ListOptions{ResourceVersion: "0"})
			r.createN("c")
			r.events("watch resourceVersion=0", w, err, watchOpts{n: 3})
		}),
		sc("watch/rv-empty-initial-adds", func(r *rec) {
			r.createN("a", "b")
			w, err := r.cms().Watch(r.ctx, metav1.ListOptions{})
			r.createN("c")
			r.events("watch without resourceVersion", w, err, watchOpts{n: 3})
		}),
		sc("watch/label-selector", func(r *rec) {
			r.quiet(r.cms().Create(r.ctx, labelled(configMap("a", one), map[string]string{"app": "x"}), metav1.CreateOptions{}))
			r.quiet(r.cms().Create(r.ctx, labelled(configMap("b", one), map[string]string{"app": "y"}), metav1.CreateOptions{}))
			w, err := r.watchFrom(r.cms(), metav1.ListOptions{LabelSelector: "app=x"})
			r.quiet(r.cms().Patch(r.ctx, "b", types.MergePatchType, merge(`{"data":{"k":"b2"}}`), metav1.PatchOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"a2"}}`), metav1.PatchOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"metadata":{"labels":{"app":"z"}}}`), metav1.PatchOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "b", types.MergePatchType, merge(`{"metadata":{"labels":{"app":"x"}}}`), metav1.PatchOptions{}))
			r.events("watch app=x", w, err, watchOpts{n: 3})
		}),
		sc("watch/field-selector-name", func(r *rec) {
			w, err := r.watchFrom(r.cms(), metav1.ListOptions{FieldSelector: "metadata.name=a"})
			r.createN("a", "b")
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"a2"}}`), metav1.PatchOptions{}))
			r.events("watch metadata.name=a", w, err, watchOpts{n: 2})
		}),
		sc("watch/expired-rv", func(r *rec) {
			rvs := r.createTemplates("a")
			r.createTemplates("b", "c")
			r.compact()
			if len(rvs) == 1 {
				w, err := r.ns(podTemplatesGVR).Watch(r.ctx, metav1.ListOptions{ResourceVersion: rvs[0]})
				r.events("watch pod templates from a's creation after compaction", w, err, watchOpts{n: 1, maskDigits: true})
			}
		}),
		sc("watch/timeout-seconds", func(r *rec) {
			timeout := int64(1)
			w, err := r.watchFrom(r.cms(), metav1.ListOptions{TimeoutSeconds: &timeout})
			r.createN("a")
			r.events("watch timeoutSeconds=1", w, err, watchOpts{wait: 20 * time.Second})
		}),
		sc("watch/cr-events", func(r *rec) {
			w, err := r.watchFrom(r.widgets(), metav1.ListOptions{})
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			r.quiet(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"replicas":2}}`), metav1.PatchOptions{}))
			r.setup(r.widgets().Delete(r.ctx, "w", metav1.DeleteOptions{}))
			r.events("watch widgets", w, err, watchOpts{n: 3})
		}),
		sc("watch/status-update-event", func(r *rec) {
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			w, err := r.watchFrom(r.widgets(), metav1.ListOptions{})
			r.quiet(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"status":{"phase":"Ready"}}`), metav1.PatchOptions{}, "status"))
			r.events("watch widgets", w, err, watchOpts{n: 1})
		}),
		sc("watch/finalizer-delete-events", func(r *rec) {
			u := configMap("a", one)
			u.SetFinalizers([]string{"conformance.kubedyn.test/hold"})
			r.quiet(r.cms().Create(r.ctx, u, metav1.CreateOptions{}))
			w, err := r.watchFrom(r.cms(), metav1.ListOptions{})
			r.setup(r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}))
			r.events("watch", w, err, watchOpts{n: 2})
		}),
		sc("watch/all-namespaces-label", func(r *rec) {
			other := r.otherNamespace("b")
			run := map[string]string{"run": r.t.Namespace}
			w, err := r.watchFrom(r.t.Dyn.Resource(cmGVR), metav1.ListOptions{LabelSelector: "run=" + r.t.Namespace})
			r.quiet(r.cms().Create(r.ctx, labelled(configMap("a", nil), run), metav1.CreateOptions{}))
			r.quiet(r.cms().Create(r.ctx, configMap("unlabelled", nil), metav1.CreateOptions{}))
			r.quiet(r.t.Dyn.Resource(cmGVR).Namespace(other).Create(r.ctx, labelled(configMap("b", nil), run), metav1.CreateOptions{}))
			r.events("watch all namespaces run=NS", w, err, watchOpts{n: 2})
		}),
		sc("watch/metadata", func(r *rec) {
			l, lerr := r.cms().List(r.ctx, metav1.ListOptions{})
			r.setup(lerr)
			if l == nil {
				return
			}
			w, err := r.cms().WatchMetadata(r.ctx, metav1.ListOptions{ResourceVersion: l.GetResourceVersion()})
			r.createN("a")
			r.events("watch metadata", w, err, watchOpts{n: 1})
		}),
		sc("watch/table", func(r *rec) {
			l, lerr := r.widgets().List(r.ctx, metav1.ListOptions{})
			r.setup(lerr)
			if l == nil {
				return
			}
			w, err := r.widgets().WatchTable(r.ctx, metav1.ListOptions{ResourceVersion: l.GetResourceVersion()}, metav1.TableOptions{})
			r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1), "color": "red"}), metav1.CreateOptions{}))
			r.quiet(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"replicas":2}}`), metav1.PatchOptions{}))
			r.events("watch table", w, err, watchOpts{n: 2})
		}),
		sc("watch/crd-deleted-ends", func(r *rec) {
			gvr := r.thingsCRD("Namespaced", nil)
			things := r.ns(gvr)
			r.quiet(things.Create(r.ctx, obj(gvr.GroupVersion().String(), "Thing", "t", map[string]any{"spec": map[string]any{"size": int64(1)}}), metav1.CreateOptions{}))
			w, err := r.watchFrom(things, metav1.ListOptions{})
			r.setup(r.t.Dyn.Resource(crdGVR).Delete(r.ctx, "things."+r.t.Group, metav1.DeleteOptions{}))
			r.events("watch things while the CRD is deleted", w, err, watchOpts{wait: 30 * time.Second})
		}),
		sc("watch/dry-run-no-events", func(r *rec) {
			w, err := r.watchFrom(r.cms(), metav1.ListOptions{})
			r.quiet(r.cms().Create(r.ctx, configMap("dry", one), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}))
			r.createN("a")
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"dry"}}`), metav1.PatchOptions{DryRun: []string{metav1.DryRunAll}}))
			r.setup(r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"real"}}`), metav1.PatchOptions{}))
			r.events("watch", w, err, watchOpts{n: 2})
		}),
		sc("watch/resumable-initial-state", func(r *rec) {
			r.createN("a", "b")
			w, err := r.cms().WatchResumable(r.ctx, metav1.ListOptions{}, dynamic.ResumeOptions{})
			r.events("resumable watch", w, err, watchOpts{n: 3})
		}),
		sc("watch/deletecollection-events", func(r *rec) {
			r.createN("a", "b")
			w, err := r.watchFrom(r.cms(), metav1.ListOptions{})
			r.setup(r.cms().DeleteCollection(r.ctx, metav1.DeleteOptions{}, metav1.ListOptions{}))
			r.events("watch", w, err, watchOpts{n: 2})
		}),
	}
}

func initialEventsScenarios() []Scenario {
	yes := true
	initial := func(sel string) metav1.ListOptions {
		return metav1.ListOptions{SendInitialEvents: &yes, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan, AllowWatchBookmarks: true, LabelSelector: sel}
	}
	return []Scenario{
		sc("watch/send-initial-events", func(r *rec) {
			r.createN("b", "a")
			w, err := r.cms().Watch(r.ctx, initial(""))
			r.events("watch sendInitialEvents", w, err, watchOpts{n: 3})
		}),
		sc("watch/send-initial-events-empty", func(r *rec) {
			w, err := r.cms().Watch(r.ctx, initial(""))
			r.events("watch sendInitialEvents", w, err, watchOpts{n: 1})
		}),
		sc("watch/send-initial-events-selector", func(r *rec) {
			r.labelledSet()
			w, err := r.cms().Watch(r.ctx, initial("tier=x"))
			r.quiet(r.cms().Patch(r.ctx, "b", types.MergePatchType, merge(`{"metadata":{"labels":{"tier":"x"}}}`), metav1.PatchOptions{}))
			r.events("watch sendInitialEvents tier=x", w, err, watchOpts{n: 4})
		}),
		sc("watch/send-initial-events-requires-match", func(r *rec) {
			opts := initial("")
			opts.ResourceVersionMatch = ""
			w, err := r.cms().Watch(r.ctx, opts)
			r.events("watch sendInitialEvents without resourceVersionMatch", w, err, watchOpts{n: 1, wait: 3 * time.Second})
		}),
		sc("watch/send-initial-events-without-bookmarks", func(r *rec) {
			opts := initial("")
			opts.AllowWatchBookmarks = false
			w, err := r.cms().Watch(r.ctx, opts)
			r.events("watch sendInitialEvents without allowWatchBookmarks", w, err, watchOpts{n: 1, wait: 3 * time.Second})
		}),
		sc("watch/rv-match-exact-refused", func(r *rec) {
			rvs := r.createN("a")
			if len(rvs) == 1 {
				w, err := r.cms().Watch(r.ctx, metav1.ListOptions{ResourceVersion: rvs[0], ResourceVersionMatch: metav1.ResourceVersionMatchExact})
				r.events("watch resourceVersionMatch=Exact", w, err, watchOpts{n: 1, wait: 3 * time.Second})
			}
		}),
		sc("watch/bookmark-shape", func(r *rec) {
			w, err := r.widgets().Watch(r.ctx, initial(""))
			r.events("watch widgets sendInitialEvents", w, err, watchOpts{n: 1})
		}),
	}
}
