package conformance

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
)

// compact asks the server to forget its history up to now (a setup step).
func (r *rec) compact() {
	if r.t.shared.Compact == nil {
		r.setup(errors.New("this server offers no way to compact its history"))
		return
	}
	r.setup(r.t.shared.Compact(r.ctx))
}

// createN creates configmaps named names (not recorded) and returns the
// resourceVersion of each.
func (r *rec) createN(names ...string) []string {
	var rvs []string
	for _, n := range names {
		u := r.quiet(r.cms().Create(r.ctx, configMap(n, map[string]any{"k": n}), metav1.CreateOptions{}))
		if u != nil {
			rvs = append(rvs, u.GetResourceVersion())
		}
	}
	return rvs
}

// podTemplatesGVR is the resource whose lists and watches test/cluster's
// server serves from etcd, not from its watch cache, so history it has
// compacted answers 410 Expired there as on a long-running cluster.
var podTemplatesGVR = schema.GroupVersionResource{Version: "v1", Resource: "podtemplates"}

// createTemplates creates pod templates named names (not recorded) and
// returns the resourceVersion of each.
func (r *rec) createTemplates(names ...string) []string {
	var rvs []string
	for _, n := range names {
		u := obj("v1", "PodTemplate", n, map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "c", "image": "nginx"}}}}})
		if u = r.quiet(r.ns(podTemplatesGVR).Create(r.ctx, u, metav1.CreateOptions{})); u != nil {
			rvs = append(rvs, u.GetResourceVersion())
		}
	}
	return rvs
}

// sync makes a consistent (quorum) list of h, not recorded: on
// kube-apiserver it waits until the watch cache has caught up with every
// write so far, so that reads the cache answers ("resourceVersion=0", a
// watch from "0") see them.
func (r *rec) sync(h *dynamic.ResourceHandle) {
	_, err := h.List(r.ctx, metav1.ListOptions{})
	r.setup(err)
}

// maskDigits replaces the digits of the last step's error message by N
// (messages that quote the server's current resourceVersion).
func (r *rec) maskDigits() {
	if len(r.steps) > 0 {
		r.steps[len(r.steps)-1].maskDigits = true
	}
}

func pagingScenarios() []Scenario {
	return []Scenario{
		sc("lists/limit-continue-pages", func(r *rec) {
			r.createN("a", "b", "c", "d", "e")
			l := r.names("page 1", r.cms(), metav1.ListOptions{Limit: 2})
			for i := 2; l != nil && l.GetContinue() != ""; i++ {
				l = r.names(fmt.Sprintf("page %d", i), r.cms(), metav1.ListOptions{Limit: 2, Continue: l.GetContinue()})
			}
		}),
		sc("lists/continue-snapshot", func(r *rec) {
			r.createN("a", "b", "c")
			l := r.names("page 1", r.cms(), metav1.ListOptions{Limit: 2})
			r.createN("bb", "d")
			if l != nil {
				r.names("page 2", r.cms(), metav1.ListOptions{Limit: 2, Continue: l.GetContinue()})
			}
			r.names("fresh list", r.cms(), metav1.ListOptions{})
		}),
		sc("lists/continue-invalid", func(r *rec) {
			r.createN("a")
			r.raw("list with garbage continue", req(http.MethodGet, r.nsPath("configmaps"), url.Values{"limit": {"1"}, "continue": {"not-a-token"}}, "", ""))
		}),
		sc("lists/continue-expired", func(r *rec) {
			pts := r.ns(podTemplatesGVR)
			r.createTemplates("a", "b", "c")
			l := r.names("page 1", pts, metav1.ListOptions{Limit: 1})
			r.createTemplates("d")
			r.compact()
			if l != nil {
				r.names("page 2 after compaction", pts, metav1.ListOptions{Limit: 1, Continue: l.GetContinue()})
			}
		}),
		sc("lists/limit-with-label-selector", func(r *rec) {
			r.labelledSet()
			l := r.names("tier page 1", r.cms(), metav1.ListOptions{Limit: 1, LabelSelector: "tier=x"})
			if l != nil {
				r.names("tier page 2", r.cms(), metav1.ListOptions{Limit: 1, LabelSelector: "tier=x", Continue: l.GetContinue()})
			}
		}),
		sc("lists/rv-zero", func(r *rec) {
			r.createN("a", "b")
			r.sync(r.cms())
			r.names("resourceVersion=0", r.cms(), metav1.ListOptions{ResourceVersion: "0"})
		}),
		sc("lists/rv-exact-past", func(r *rec) {
			rvs := r.createN("a", "b")
			r.err("delete a", r.cms().Delete(r.ctx, "a", metav1.DeleteOptions{}))
			r.createN("c")
			if len(rvs) == 2 {
				r.names("Exact at b's creation", r.cms(), metav1.ListOptions{ResourceVersion: rvs[1], ResourceVersionMatch: metav1.ResourceVersionMatchExact})
				r.names("Exact at a's creation", r.cms(), metav1.ListOptions{ResourceVersion: rvs[0], ResourceVersionMatch: metav1.ResourceVersionMatchExact})
			}
			r.names("now", r.cms(), metav1.ListOptions{})
		}),
		sc("lists/rv-not-older-than", func(r *rec) {
			rvs := r.createN("a", "b")
			if len(rvs) == 2 {
				r.names("NotOlderThan b's creation", r.cms(), metav1.ListOptions{ResourceVersion: rvs[1], ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
			}
		}),
		sc("lists/rv-match-without-rv", func(r *rec) {
			r.raw("list resourceVersionMatch=NotOlderThan only", req(http.MethodGet, r.nsPath("configmaps"), url.Values{"resourceVersionMatch": {"NotOlderThan"}}, "", ""))
			r.raw("list resourceVersionMatch=Exact only", req(http.MethodGet, r.nsPath("configmaps"), url.Values{"resourceVersionMatch": {"Exact"}}, "", ""))
		}),
		sc("lists/rv-exact-expired", func(r *rec) {
			rvs := r.createTemplates("a", "b")
			r.compact()
			if len(rvs) == 2 {
				r.names("Exact at a's creation after compaction", r.ns(podTemplatesGVR), metav1.ListOptions{ResourceVersion: rvs[0], ResourceVersionMatch: metav1.ResourceVersionMatchExact})
				r.maskDigits()
			}
		}),
		sc("lists/rv-too-large", func(r *rec) {
			rvs := r.createN("a")
			if len(rvs) == 1 {
				n, _ := strconv.ParseUint(rvs[0], 10, 64)
				future := strconv.FormatUint(n+1000000, 10)
				r.names("NotOlderThan a future resourceVersion", r.t.NoRetry.Resource(cmGVR).Namespace(r.t.Namespace), metav1.ListOptions{ResourceVersion: future, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
				r.maskDigits()
			}
		}),
	}
}
