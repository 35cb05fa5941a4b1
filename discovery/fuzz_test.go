package discovery

import (
	"encoding/json"
	"os"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FuzzDecoders feeds random bytes to the aggregated and legacy decoders,
// the conversion and the snapshot: they may fail but never panic, a decoded
// aggregated list always converts to lists naming their group-version, and
// a snapshot finds each of its resources.
func FuzzDecoders(f *testing.F) {
	if b, err := os.ReadFile("testdata/recorded.json"); err == nil {
		var rec recording
		if json.Unmarshal(b, &rec) == nil {
			// Small recorded documents only, so 20000 executions stay quick:
			// aggregated /api, and legacy /version, /api and a group.
			f.Add([]byte(rec.Aggregated[0].Body))
			for _, d := range rec.Legacy {
				if len(d.Body) < 4096 {
					f.Add([]byte(d.Body))
				}
			}
		}
	}
	f.Add([]byte(`{"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":"g"},"versions":[{"version":"v1","freshness":"Stale"},{"version":"v2","resources":[{"resource":"r","scope":"Cluster","subresources":[{"subresource":"s"}]}]}]}]}`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if l, err := decodeAggregated(body); err == nil {
			var r result
			fromAggregated(l, &r)
			for _, list := range r.lists {
				if list.GroupVersion == "" {
					t.Fatalf("list without a group-version from %q", body)
				}
			}
			Normalize(r.groups, r.lists)
			preferred(&r, true)
			checkSnapshot(t, r.snapshot(), body)
		}
		var rl metav1.APIResourceList
		if decodeLegacy(body, "APIResourceList", &rl) == nil {
			checkSnapshot(t, buildSnapshot(nil, []*metav1.APIResourceList{&rl}), body)
		}
		var gl metav1.APIGroupList
		_ = decodeLegacy(body, "APIGroupList", &gl)
		_, _ = parseOpenAPIIndex(body, "fuzz")
		_, _ = isAggregated(string(body))
	})
}

// checkSnapshot fails unless every resource of s is found by its own
// group-version-resource in a group-version s covers.
func checkSnapshot(t *testing.T, s *Snapshot, body []byte) {
	for _, c := range s.Resources() {
		got, ok := s.Resource(c.GroupVersionResource())
		if !ok || !s.Covers(c.GroupVersionResource().GroupVersion()) || got.Plural != c.Plural {
			t.Fatalf("snapshot of %q: %v not found by its own name", body, c.GroupVersionResource())
		}
	}
}
