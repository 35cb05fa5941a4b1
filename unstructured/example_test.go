package unstructured_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/unstructured"
)

func ExampleDecode() {
	obj, err := unstructured.Decode(strings.NewReader(`{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"a"}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	list := obj.(*k8su.UnstructuredList)
	fmt.Println(list.Items[0].GetKind(), list.Items[0].GetName())
	// Output: Pod a
}

func ExampleDecodeObject() {
	cm, err := unstructured.DecodeObject(strings.NewReader(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"spec":{"n":3,"f":1.5}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %T %T\n", cm.GetName(), cm.Object["spec"].(map[string]any)["n"], cm.Object["spec"].(map[string]any)["f"])
	// Output: cm int64 float64
}

func ExampleDecodeObjectBytes() {
	cm, duplicates, err := unstructured.DecodeObjectBytes([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"1","a":"2"}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cm.GetName(), cm.Object["data"], duplicates)
	// Output: cm map[a:2] true
}

func ExampleDecodeCBORObjectBytes() {
	doc, err := unstructured.MarshalCBOR(&k8su.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "cm"}, "data": map[string]any{"n": "3"},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cm, err := unstructured.DecodeCBORObjectBytes(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cm.GetName(), cm.Object["data"])
	// Output: cm map[n:3]
}

func ExampleDecodeList() {
	list, err := unstructured.DecodeList(strings.NewReader(`{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"7"},"items":[]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(list.GetResourceVersion(), len(list.Items))
	// Output: 7 0
}

func ExampleDecoder_DecodeListFunc() {
	d := unstructured.NewDecoder(strings.NewReader(`{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}`))
	list, err := d.DecodeListFunc(func(item *k8su.Unstructured) error {
		fmt.Println(item.GetKind(), item.GetName())
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(list.GetKind())
	// Output:
	// Pod a
	// Pod b
	// PodList
}

func ExampleDecoder_NextEvent() {
	d := unstructured.NewDecoder(strings.NewReader(`{"type":"ADDED","object":{"kind":"Pod"}}
{"type":"DELETED","object":{"kind":"Pod"}}`))
	for {
		typ, raw, err := d.NextEvent()
		if err == io.EOF {
			break
		} else if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(typ, string(raw))
	}
	// Output:
	// ADDED {"kind":"Pod"}
	// DELETED {"kind":"Pod"}
}

func ExampleDecoder_NextEventObject() {
	d := unstructured.NewDecoder(strings.NewReader(`{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}}`))
	typ, obj, err := d.NextEventObject()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(typ, obj.GetKind(), obj.GetName())
	// Output: MODIFIED ConfigMap cm
}

func ExampleMarshal() {
	obj := &k8su.Unstructured{Object: map[string]any{"kind": "ConfigMap", "apiVersion": "v1", "data": map[string]any{"a": "<b>"}}}
	b, err := unstructured.Marshal(obj)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))
	// Output: {"apiVersion":"v1","data":{"a":"\u003cb\u003e"},"kind":"ConfigMap"}
}

func ExampleEncode() {
	obj := &k8su.Unstructured{Object: map[string]any{"kind": "Namespace", "apiVersion": "v1", "metadata": map[string]any{"name": "x"}}}
	if err := unstructured.Encode(os.Stdout, obj); err != nil {
		fmt.Println(err)
	}
	// Output: {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}
}

func ExampleReadManifests() {
	const manifests = `# two objects and a list
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {replicas: "3"}
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Service, metadata: {name: b}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
   bad: indent
`
	objs, err := unstructured.ReadManifests(strings.NewReader(manifests))
	for _, o := range objs {
		fmt.Println(o.GetKind(), o.GetName())
	}
	fmt.Println(err)
	// Output:
	// ConfigMap a
	// Service b
	// unstructured: manifest document 3 (line 16): yaml: line 16: mapping values are not allowed in this context
}

func ExampleNewManifestReader() {
	mr := unstructured.NewManifestReader(strings.NewReader(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}
{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b"}}`))
	for {
		obj, err := mr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(obj.GetKind(), obj.GetName())
	}
	// Output:
	// ConfigMap a
	// Secret b
}

// deployment returns a small Deployment for the path examples.
func deployment() map[string]any {
	return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "annotations": map[string]any{"example.com/team.name": "blue"}},
		"spec": map[string]any{"replicas": int64(2), "template": map[string]any{"spec": map[string]any{"containers": []any{
			map[string]any{"name": "nginx", "image": "nginx:1.27"},
			map[string]any{"name": "envoy", "image": "envoy:1.30"},
		}}}}}
}

func ExampleParsePath() {
	p, err := unstructured.ParsePath(`spec.template.spec.containers[name=nginx].image`)
	if err != nil {
		fmt.Println(err)
		return
	}
	img, err := p.Get(deployment())
	fmt.Println(p.Len(), img, err)
	_, err = unstructured.ParsePath("spec..replicas")
	fmt.Println(err)
	// Output:
	// 6 nginx:1.27 <nil>
	// unstructured: invalid path "spec..replicas" at offset 5: empty field name after '.'
}

func ExamplePath_String() {
	p, _ := unstructured.ParsePath(`.metadata["annotations"]["example.com/a.b"]`)
	fmt.Println(p)
	// Output: metadata.annotations["example.com/a.b"]
}

func ExamplePath_Get() {
	p, _ := unstructured.ParsePath("spec.template.spec.containers[-1].name")
	v, err := p.Get(deployment())
	fmt.Println(v, err)
	// Output: envoy <nil>
}

func ExamplePath_Set() {
	obj := deployment()
	p, _ := unstructured.ParsePath("spec.template.spec.containers[name=envoy].image")
	fmt.Println(p.Set(obj, "envoy:1.31"))
	fmt.Println(unstructured.GetString(obj, "spec.template.spec.containers[1].image"))
	// Output:
	// <nil>
	// envoy:1.31 <nil>
}

func ExamplePath_Remove() {
	obj := deployment()
	p, _ := unstructured.ParsePath("spec.template.spec.containers[name=envoy]")
	fmt.Println(p.Remove(obj))
	fmt.Println(p.Remove(obj))
	// Output:
	// <nil>
	// unstructured: remove "spec.template.spec.containers[name=envoy]": at spec.template.spec.containers[name=envoy]: none of 1 elements has name=envoy: selector matched nothing
}

func ExampleGet() {
	v, err := unstructured.Get(deployment(), `metadata.annotations["example.com/team.name"]`)
	fmt.Println(v, err)
	_, err = unstructured.Get(deployment(), "spec.template.spec.containers[name=redis].image")
	fmt.Println(errors.Is(err, unstructured.ErrNoMatch), err)
	// Output:
	// blue <nil>
	// true unstructured: get "spec.template.spec.containers[name=redis].image": at spec.template.spec.containers[name=redis]: none of 2 elements has name=redis: selector matched nothing
}

func ExampleSet() {
	obj := deployment()
	err := unstructured.Set(obj, "spec.strategy.rollingUpdate.maxSurge", 1) // an int is stored as int64
	fmt.Println(err)
	fmt.Printf("%T\n", obj["spec"].(map[string]any)["strategy"].(map[string]any)["rollingUpdate"].(map[string]any)["maxSurge"])
	// Output:
	// <nil>
	// int64
}

func ExampleRemove() {
	obj := deployment()
	fmt.Println(unstructured.Remove(obj, `metadata.annotations["example.com/team.name"]`))
	err := unstructured.Remove(obj, "status")
	fmt.Println(errors.Is(err, unstructured.ErrNotFound))
	// Output:
	// <nil>
	// true
}

func ExampleGetString() {
	s, err := unstructured.GetString(deployment(), "spec.replicas")
	fmt.Printf("%q %v\n", s, err)
	// Output: "" unstructured: get "spec.replicas": at spec.replicas: found the number 2, not a string: wrong type
}

func ExampleGetInt64() {
	obj := map[string]any{"spec": map[string]any{"a": int64(3), "b": 3.0, "c": 3.5, "d": json.Number("4")}}
	for _, p := range []string{"spec.a", "spec.b", "spec.c", "spec.d"} {
		n, err := unstructured.GetInt64(obj, p)
		fmt.Println(n, err)
	}
	// Output:
	// 3 <nil>
	// 3 <nil>
	// 0 unstructured: get "spec.c": at spec.c: reading an int64: number not representable: 3.5 has a fraction, not an integer
	// 4 <nil>
}

func ExampleGetFloat64() {
	f, err := unstructured.GetFloat64(deployment(), "spec.replicas")
	fmt.Println(f, err)
	// Output: 2 <nil>
}

func ExampleGetBool() {
	_, err := unstructured.GetBool(deployment(), "spec.paused")
	fmt.Println(errors.Is(err, unstructured.ErrNotFound))
	// Output: true
}

func ExampleGetMap() {
	m, err := unstructured.GetMap(deployment(), "metadata.annotations")
	fmt.Println(m, err)
	// Output: map[example.com/team.name:blue] <nil>
}

func ExampleGetSlice() {
	l, err := unstructured.GetSlice(deployment(), "spec.template.spec.containers")
	fmt.Println(len(l), err)
	// Output: 2 <nil>
}

func ExampleToInt64() {
	for _, v := range []any{int64(1), 2.0, 1e300, "3"} {
		n, err := unstructured.ToInt64(v)
		fmt.Println(n, err)
	}
	// Output:
	// 1 <nil>
	// 2 <nil>
	// 0 number not representable: 1e+300 overflows int64
	// 0 wrong type: the string "3" is not a number
}

func ExampleToFloat64() {
	f, err := unstructured.ToFloat64(int64(7))
	fmt.Println(f, err)
	// Output: 7 <nil>
}

// Widget is a typed object for the conversion examples.
type Widget struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Size int32 `json:"size"`
	} `json:"spec"`
}

func widget() *k8su.Unstructured {
	return &k8su.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w", "namespace": "ns"}, "spec": map[string]any{"size": int64(3), "colour": "red"}}}
}

func ExampleToTyped() {
	w, err := unstructured.ToTyped[Widget](widget())
	fmt.Println(w.Name, w.Spec.Size, err)
	// Output: w 3 <nil>
}

func ExampleToTypedStrict() {
	_, err := unstructured.ToTypedStrict[Widget](widget())
	fmt.Println(err)
	// Output: unstructured: converting Widget (example.com/v1) "ns/w" to *unstructured_test.Widget: strict decoding error: unknown field "spec.colour"
}

func ExampleFromTyped() {
	w := &Widget{TypeMeta: metav1.TypeMeta{APIVersion: "example.com/v1", Kind: "Widget"}, ObjectMeta: metav1.ObjectMeta{Name: "w"}}
	w.Spec.Size = 5
	u, err := unstructured.FromTyped(w)
	if err != nil {
		fmt.Println(err)
		return
	}
	size, err := unstructured.GetInt64(u.Object, "spec.size")
	fmt.Println(u.GetKind(), u.GetName(), size, err)
	// Output: Widget w 5 <nil>
}

func ExampleDiff() {
	live := widget()
	live.SetResourceVersion("42")
	live.Object["status"] = map[string]any{"ready": true}
	desired := widget()
	_ = unstructured.Set(desired.Object, "spec.size", 4)
	d, err := unstructured.Diff(live, desired, unstructured.DiffOptions{IgnoreServerFields: true, IgnoreStatus: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(d, "\n") {
		if t := strings.Join(strings.Fields(line), " "); strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
			fmt.Println(t)
		}
	}
	// Output:
	// - "size": int64(3),
	// + "size": int64(4),
}

func ExampleServerFields() {
	fmt.Println(unstructured.ServerFields()[0])
	// Output: metadata.managedFields
}

func ExampleSanitize() {
	svc := &k8su.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "web", "namespace": "prod", "uid": "0b5e", "resourceVersion": "812", "creationTimestamp": "2026-11-23T09:00:00Z"},
		"spec": map[string]any{"type": "NodePort", "clusterIP": "10.0.0.12", "clusterIPs": []any{"10.0.0.12"},
			"ports": []any{map[string]any{"port": int64(80), "nodePort": int64(31337)}}},
		"status": map[string]any{"loadBalancer": map[string]any{}}}}
	clean, err := unstructured.Sanitize(svc, unstructured.SanitizeOptions{Namespace: "staging"})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := unstructured.Marshal(clean)
	fmt.Println(string(b))
	// Output: {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"staging"},"spec":{"ports":[{"port":80}],"type":"NodePort"}}
}

func ExampleSanitizedFields() {
	for _, f := range unstructured.SanitizedFields() {
		if f.Kind == "PersistentVolumeClaim" && strings.HasPrefix(f.Path, "spec.") {
			fmt.Printf("%s %s: %s\n", f.Kind, f.Path, f.Why)
		}
	}
	// Output: PersistentVolumeClaim spec.volumeName: binds to a volume of the source cluster; elsewhere the claim would wait for it or take it
}

func ExampleLean() {
	pod := &k8su.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "p", "managedFields": []any{map[string]any{"manager": "kubelet"}}},
		"status":   map[string]any{"phase": "Running"}}}
	lean := unstructured.Lean(pod) // pod is unchanged
	_, err := unstructured.Get(lean.Object, "metadata.managedFields")
	fmt.Println(lean.GetName(), errors.Is(err, unstructured.ErrNotFound), len(pod.GetManagedFields()))
	// Output: p true 1
}

func ExampleLeanInPlace() {
	d := unstructured.NewDecoder(strings.NewReader(`{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a","managedFields":[{"manager":"x"}]}}]}`))
	var cache []*k8su.Unstructured
	_, err := d.DecodeListFunc(func(item *k8su.Unstructured) error {
		unstructured.LeanInPlace(item) // nothing else holds item
		cache = append(cache, item)
		return nil
	})
	fmt.Println(len(cache), len(cache[0].GetManagedFields()), err)
	// Output: 1 0 <nil>
}

// A decoder of a fixed-shape document walks it with a Tokenizer, keeping
// the members it knows and skipping the others.
func ExampleTokenizer() {
	doc := []byte(`{"name":"pods","verbs":["get","list"],"namespaced":true,"storageVersionHash":"x"}`)
	t := unstructured.NewTokenizer(doc)
	var name string
	var verbs []string
	err := t.Object(func(key string) error {
		switch key {
		case "name":
			s, err := t.String()
			name = s
			return err
		case "verbs":
			_, err := t.Array(func(int) error {
				s, err := t.String()
				verbs = append(verbs, s)
				return err
			})
			return err
		}
		return t.Skip()
	})
	if err == nil {
		err = t.End()
	}
	fmt.Println(name, verbs, err)
	// Output: pods [get list] <nil>
}
