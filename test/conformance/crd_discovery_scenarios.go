package conformance

import (
	"context"
	"net/http"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/restmapper"
)

// waitAggregated waits until aggregated discovery lists group (or no longer does).
func (r *rec) waitAggregated(group string, present bool) {
	r.wait("aggregated discovery of "+group, func(context.Context) bool {
		_, ok := r.aggregatedGroup(group)
		return ok == present
	})
}

// waitGET waits until GET path answers code.
func (r *rec) waitGET(path string, code int) {
	r.wait("GET "+path, func(context.Context) bool {
		c, _, _ := r.fetch(req(http.MethodGet, path, nil, "", ""))
		return c == code
	})
}

// waitOpenAPI waits until the OpenAPI v3 index lists path (or no longer does).
func (r *rec) waitOpenAPI(path string, present bool) {
	r.wait("openapi v3 "+path, func(ctx context.Context) bool {
		paths, err := r.t.Disc.OpenAPIV3Paths(ctx)
		_, ok := paths[path]
		return err == nil && ok == present
	})
}

// thingsCRD installs the scenario's own "things" CRD (status subresource)
// after letting edit change it, and waits until discovery serves it.
func (r *rec) thingsCRD(scope string, edit func(*unstructured.Unstructured)) schema.GroupVersionResource {
	crd := r.simpleCRD("things", "Thing", scope)
	if edit != nil {
		edit(crd)
	}
	gvr := r.ownCRD(crd, "v1")
	r.waitAggregated(r.t.Group, true)
	r.waitGET("/apis/"+r.t.Group+"/v1", http.StatusOK)
	return gvr
}

func crdDiscoveryScenarios() []Scenario {
	return []Scenario{
		sc("discovery/crd-appears-aggregated", func(r *rec) {
			r.thingsCRD("Namespaced", nil)
			g, ok := r.aggregatedGroup(r.t.Group)
			r.fact("aggregated group", map[string]any{"present": ok, "entry": g})
		}),
		sc("discovery/crd-appears-legacy", func(r *rec) {
			r.thingsCRD("Namespaced", nil)
			r.recordGET("GET /apis/GROUP/v1", "/apis/"+r.t.Group+"/v1", "", nil)
			r.recordGET("GET /apis/GROUP", "/apis/"+r.t.Group, "", nil)
		}),
		sc("discovery/crd-disappears", func(r *rec) {
			r.thingsCRD("Namespaced", nil)
			r.err("delete CRD", r.t.Dyn.Resource(crdGVR).Delete(r.ctx, "things."+r.t.Group, metav1.DeleteOptions{}))
			r.waitGET("/apis/"+r.t.Group+"/v1", http.StatusNotFound)
			r.waitGET("/apis/"+r.t.Group, http.StatusNotFound)
			r.waitAggregated(r.t.Group, false)
			_, ok := r.aggregatedGroup(r.t.Group)
			r.fact("aggregated group present", ok)
			r.raw("GET /apis/GROUP/v1", req(http.MethodGet, "/apis/"+r.t.Group+"/v1", nil, "", ""))
			r.raw("GET /apis/GROUP", req(http.MethodGet, "/apis/"+r.t.Group, nil, "", ""))
		}),
		sc("discovery/crd-second-version", func(r *rec) {
			r.thingsCRD("Namespaced", func(crd *unstructured.Unstructured) {
				_ = unstructured.SetNestedSlice(crd.Object, []any{simpleVersion("v1", true), simpleVersion("v2", false)}, "spec", "versions")
			})
			r.waitGET("/apis/"+r.t.Group+"/v2", http.StatusOK)
			r.recordGET("GET /apis/GROUP", "/apis/"+r.t.Group, "", nil)
			g, _ := r.aggregatedGroup(r.t.Group)
			r.fact("aggregated group", g)
		}),
		sc("discovery/crd-short-names-categories", func(r *rec) {
			r.thingsCRD("Namespaced", func(crd *unstructured.Unstructured) {
				_ = unstructured.SetNestedStringSlice(crd.Object, []string{"thg", "th"}, "spec", "names", "shortNames")
				_ = unstructured.SetNestedStringSlice(crd.Object, []string{"all", "conformance"}, "spec", "names", "categories")
			})
			r.recordGET("GET /apis/GROUP/v1", "/apis/"+r.t.Group+"/v1", "", nil)
			g, _ := r.aggregatedGroup(r.t.Group)
			r.fact("aggregated group", g)
		}),
		sc("discovery/crd-cluster-scoped", func(r *rec) {
			r.thingsCRD("Cluster", nil)
			r.recordGET("GET /apis/GROUP/v1", "/apis/"+r.t.Group+"/v1", "", nil)
			g, _ := r.aggregatedGroup(r.t.Group)
			r.fact("aggregated group", g)
		}),
		sc("discovery/crd-subresources-listed", func(r *rec) {
			r.thingsCRD("Namespaced", func(crd *unstructured.Unstructured) {
				v := simpleVersion("v1", true)
				v["subresources"] = map[string]any{"status": map[string]any{}, "scale": map[string]any{"specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size"}}
				_ = unstructured.SetNestedSlice(crd.Object, []any{v}, "spec", "versions")
			})
			r.recordGET("GET /apis/GROUP/v1", "/apis/"+r.t.Group+"/v1", "", nil)
			g, _ := r.aggregatedGroup(r.t.Group)
			r.fact("aggregated group", g)
		}),
		sc("discovery/crd-established-condition", func(r *rec) {
			r.thingsCRD("Namespaced", nil)
			crds := r.t.Dyn.Resource(crdGVR)
			r.wait("Established", func(ctx context.Context) bool {
				u, err := crds.Get(ctx, "things."+r.t.Group, metav1.GetOptions{})
				if err != nil {
					return false
				}
				conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
				for _, c := range conds {
					if m, _ := c.(map[string]any); m["type"] == "Established" && m["status"] == "True" {
						return true
					}
				}
				return false
			})
			u := r.quiet(crds.Get(r.ctx, "things."+r.t.Group, metav1.GetOptions{}))
			if u != nil {
				r.fact("CRD status", u.Object["status"])
			}
		}),
		sc("discovery/openapi-v3-crd", func(r *rec) {
			r.thingsCRD("Namespaced", nil)
			path := "apis/" + r.t.Group + "/v1"
			r.waitOpenAPI(path, true)
			doc, err := r.t.Disc.OpenAPIV3Schema(r.ctx, path)
			if err != nil {
				r.err("openapi v3 "+path, err)
				return
			}
			var v map[string]any
			r.setup(decodeJSON(strings.NewReader(string(doc)), &v))
			r.fact("openapi v3 GROUP/v1", v)
		}),
		sc("discovery/openapi-v3-crd-removed", func(r *rec) {
			r.thingsCRD("Namespaced", nil)
			path := "apis/" + r.t.Group + "/v1"
			r.waitOpenAPI(path, true)
			r.err("delete CRD", r.t.Dyn.Resource(crdGVR).Delete(r.ctx, "things."+r.t.Group, metav1.DeleteOptions{}))
			r.waitOpenAPI(path, false)
			paths, err := r.t.Disc.OpenAPIV3Paths(r.ctx)
			_, ok := paths[path]
			r.add("openapi v3 index lists GROUP/v1", 0, ok, err)
			_, err = r.t.Disc.OpenAPIV3Schema(r.ctx, path)
			r.err("openapi v3 GROUP/v1", err)
		}),
		sc("discovery/restmapper-crd", func(r *rec) {
			m := restmapper.New(r.t.Disc, restmapper.Options{MinRefreshInterval: 1})
			_, err := m.Resolve(r.ctx, "things."+r.t.Group)
			r.fact("resolve before install fails", err != nil)
			r.thingsCRD("Namespaced", func(crd *unstructured.Unstructured) {
				_ = unstructured.SetNestedStringSlice(crd.Object, []string{"rmthg"}, "spec", "names", "shortNames")
			})
			r.setup(m.RefreshGroup(r.ctx, r.t.Group))
			for _, arg := range []string{"rmthg", "things." + r.t.Group, "thing." + r.t.Group, "Thing." + r.t.Group} {
				mp, err := m.Resolve(r.ctx, arg)
				if err != nil {
					r.err("resolve "+arg, err)
					continue
				}
				r.fact("resolve "+arg, mappingFact(mp.Resource, mp.GroupVersionKind, string(mp.Scope.Name())))
			}
			gk := schema.GroupKind{Group: r.t.Group, Kind: "Thing"}
			mp, err := m.RESTMapping(gk)
			if err == nil {
				r.fact("RESTMapping Thing", mappingFact(mp.Resource, mp.GroupVersionKind, string(mp.Scope.Name())))
			} else {
				r.err("RESTMapping Thing", err)
			}
		}),
	}
}

// sortedStrings returns the keys of m sorted.
func sortedStrings[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
