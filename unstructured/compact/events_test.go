package compact_test

import (
	"fmt"
	"io"
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
