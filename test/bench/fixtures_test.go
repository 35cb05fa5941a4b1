package bench

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// recordedDoc is one response recorded from the real server.
type recordedDoc struct {
	Path        string          `json:"path"`
	ContentType string          `json:"contentType"`
	ETag        string          `json:"etag"`
	Body        json.RawMessage `json:"body"`
}

type recorded struct {
	Aggregated []recordedDoc `json:"aggregated"`
	Legacy     []recordedDoc `json:"legacy"`
}

// discoverySet is one server's discovery documents in both forms.
type discoverySet struct {
	aggregated map[string][]byte // "/api", "/apis" -> APIGroupDiscoveryList
	legacy     map[string][]byte // every legacy path -> body
	groups     []metav1.APIGroup
	lists      []*metav1.APIResourceList
}

const aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

func loadRecorded(tb testing.TB) recorded {
	tb.Helper()
	b, err := os.ReadFile("testdata/discovery.json")
	if err != nil {
		tb.Fatalf("read recorded discovery: %v", err)
	}
	var r recorded
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("decode testdata/discovery.json: %v", err)
	}
	return r
}

// realSet returns the recorded discovery of the real server.
func realSet(tb testing.TB) *discoverySet {
	return buildSet(tb, loadRecorded(tb), 0)
}

// crdSet returns the recorded discovery plus n synthetic CRD groups, each
// with one namespaced resource with a short name and a category.
func crdSet(tb testing.TB, n int) *discoverySet {
	return buildSet(tb, loadRecorded(tb), n)
}

func buildSet(tb testing.TB, r recorded, n int) *discoverySet {
	tb.Helper()
	s := &discoverySet{aggregated: map[string][]byte{}, legacy: map[string][]byte{}}
	for _, d := range r.Legacy {
		s.legacy[d.Path] = d.Body
	}
	for _, d := range r.Aggregated {
		s.aggregated[d.Path] = d.Body
	}
	if n > 0 {
		addCRDs(tb, s, n)
	}
	s.parseLegacy(tb)
	return s
}

func synthGroup(i int) (group, plural, kind string) {
	return fmt.Sprintf("crd%03d.bench.example.com", i), fmt.Sprintf("widget%03ds", i), fmt.Sprintf("Widget%03d", i)
}

func addCRDs(tb testing.TB, s *discoverySet, n int) {
	tb.Helper()
	var agg apidiscoveryv2.APIGroupDiscoveryList
	mustUnmarshal(tb, s.aggregated["/apis"], &agg)
	var groups metav1.APIGroupList
	mustUnmarshal(tb, s.legacy["/apis"], &groups)
	for i := range n {
		group, plural, kind := synthGroup(i)
		gv := group + "/v1"
		agg.Items = append(agg.Items, apidiscoveryv2.APIGroupDiscovery{
			ObjectMeta: metav1.ObjectMeta{Name: group},
			Versions: []apidiscoveryv2.APIVersionDiscovery{{
				Version:   "v1",
				Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent,
				Resources: []apidiscoveryv2.APIResourceDiscovery{{
					Resource:         plural,
					ResponseKind:     &metav1.GroupVersionKind{Group: group, Version: "v1", Kind: kind},
					Scope:            apidiscoveryv2.ScopeNamespace,
					SingularResource: strings.TrimSuffix(plural, "s"),
					Verbs:            []string{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"},
					ShortNames:       []string{fmt.Sprintf("w%03d", i)},
					Categories:       []string{"all", "benchwidgets"},
					Subresources: []apidiscoveryv2.APISubresourceDiscovery{{
						Subresource:  "status",
						ResponseKind: &metav1.GroupVersionKind{Group: group, Version: "v1", Kind: kind},
						Verbs:        []string{"get", "patch", "update"},
					}},
				}},
			}},
		})
		groups.Groups = append(groups.Groups, metav1.APIGroup{
			Name:             group,
			Versions:         []metav1.GroupVersionForDiscovery{{GroupVersion: gv, Version: "v1"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: gv, Version: "v1"},
		})
		list := metav1.APIResourceList{
			TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
			GroupVersion: gv,
			APIResources: []metav1.APIResource{{
				Name: plural, SingularName: strings.TrimSuffix(plural, "s"), Namespaced: true, Kind: kind,
				Verbs:              []string{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"},
				ShortNames:         []string{fmt.Sprintf("w%03d", i)},
				Categories:         []string{"all", "benchwidgets"},
				StorageVersionHash: fmt.Sprintf("h%07d", i),
			}, {
				Name: plural + "/status", Namespaced: true, Kind: kind, Verbs: []string{"get", "patch", "update"},
			}},
		}
		s.legacy["/apis/"+gv] = mustMarshal(tb, list)
	}
	s.aggregated["/apis"] = mustMarshal(tb, agg)
	s.legacy["/apis"] = mustMarshal(tb, groups)
}

// parseLegacy fills groups and lists from the legacy documents, core first.
func (s *discoverySet) parseLegacy(tb testing.TB) {
	tb.Helper()
	var core metav1.APIVersions
	mustUnmarshal(tb, s.legacy["/api"], &core)
	var apis metav1.APIGroupList
	mustUnmarshal(tb, s.legacy["/apis"], &apis)
	coreGroup := metav1.APIGroup{Name: ""}
	for _, v := range core.Versions {
		gvd := metav1.GroupVersionForDiscovery{GroupVersion: v, Version: v}
		coreGroup.Versions = append(coreGroup.Versions, gvd)
	}
	coreGroup.PreferredVersion = coreGroup.Versions[0]
	s.groups = append([]metav1.APIGroup{coreGroup}, apis.Groups...)
	for _, g := range s.groups {
		for _, v := range g.Versions {
			path := "/apis/" + v.GroupVersion
			if g.Name == "" {
				path = "/api/" + v.Version
			}
			body, ok := s.legacy[path]
			if !ok {
				tb.Fatalf("fixture has no legacy document %s", path)
			}
			var l metav1.APIResourceList
			mustUnmarshal(tb, body, &l)
			s.lists = append(s.lists, &l)
		}
	}
}

func mustUnmarshal(tb testing.TB, b []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("decode fixture into %T: %v", v, err)
	}
}

func mustMarshal(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("encode fixture %T: %v", v, err)
	}
	return b
}

// fixtureServer serves discovery documents and other fixed bodies over TLS
// with HTTP/2, counting requests and new connections.
type fixtureServer struct {
	*httptest.Server
	set *discoverySet
	// aggregated says whether the server offers aggregated discovery; when
	// false it answers legacy documents whatever the Accept header says.
	aggregated bool
	bodies     map[string][]byte // extra paths -> JSON body; "<path>?watch" for watch requests
	requests   atomic.Int64
	conns      atomic.Int64
}

func newFixtureServer(tb testing.TB, set *discoverySet, aggregated bool, bodies map[string][]byte) *fixtureServer {
	tb.Helper()
	fs := &fixtureServer{set: set, aggregated: aggregated, bodies: bodies}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(fs.serve))
	srv.EnableHTTP2 = true
	srv.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: 100}
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			fs.conns.Add(1)
		}
	}
	srv.StartTLS()
	fs.Server = srv
	tb.Cleanup(srv.Close)
	return fs
}

// reset zeroes the counters and returns the previous values.
func (fs *fixtureServer) reset() (requests, conns int64) {
	return fs.requests.Swap(0), fs.conns.Swap(0)
}

func (fs *fixtureServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.requests.Add(1)
	p := r.URL.Path
	if w := r.URL.Query().Get("watch"); w == "true" || w == "1" {
		p += "?watch" // watch streams are registered under "<path>?watch"
	}
	if b, ok := fs.bodies[p]; ok {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
		return
	}
	if fs.set != nil {
		if b, ok := fs.set.aggregated[p]; ok && fs.aggregated && acceptsAggregated(r.Header.Get("Accept")) {
			w.Header().Set("Content-Type", aggregatedContentType)
			w.Header().Set("Vary", "Accept")
			_, _ = w.Write(b)
			return
		}
		if b, ok := fs.set.legacy[p]; ok {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(b)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}`)
}

// acceptsAggregated reports whether an Accept header asks for
// apidiscovery.k8s.io/v2 APIGroupDiscoveryList, as kube-apiserver reads it.
func acceptsAggregated(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		if strings.Contains(part, "g=apidiscovery.k8s.io") && strings.Contains(part, "v=v2") &&
			!strings.Contains(part, "v=v2beta1") && strings.Contains(part, "as=APIGroupDiscoveryList") {
			return true
		}
	}
	return false
}

// caPEM returns the fixture server's certificate in PEM form.
func (fs *fixtureServer) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fs.Certificate().Raw})
}
