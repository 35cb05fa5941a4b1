package compact_test

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// TestNextEventCompact reads a watch stream with a projection: ADDED,
// MODIFIED and DELETED objects are compact (also when "type" comes after
// "object"), a BOOKMARK and an ERROR's Status are whole trees (the
// projection would strip the Status of its code).
func TestNextEventCompact(t *testing.T) {
	stream := `{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"1"},"data":{"k":"v"}}}
{"object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"ns","resourceVersion":"2"},"data":{"k":"w"}},"type":"MODIFIED"}
{"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"3","annotations":{"k8s.io/initial-events-end":"true"}}}}
{"type":"ERROR","object":{"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure","reason":"Expired","code":410}}
{"object":{"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure","reason":"Gone","code":410},"type":"ERROR"}
{"type":"DELETED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"4"},"data":{"k":"v"}}}
`
	b := compact.NewBuilder(compact.NewTable(), mustPlan(t, compact.Options{Project: []string{"spec.x"}}))
	d := kdu.NewDecoder(strings.NewReader(stream))
	var got []string
	for {
		typ, obj, tree, err := d.NextEventCompact(b)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case obj != nil && tree == nil:
			_, hasData := obj.Unstructured().Object["data"]
			got = append(got, typ+" compact "+obj.GetName()+"@"+obj.GetResourceVersion()+" data="+map[bool]string{true: "kept", false: "dropped"}[hasData])
		case tree != nil && obj == nil:
			got = append(got, fmt.Sprintf("%s tree %s@%s code=%v", typ, tree.GetKind(), tree.GetResourceVersion(), tree.Object["code"]))
		default:
			t.Fatalf("%s event: obj %v, tree %v: want exactly one", typ, obj, tree)
		}
	}
	want := []string{
		"ADDED compact a@1 data=dropped",
		"MODIFIED compact b@2 data=dropped",
		"BOOKMARK tree ConfigMap@3 code=<nil>",
		"ERROR tree Status@ code=410",
		"ERROR tree Status@ code=410",
		"DELETED compact a@4 data=dropped",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}

// FuzzNextEventCompact checks, for random streams, that NextEventCompact
// reads the events NextEventObject reads: the same types, failing on the
// same event, and for each object the same tree (managedFields kept), a
// compact one for ADDED, MODIFIED and DELETED and a whole one otherwise.
func FuzzNextEventCompact(f *testing.F) {
	f.Add([]byte(`{"type":"ADDED","object":{"apiVersion":"v1","kind":"X","metadata":{"name":"a","managedFields":[{}]},"a":[1,{"b":"\u00e9"}]}}
{"object":{"apiVersion":"v1","kind":"Status","code":410},"type":"ERROR"} {"type":"BOOKMARK","object":{"kind":"X","apiVersion":"v1"}}`))
	f.Add([]byte(`{"object":{"kind":"X","apiVersion":"v1","items":[]},"type":"DELETED"} {"type":"MODIFIED","object":{"kind":"","apiVersion":"v1"}}`))
	f.Add([]byte(`{"type":"ADDED","object":{"apiVersion":"v1","kind":"X","metadata":{"name":"a"},"data":{"conf":"` + strings.Repeat(`key=value\n`, 40) + `"}}}`))
	// Members named twice: the last type and the last object win.
	f.Add([]byte(`{"type":"ERROR","object":{"apiVersion":"v1","kind":"Status","code":410},"type":"ADDED","object":{"apiVersion":"v1","kind":"X","metadata":{"name":"b"}}}`))
	f.Add([]byte(`{"type":"ADDED","object":{"apiVersion":"v1","kind":"X"},"type":"BOOKMARK"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		trees := kdu.NewDecoder(bytes.NewReader(data))
		compacts := kdu.NewDecoder(bytes.NewReader(data))
		b := compact.NewBuilder(compact.NewTable(), mustPlan(t, compact.Options{KeepManagedFields: true}))
		for i := range 8 {
			typ, want, err := trees.NextEventObject()
			typ2, obj, tree, err2 := compacts.NextEventCompact(b)
			if (err != nil) != (err2 != nil) {
				t.Fatalf("event %d of %q: NextEventObject error %v, NextEventCompact error %v", i, data, err, err2)
			}
			if err != nil {
				return
			}
			objectEvent := typ == "ADDED" || typ == "MODIFIED" || typ == "DELETED"
			got := tree
			if obj != nil {
				got = obj.Unstructured()
			}
			if typ != typ2 || (obj != nil) != objectEvent || (tree != nil) == objectEvent || !reflect.DeepEqual(want, got) {
				t.Fatalf("event %d of %q: NextEventObject %s %v, NextEventCompact %s compact %v tree %v", i, data, typ, want, typ2, obj != nil, tree)
			}
		}
	})
}
