package memserver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
)

const aggContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

// wantsAggregated says whether Accept asks for aggregated discovery v2.
func wantsAggregated(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if strings.Contains(part, "g=apidiscovery.k8s.io") && strings.Contains(part, "v=v2") && !strings.Contains(part, "v=v2beta1") && strings.Contains(part, "as=APIGroupDiscoveryList") {
			return true
		}
	}
	return false
}

// serveDiscovery answers /api, /apis, /api/v1, /apis/G and /apis/G/V.
func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if (p == "/api" || p == "/apis") && wantsAggregated(r) {
		s.writeCached(w, r, aggContentType, s.aggregated(p))
		return
	}
	rec := s.surface.rec.Legacy
	switch {
	case p == "/api":
		writeRaw(w, http.StatusOK, "application/json", rec["/api"])
		return
	case p == "/apis":
		s.writeCached(w, r, "application/json", s.legacyGroups())
		return
	}
	if b, ok := rec[p]; ok {
		writeRaw(w, http.StatusOK, "application/json", b)
		return
	}
	if g, ok := strings.CutPrefix(p, "/apis/"); ok {
		if b := s.groupDoc(g); b != nil {
			writeRaw(w, http.StatusOK, "application/json", b)
			return
		}
		if b := s.crdResourceList(g); b != nil {
			writeRaw(w, http.StatusOK, "application/json", b)
			return
		}
	}
	writePlain404(w)
}

// writeCached writes b with an ETag and answers If-None-Match with 304.
func (s *Server) writeCached(w http.ResponseWriter, r *http.Request, ct string, b []byte) {
	sum := sha256.Sum256(b)
	etag := `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Vary", "Accept")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeRaw(w, http.StatusOK, ct, b)
}

// aggregated is the aggregated document for /api or /apis: the recording
// plus CRD groups, with stale group-versions marked.
func (s *Server) aggregated(p string) []byte {
	var doc map[string]json.RawMessage
	_ = json.Unmarshal(s.surface.rec.Aggregated[p], &doc)
	var items []json.RawMessage
	_ = json.Unmarshal(doc["items"], &items)
	if p == "/apis" {
		for _, g := range s.crdAggGroups() {
			b, _ := json.Marshal(g)
			items = append(items, b)
		}
	}
	for i, it := range items {
		items[i] = s.markStale(it)
	}
	doc["items"], _ = json.Marshal(items)
	b, _ := json.Marshal(doc)
	return b
}

// markStale sets freshness "Stale" on the versions marked stale.
func (s *Server) markStale(item json.RawMessage) json.RawMessage {
	s.reg.mu.RLock()
	n := len(s.reg.stale)
	s.reg.mu.RUnlock()
	if n == 0 {
		return item
	}
	var g map[string]any
	if json.Unmarshal(item, &g) != nil {
		return item
	}
	md, _ := g["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	vs, _ := g["versions"].([]any)
	for _, v := range vs {
		vm, _ := v.(map[string]any)
		ver, _ := vm["version"].(string)
		if s.reg.isStale(schema.GroupVersion{Group: name, Version: ver}) {
			vm["freshness"] = "Stale"
		}
	}
	b, _ := json.Marshal(g)
	return b
}

// crdGroups groups CRD resources by group then version, versions in
// Kubernetes version priority order.
func (s *Server) crdGroups() (groups []string, versions map[string][]string, byGV map[schema.GroupVersion][]*resource) {
	versions = map[string][]string{}
	byGV = map[schema.GroupVersion][]*resource{}
	for _, r := range s.reg.crdResources() {
		gv := r.gvr.GroupVersion()
		if _, ok := versions[gv.Group]; !ok {
			groups = append(groups, gv.Group)
		}
		if len(byGV[gv]) == 0 {
			versions[gv.Group] = append(versions[gv.Group], gv.Version)
		}
		byGV[gv] = append(byGV[gv], r)
	}
	for _, g := range groups {
		vs := versions[g]
		sort.Slice(vs, func(i, j int) bool { return version.CompareKubeAwareVersionStrings(vs[i], vs[j]) > 0 })
	}
	return groups, versions, byGV
}

func (s *Server) crdAggGroups() []aggGroup {
	groups, versions, byGV := s.crdGroups()
	var out []aggGroup
	for _, g := range groups {
		ag := aggGroup{}
		ag.Metadata.Name = g
		for _, v := range versions[g] {
			av := aggVersion{Version: v, Freshness: "Current"}
			for _, r := range byGV[schema.GroupVersion{Group: g, Version: v}] {
				av.Resources = append(av.Resources, r.agg)
			}
			ag.Versions = append(ag.Versions, av)
		}
		out = append(out, ag)
	}
	return out
}

type legacyGroup struct {
	Name             string     `json:"name"`
	Versions         []legacyGV `json:"versions"`
	PreferredVersion legacyGV   `json:"preferredVersion"`
}

type legacyGV struct {
	GroupVersion string `json:"groupVersion"`
	Version      string `json:"version"`
}

// legacyGroups is /apis: recorded groups plus CRD groups.
func (s *Server) legacyGroups() []byte {
	var doc struct {
		Kind       string            `json:"kind"`
		APIVersion string            `json:"apiVersion"`
		Groups     []json.RawMessage `json:"groups"`
	}
	_ = json.Unmarshal(s.surface.rec.Legacy["/apis"], &doc)
	groups, versions, _ := s.crdGroups()
	for _, g := range groups {
		b, _ := json.Marshal(legacyGroupOf(g, versions[g]))
		doc.Groups = append(doc.Groups, b)
	}
	b, _ := json.Marshal(doc)
	return b
}

func legacyGroupOf(g string, vs []string) legacyGroup {
	lg := legacyGroup{Name: g}
	for _, v := range vs {
		lg.Versions = append(lg.Versions, legacyGV{GroupVersion: g + "/" + v, Version: v})
	}
	if len(lg.Versions) > 0 {
		lg.PreferredVersion = lg.Versions[0]
	}
	return lg
}

// groupDoc is /apis/G as an APIGroup, or nil.
func (s *Server) groupDoc(g string) []byte {
	var doc struct {
		Groups []json.RawMessage `json:"groups"`
	}
	_ = json.Unmarshal(s.legacyGroups(), &doc)
	for _, raw := range doc.Groups {
		var lg map[string]any
		_ = json.Unmarshal(raw, &lg)
		if lg["name"] == g {
			lg["kind"], lg["apiVersion"] = "APIGroup", "v1"
			b, _ := json.Marshal(lg)
			return b
		}
	}
	return nil
}

// crdResourceList is /apis/G/V of a CRD group-version, or nil.
func (s *Server) crdResourceList(gvPath string) []byte {
	gv, err := schema.ParseGroupVersion(gvPath)
	if err != nil || gv.Group == "" {
		return nil
	}
	_, _, byGV := s.crdGroups()
	rs := byGV[gv]
	if len(rs) == 0 {
		return nil
	}
	type apiResource struct {
		Name         string   `json:"name"`
		SingularName string   `json:"singularName"`
		Namespaced   bool     `json:"namespaced"`
		Kind         string   `json:"kind"`
		Verbs        []string `json:"verbs"`
		ShortNames   []string `json:"shortNames,omitempty"`
		Categories   []string `json:"categories,omitempty"`
		Group        string   `json:"group,omitempty"`
		Version      string   `json:"version,omitempty"`
		StorageHash  string   `json:"storageVersionHash,omitempty"`
	}
	list := struct {
		Kind         string        `json:"kind"`
		APIVersion   string        `json:"apiVersion"`
		GroupVersion string        `json:"groupVersion"`
		Resources    []apiResource `json:"resources"`
	}{Kind: "APIResourceList", APIVersion: "v1", GroupVersion: gv.String()}
	for _, r := range rs {
		list.Resources = append(list.Resources, apiResource{Name: r.gvr.Resource, SingularName: r.singular, Namespaced: r.namespaced, Kind: r.kind, Verbs: r.agg.Verbs, ShortNames: r.agg.ShortNames, Categories: r.agg.Categories, StorageHash: r.crd.storageHash})
		for _, sr := range r.agg.Subresources {
			ar := apiResource{Name: r.gvr.Resource + "/" + sr.Subresource, Namespaced: r.namespaced, Kind: sr.ResponseKind.Kind, Verbs: sr.Verbs}
			if sr.Subresource == "scale" {
				ar.Group, ar.Version = "autoscaling", "v1"
			}
			list.Resources = append(list.Resources, ar)
		}
	}
	b, _ := json.Marshal(list)
	return b
}
