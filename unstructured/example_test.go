package unstructured_test

import (
	"fmt"
	"io"
	"os"
	"strings"

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
