package compact_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// FuzzCompact checks, for random and mutated real objects, that
// DecodeCompact fails exactly when DecodeObject does and otherwise hands
// out the decoded tree without managedFields, with them when kept, and
// restricted to a projection's paths; and that building from the tree
// gives the same.
func FuzzCompact(f *testing.F) {
	for _, data := range recordedObjects(f) {
		f.Add(data)
	}
	f.Add(serverPod(f, 3))
	f.Add(serverConfigMap(f, 3))
	f.Add(longStrings(f, 3))
	f.Add([]byte(`{"kind":"X","apiVersion":"` + strings.Repeat("g", 300) + `/v1","metadata":{"name":"` + strings.Repeat("n", 256) + `"},"a":"` + strings.Repeat("ab", 200) + `","b":"` + strings.Repeat(`\u00e9\"`, 80) + `"}`))
	f.Add([]byte(`{"kind":"X","metadata":{"managedFields":1,"name":"a"},"metadata":{"name":"b"},"spec":[1,1.5,-0,1e3,"\ud800",true,null]}`))
	f.Add([]byte(`{"kind":"X","spec":{"nodeName":{"a":1},"x":2},"status":"s"}`))
	plans := []compact.Options{
		{},
		{KeepManagedFields: true},
		{Project: []string{"spec.nodeName", "status.conditions"}},
		{Project: []string{"spec", "metadata.creationTimestamp"}, KeepManagedFields: true},
		{UncompressedStrings: true},
		{Project: []string{"spec.nodeName"}, UncompressedStrings: true},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, wantErr := kdu.DecodeObject(bytes.NewReader(data))
		for _, opts := range plans {
			b := compact.NewBuilder(compact.NewTable(), mustPlan(t, opts))
			// Twice with one Builder, so that strings enter its Table.
			for range 2 {
				obj, err := kdu.DecodeCompact(bytes.NewReader(data), b)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("input %q: DecodeObject error %v, DecodeCompact error %v", data, wantErr, err)
				}
				if err != nil {
					return
				}
				w := want(t, data, opts)
				if got := obj.Unstructured(); !reflect.DeepEqual(w, got) {
					t.Fatalf("input %q, %+v: (-want +got):\n%s", data, opts, cmp.Diff(w, got))
				}
				full, _ := kdu.DecodeObject(bytes.NewReader(data))
				obj2, err := b.FromUnstructured(full)
				if err != nil {
					t.Fatalf("FromUnstructured: %v", err)
				}
				if got := obj2.Unstructured(); !reflect.DeepEqual(w, got) {
					t.Fatalf("input %q, %+v, from the tree: (-want +got):\n%s", data, opts, cmp.Diff(w, got))
				}
			}
		}
	})
}
