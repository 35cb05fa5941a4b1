package patch_test

import (
	"fmt"
	"log"
	"os"

	"github.com/kubedyn/kubedyn/patch"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// widgetDoc is a minimal OpenAPI v3 document for a custom resource, as the
// server publishes at /openapi/v3/apis/GROUP/VERSION.
const widgetDoc = `{"openapi":"3.0.0","components":{"schemas":{"Widget":{
 "x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Widget"}],
 "type":"object","properties":{"spec":{"type":"object","properties":{
  "routes":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["host","port"],
   "items":{"type":"object","properties":{"host":{"type":"string"},"port":{"type":"integer"},"weight":{"type":"integer"}}}},
  "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}}}}}}`

var widgetGVK = schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}

func ExampleParse() {
	p, err := patch.Parse(types.JSONPatchType, []byte(`[{"op":"remove","path":"/spec/replicas"}]`))
	fmt.Println(p.ContentType(), err)
	_, err = patch.Parse(types.JSONPatchType, []byte(`[{"op":"add","path":"/spec/replicas"}]`))
	fmt.Println(err)
	// Output:
	// application/json-patch+json <nil>
	// patch: parse application/json-patch+json: operation 0: add "/spec/replicas" has no "value"
}

func ExampleJSONPatch() {
	p, err := patch.JSONPatch(
		patch.Operation{Op: "test", Path: patch.Pointer("metadata", "resourceVersion"), Value: "42"},
		patch.Operation{Op: "add", Path: patch.Pointer("metadata", "labels", "app.kubernetes.io/name"), Value: "web"},
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(p.Data))
	// Output:
	// [{"op":"test","path":"/metadata/resourceVersion","value":"42"},{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}]
}

func ExamplePatch_Operations() {
	p, _ := patch.CreateJSONPatch([]byte(`{"a":[1,2]}`), []byte(`{"a":[1,3,2]}`), patch.CreateOptions{})
	ops, err := p.Operations()
	fmt.Printf("%+v %v\n", ops, err)
	// Output:
	// [{Op:add Path:/a/1 From: Value:3}] <nil>
}

func ExampleApply() {
	doc := []byte(`{"metadata":{"name":"a","labels":{"x":"1"}}}`)
	out, err := patch.Apply(doc, patch.Patch{Type: types.MergePatchType, Data: []byte(`{"metadata":{"labels":{"x":null,"y":"2"}}}`)}, nil)
	fmt.Println(string(out), err)
	// Output:
	// {"metadata":{"name":"a","labels":{"y":"2"}}} <nil>
}

// Strategic merge on a custom resource, which the server itself refuses
// (415): map-list items are named by all their keys, sets get a union.
func ExampleApply_customResource() {
	s, err := patch.NewSchema([]byte(widgetDoc))
	if err != nil {
		log.Fatal(err)
	}
	typ, err := s.Type(widgetGVK)
	if err != nil {
		log.Fatal(err)
	}
	doc := []byte(`{"spec":{"routes":[{"host":"a","port":80},{"host":"a","port":443}],"tags":["red"]}}`)
	p := patch.Patch{Type: types.StrategicMergePatchType,
		Data: []byte(`{"spec":{"routes":[{"host":"a","port":443,"weight":5}],"tags":["blue"]}}`)}
	out, err := patch.Apply(doc, p, typ)
	fmt.Println(string(out), err)
	// Output:
	// {"spec":{"routes":[{"host":"a","port":80},{"host":"a","port":443,"weight":5}],"tags":["red","blue"]}} <nil>
}

func ExampleCreateMergePatch() {
	p, err := patch.CreateMergePatch(
		[]byte(`{"metadata":{"name":"a","resourceVersion":"7"},"data":{"k":"1","old":"x"}}`),
		[]byte(`{"metadata":{"name":"a","resourceVersion":"7"},"data":{"k":"2"}}`),
		patch.CreateOptions{TestResourceVersion: true})
	fmt.Println(p, err)
	// Output:
	// application/merge-patch+json {"data":{"k":"2","old":null},"metadata":{"resourceVersion":"7"}} <nil>
}

func ExampleCreateJSONPatch() {
	p, err := patch.CreateJSONPatch(
		[]byte(`{"metadata":{"uid":"u-1"},"spec":{"replicas":1}}`),
		[]byte(`{"metadata":{"uid":"u-1"},"spec":{"replicas":3}}`),
		patch.CreateOptions{TestUID: true})
	fmt.Println(p, err)
	// Output:
	// application/json-patch+json [{"op":"test","path":"/metadata/uid","value":"u-1"},{"op":"replace","path":"/spec/replicas","value":3}] <nil>
}

func ExampleCreateStrategicMergePatch() {
	apps, err := os.ReadFile("testdata/openapi-apis-apps-v1.json")
	if err != nil {
		log.Fatal(err)
	}
	s, err := patch.NewSchema(apps)
	if err != nil {
		log.Fatal(err)
	}
	typ, err := s.Type(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"})
	if err != nil {
		log.Fatal(err)
	}
	p, err := patch.CreateStrategicMergePatch(
		[]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:1"},{"name":"log","image":"l:1"}]}}}}`),
		[]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:2"},{"name":"log","image":"l:1"}]}}}}`),
		typ, patch.CreateOptions{})
	fmt.Println(p, err)
	// Output:
	// application/strategic-merge-patch+json {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"log"}],"containers":[{"image":"a:2","name":"app"}]}}}} <nil>
}

func ExampleCreateThreeWayPatch() {
	s, _ := patch.NewSchema([]byte(widgetDoc))
	typ, _ := s.Type(widgetGVK)
	lastApplied := []byte(`{"spec":{"tags":["a"],"replicas":1}}`)
	desired := []byte(`{"spec":{"tags":["b"]}}`)
	live := []byte(`{"spec":{"tags":["a"],"replicas":1,"owner":"someone else"}}`)
	p, err := patch.CreateThreeWayPatch(lastApplied, desired, live, typ, patch.CreateOptions{})
	fmt.Println(p, err)
	// Output:
	// application/merge-patch+json {"spec":{"replicas":null,"tags":["b"]}} <nil>
}

func ExampleClientSideApply() {
	s, _ := patch.NewSchema([]byte(widgetDoc))
	typ, _ := s.Type(widgetGVK)
	live, _ := patch.WithLastApplied([]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {tags: [a]}\n"))
	p, err := patch.ClientSideApply([]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {tags: [b]}\n"), live, typ, patch.CreateOptions{})
	fmt.Println(p, err)
	// Output:
	// application/merge-patch+json {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"annotations\":{},\"name\":\"w\"},\"spec\":{\"tags\":[\"b\"]}}\n"}},"spec":{"tags":["b"]}} <nil>
}

func ExampleWithLastApplied() {
	obj, err := patch.WithLastApplied([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n"))
	fmt.Println(string(obj), err)
	// Output:
	// {"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"k\":\"v\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"c\"}}\n"},"name":"c"}} <nil>
}

func ExampleLastApplied() {
	obj := []byte(`{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"ConfigMap\"}\n"}}}`)
	last, err := patch.LastApplied(obj)
	fmt.Printf("%q %v\n", last, err)
	// Output:
	// "{\"kind\":\"ConfigMap\"}\n" <nil>
}

func ExampleNewSchema() {
	s, err := patch.NewSchema([]byte(widgetDoc))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Kinds())
	// Output:
	// [example.com/v1, Kind=Widget]
}

func ExampleSchema_Type() {
	s, _ := patch.NewSchema([]byte(widgetDoc))
	typ, err := s.Type(widgetGVK)
	fmt.Println(typ.Name(), typ.NativeStrategic(), err)
	_, err = s.Type(schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Gadget"})
	fmt.Println(err)
	// Output:
	// Widget false <nil>
	// patch: no schema for Gadget in example.com/v1 (known kinds: Widget)
}
