package desired

import (
	"testing"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// FuzzPatchesConverge reads any object and checks the property the
// controller's loop freedom rests on: once the server has merged the
// patches MetadataPatch and StatusPatch return, computing them again asks
// for no write. Inputs a server would refuse (labels or annotations that
// are not string maps, conditions that are not a list of objects) are
// skipped or must be reported as errors.
func FuzzPatchesConverge(f *testing.F) {
	for _, seed := range []string{
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"1"}}`,
		`{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":3,"resourceVersion":"9","labels":{"kubedyn.io/reconciled":"no"},"annotations":{"kubedyn.io/observed-generation":"2"}},"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Reconciled","status":"False","observedGeneration":1,"lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`,
		`{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":1},"status":{"conditions":[{"type":"Reconciled"},{"type":"Reconciled","status":"True"}]}}`,
		`{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a"},"status":{"conditions":"x"}}`,
		`{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a"},"status":{"conditions":[{"type":"Reconciled","observedGeneration":1.5}]}}`,
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	now := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte, noGen bool) {
		obj := &unstructured.Unstructured{}
		if obj.UnmarshalJSON(data) != nil {
			return
		}
		for _, field := range []string{"labels", "annotations"} {
			if _, _, err := unstructured.NestedStringMap(obj.Object, "metadata", field); err != nil {
				return
			}
		}
		s := spec
		s.NoObservedGeneration = noGen
		next := converge(t, data, func(o *unstructured.Unstructured) ([]byte, bool, error) { return MetadataPatch(o, s) })
		if next == nil {
			return
		}
		if converge(t, next, func(o *unstructured.Unstructured) ([]byte, bool, error) { return StatusPatch(o, s, now) }) == nil {
			return
		}
	})
}

// converge computes a patch of doc with compute, merges it as the server
// would, and checks that compute then asks for nothing. It returns the
// merged document, or nil when compute reported an error.
func converge(t *testing.T, doc []byte, compute func(*unstructured.Unstructured) ([]byte, bool, error)) []byte {
	t.Helper()
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(doc); err != nil {
		t.Fatalf("decode %s: %v", doc, err)
	}
	p, write, err := compute(obj)
	if err != nil {
		return nil
	}
	if !write {
		return doc
	}
	merged, err := jsonpatch.MergePatch(doc, p)
	if err != nil {
		t.Fatalf("merge %s into %s: %v", p, doc, err)
	}
	again := &unstructured.Unstructured{}
	if err := again.UnmarshalJSON(merged); err != nil {
		t.Fatalf("decode merged %s: %v", merged, err)
	}
	if p2, write, err := compute(again); err != nil || write {
		t.Fatalf("after merging %s into %s, still asks for %s (err %v)", p, doc, p2, err)
	}
	return merged
}
