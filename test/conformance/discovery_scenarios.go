package conformance

import (
	"net/http"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

// acceptAggregatedOnly asks for aggregated discovery v2 and nothing else.
const acceptAggregatedOnly = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

// builtinGroup tells the groups of a plain kube-apiserver from the CRDs and
// APIServices other tests install on a shared server.
func builtinGroup(name string) bool {
	return name == "" || !strings.Contains(name, ".") || strings.HasSuffix(name, ".k8s.io")
}

// fetch sends a request without recording it and decodes its JSON body.
func (r *rec) fetch(rq *rest.Request) (int, any, error) {
	resp, err := r.t.Rest.Do(r.ctx, rq)
	if err != nil {
		if s := statusOf(err); s != nil {
			return int(s.Code), nil, err
		}
		return 0, nil, err
	}
	defer resp.Body.Close()
	var v any
	_ = decodeJSON(resp.Body, &v)
	return resp.StatusCode, v, nil
}

// accept builds a GET with an Accept header.
func accept(path, acc string) *rest.Request {
	return &rest.Request{Method: http.MethodGet, Path: path, Header: http.Header{"Accept": {acc}}}
}

// stripKeys removes every key named in keys, anywhere in v.
func stripKeys(v any, keys ...string) any {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range keys {
			delete(t, k)
		}
		for _, e := range t {
			stripKeys(e, keys...)
		}
	case []any:
		for _, e := range t {
			stripKeys(e, keys...)
		}
	}
	return v
}

// filterItems keeps the elements of the list at key whose name (read by
// name) is a built-in group.
func filterItems(v any, key string, name func(map[string]any) string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	items, _ := m[key].([]any)
	var keep []any
	for _, it := range items {
		if g, ok := it.(map[string]any); ok && builtinGroup(name(g)) {
			keep = append(keep, g)
		}
	}
	m[key] = keep
	return m
}

func metaName(g map[string]any) string {
	md, _ := g["metadata"].(map[string]any)
	s, _ := md["name"].(string)
	return s
}

func plainName(g map[string]any) string { s, _ := g["name"].(string); return s }

// recordGET records a GET of path (Accept acc when not empty) after
// transforming its body with f.
func (r *rec) recordGET(op, path, acc string, f func(any) any) {
	rq := &rest.Request{Method: http.MethodGet, Path: path}
	if acc != "" {
		rq = accept(path, acc)
	}
	code, v, err := r.fetch(rq)
	if f != nil && err == nil {
		v = f(v)
	}
	r.add(op, code, v, err)
}

func discoveryScenarios() []Scenario {
	resourceList := func(gv string) func(r *rec) {
		return func(r *rec) { r.recordGET("GET "+gv, gv, "", nil) }
	}
	return []Scenario{
		sc("discovery/version", func(r *rec) {
			v, err := r.t.Disc.ServerVersion(r.ctx)
			if err != nil {
				r.err("version", err)
				return
			}
			r.fact("version", map[string]string{"major": v.Major, "minor": v.Minor, "gitVersion": v.GitVersion})
		}),
		sc("discovery/legacy-api-versions", func(r *rec) {
			r.recordGET("GET /api", "/api", "application/json", func(v any) any { return stripKeys(v, "serverAddressByClientCIDRs") })
		}),
		sc("discovery/legacy-groups-builtin", func(r *rec) {
			r.recordGET("GET /apis", "/apis", "application/json", func(v any) any {
				return stripKeys(filterItems(v, "groups", plainName), "serverAddressByClientCIDRs")
			})
		}),
		sc("discovery/legacy-core-v1", resourceList("/api/v1")),
		sc("discovery/legacy-apps-v1", resourceList("/apis/apps/v1")),
		sc("discovery/legacy-apiextensions-v1", resourceList("/apis/apiextensions.k8s.io/v1")),
		sc("discovery/aggregated-apis-builtin", func(r *rec) {
			r.recordGET("GET /apis aggregated", "/apis", acceptAggregatedOnly, func(v any) any { return filterItems(v, "items", metaName) })
		}),
		sc("discovery/aggregated-api-core", func(r *rec) {
			r.recordGET("GET /api aggregated", "/api", acceptAggregatedOnly, nil)
		}),
		sc("discovery/aggregated-equals-legacy", discAggregatedEqualsLegacy),
		sc("discovery/aggregated-etag-not-modified", discETag),
		sc("discovery/preferred-resources-builtin", func(r *rec) {
			lists, err := r.t.Disc.ServerPreferredResources(r.ctx)
			if err != nil && !discovery.IsPartial(err) {
				r.err("preferred resources", err)
				return
			}
			r.fact("preferred resources", builtinLists(lists))
		}),
		sc("discovery/api-group-document", func(r *rec) { r.recordGET("GET /apis/apps", "/apis/apps", "", nil) }),
		sc("discovery/unknown-group-version-404", func(r *rec) {
			r.raw("GET /apis/nope.example.com/v1", req(http.MethodGet, "/apis/nope.example.com/v1", nil, "", ""))
		}),
		sc("discovery/openapi-v3-index-builtin", func(r *rec) {
			paths, err := r.t.Disc.OpenAPIV3Paths(r.ctx)
			if err != nil {
				r.err("openapi v3 index", err)
				return
			}
			r.fact("openapi v3 paths", builtinPaths(paths))
		}),
		sc("discovery/openapi-v3-core-configmap", func(r *rec) {
			doc, err := r.t.Disc.OpenAPIV3Schema(r.ctx, "api/v1")
			if err != nil {
				r.err("openapi v3 api/v1", err)
				return
			}
			var v map[string]any
			r.setup(decodeJSON(strings.NewReader(string(doc)), &v))
			comps, _ := v["components"].(map[string]any)
			schemas, _ := comps["schemas"].(map[string]any)
			r.fact("ConfigMap schema", schemas["io.k8s.api.core.v1.ConfigMap"])
		}),
		sc("discovery/restmapper-builtin", func(r *rec) {
			m := restmapper.New(r.t.Disc, restmapper.Options{})
			for _, arg := range []string{"deploy", "cm", "deployments.apps", "jobs.v1.batch", "ns"} {
				mp, err := m.Resolve(r.ctx, arg)
				if err != nil {
					r.err("resolve "+arg, err)
					continue
				}
				r.fact("resolve "+arg, mappingFact(mp.Resource, mp.GroupVersionKind, string(mp.Scope.Name())))
			}
		}),
		sc("discovery/restmapper-unknown-kind", func(r *rec) {
			m := restmapper.New(r.t.Disc, restmapper.Options{})
			_, err := m.RESTMapping(schema.GroupKind{Group: "nope.example.com", Kind: "Nope"})
			r.fact("no match", map[string]any{"isNoMatch": err != nil && strings.Contains(err.Error(), "no matches for kind")})
		}),
	}
}

func mappingFact(gvr schema.GroupVersionResource, gvk schema.GroupVersionKind, scope string) map[string]string {
	return map[string]string{"resource": gvr.String(), "kind": gvk.String(), "scope": scope}
}

// builtinLists keeps the resource lists of built-in groups, sorted.
func builtinLists(lists []*metav1.APIResourceList) []*metav1.APIResourceList {
	var out []*metav1.APIResourceList
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		if builtinGroup(gv.Group) {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GroupVersion < out[j].GroupVersion })
	return out
}

// builtinPaths keeps the OpenAPI v3 paths of built-in groups, sorted.
func builtinPaths(paths map[string]string) []string {
	var out []string
	for p := range paths {
		parts := strings.Split(p, "/")
		if len(parts) == 3 && parts[0] == "apis" && !builtinGroup(parts[1]) {
			continue
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func discAggregatedEqualsLegacy(r *rec) {
	run := func(mode discovery.Mode) ([]metav1.APIGroup, []*metav1.APIResourceList) {
		c := discovery.New(r.t.Rest, discovery.Options{Mode: mode})
		groups, lists, err := c.ServerGroupsAndResources(r.ctx)
		if err != nil && !discovery.IsPartial(err) {
			r.setup(err)
		}
		var keep []metav1.APIGroup
		for _, g := range groups {
			if builtinGroup(g.Name) {
				keep = append(keep, g)
			}
		}
		return discovery.Normalize(keep, builtinLists(lists))
	}
	ag, al := run(discovery.Aggregated)
	lg, ll := run(discovery.Legacy)
	r.fact("aggregated equals legacy", map[string]any{"groups": cmp.Diff(lg, ag), "resources": cmp.Diff(ll, al)})
}

func discETag(r *rec) {
	for _, path := range []string{"/api", "/apis"} {
		r.etagPair(path)
	}
}

// etagPair records GET path (aggregated) and the same GET with
// If-None-Match of its ETag. On a shared server /apis changes when a CRD
// comes or goes, so a pair whose ETag changed in between is tried again.
func (r *rec) etagPair(path string) {
	for try := 0; ; try++ {
		resp, err := r.t.Rest.Do(r.ctx, accept(path, acceptAggregatedOnly))
		if err != nil {
			r.err("GET "+path+" aggregated", err)
			return
		}
		_ = resp.Body.Close()
		etag := resp.Header.Get("ETag")
		rq := accept(path, acceptAggregatedOnly)
		rq.Header.Set("If-None-Match", etag)
		again, err := r.t.Rest.Do(r.ctx, rq)
		if err != nil {
			r.err("GET "+path+" If-None-Match", err)
			return
		}
		_ = again.Body.Close()
		if again.StatusCode != http.StatusNotModified && again.Header.Get("ETag") != etag && try < 5 {
			continue
		}
		r.add("GET "+path+" aggregated", resp.StatusCode, map[string]any{"hasETag": etag != ""}, nil)
		r.add("GET "+path+" If-None-Match", again.StatusCode, nil, nil)
		return
	}
}

// aggregatedGroup returns the aggregated discovery entry of group, if served.
func (r *rec) aggregatedGroup(group string) (any, bool) {
	_, v, err := r.fetch(accept("/apis", acceptAggregatedOnly))
	if err != nil {
		return nil, false
	}
	m, _ := v.(map[string]any)
	items, _ := m["items"].([]any)
	for _, it := range items {
		if g, ok := it.(map[string]any); ok && metaName(g) == group {
			return g, true
		}
	}
	return nil, false
}
