package memserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// fieldsServer starts a server with the widget CRD and one whose schema
// has the structural features structured-merge-diff treats specially.
func fieldsServer(tb testing.TB) *Server {
	tb.Helper()
	return New(tb, Options{CRDs: []*unstructured.Unstructured{widgetCRD(), gadgetCRD()}})
}

var (
	gadgetGVR = schema.GroupVersionResource{Group: "memtest.example.com", Version: "v1", Resource: "gadgets"}
	hpaGVR    = schema.GroupVersionResource{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"}
)

// gadgetCRD has map lists, set lists, atomic structs and maps, and
// preserved unknown fields.
func gadgetCRD() *unstructured.Unstructured {
	str := map[string]any{"type": "string"}
	return u(map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "gadgets.memtest.example.com"},
		"spec": map[string]any{
			"group": "memtest.example.com", "scope": "Namespaced",
			"names": map[string]any{"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"spec": map[string]any{"type": "object", "properties": map[string]any{
							"ports": map[string]any{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"name", "proto"},
								"items": map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{"name": str, "proto": map[string]any{"type": "string", "default": "TCP"}, "port": map[string]any{"type": "integer"}}}},
							"tags":   map[string]any{"type": "array", "x-kubernetes-list-type": "set", "items": str},
							"atomic": map[string]any{"type": "object", "x-kubernetes-map-type": "atomic", "properties": map[string]any{"a": str, "b": str}},
							"labels": map[string]any{"type": "object", "additionalProperties": str},
							"free":   map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
							"ratio":  map[string]any{"type": "number"},
							"on":     map[string]any{"type": "boolean"},
						}},
						"status": map[string]any{"type": "object", "properties": map[string]any{"phase": str}},
					},
				}},
			}},
		},
	})
}

// fieldsCall is a create call on gvr in namespace default.
func fieldsCall(s *Server, gvr schema.GroupVersionResource) *call {
	return &call{s: s, res: s.reg.lookup(gvr), ns: "default", q: url.Values{}}
}

// compareCreateFields runs the field manager and createFields on copies of
// obj and fails on any difference but the entry's time. It says whether
// the fast path took the object.
func compareCreateFields(t *testing.T, c *call, obj object, manager string) bool {
	t.Helper()
	fm, err := c.fieldManager()
	if err != nil {
		t.Fatal(err)
	}
	slow := fm.UpdateNoErrors(c.emptyObject(), toUnstructured(copyObject(obj)), manager).(*unstructured.Unstructured).Object
	cf := c.createFieldsFor()
	if cf == nil {
		return false
	}
	// The first track may answer from an earlier object of the same
	// shape, the second does when the shape is cacheable.
	var took []bool
	for range 2 {
		fast := copyObject(obj)
		entry, ok := cf.track(fast, manager)
		took = append(took, ok)
		if !ok {
			if diff := cmp.Diff(obj, fast); diff != "" {
				t.Fatalf("refused object was changed (-before +after):\n%s", diff)
			}
			continue
		}
		compareMetaValidation(t, c, fast, entry)
		compareTracked(t, slow, fast)
	}
	if took[0] != took[1] {
		t.Fatalf("fast path taken %v, then %v from the cache", took[0], took[1])
	}
	return took[0]
}

// compareTracked fails when the fast path's object differs from the field
// manager's but for the entry's time.
func compareTracked(t *testing.T, slow, fast object) {
	t.Helper()
	for _, o := range []object{slow, fast} {
		if mf, ok := metaOf(o)["managedFields"].([]any); ok && len(mf) == 1 {
			mf[0].(map[string]any)["time"] = "T"
		}
	}
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Fatalf("createFields differs from the field manager (-manager +fast):\n%s", diff)
	}
	sb, _ := encodeObject(slow)
	fb, _ := encodeObject(fast)
	if !bytes.Equal(sb, fb) {
		t.Fatalf("encodings differ:\nmanager %s\nfast    %s", sb, fb)
	}
}

// compareMetaValidation: validateMeta's shortcut for a fast-path entry
// gives the errors of the full validation.
func compareMetaValidation(t *testing.T, c *call, obj object, entry *metav1.ManagedFieldsEntry) {
	t.Helper()
	c.tracked = nil
	full := fmt.Sprint(c.validateMeta(obj))
	c.tracked = entry
	short := fmt.Sprint(c.validateMeta(obj))
	if full != short {
		t.Fatalf("metadata validation differs:\nfull     %s\nshortcut %s", full, short)
	}
}

// prepared decodes body as an object of c's resource, pruned and
// defaulted as a create is before the field manager.
func prepared(c *call, body string) (object, bool) {
	var obj object
	if err := json.Unmarshal([]byte(body), &obj); err != nil || obj == nil {
		return nil, false
	}
	obj = runtimeDeepCopy(jsonValue(obj).(object))
	obj["apiVersion"], obj["kind"] = c.res.gvr.GroupVersion().String(), c.res.kind
	setMeta(obj, "namespace", "default")
	if metaString(obj, "name") == "" {
		setMeta(obj, "name", "x")
	}
	if err := c.pruneUnknown(obj); err != nil {
		return nil, false
	}
	c.warnings = nil
	return obj, true
}

func TestCreateFieldsMatchFieldManager(t *testing.T) {
	s := fieldsServer(t)
	tests := []struct {
		name    string
		gvr     schema.GroupVersionResource
		manager string
		body    string
	}{
		{name: "configmap", gvr: cmGVR, manager: "kubectl", body: `{"metadata":{"name":"a","labels":{"i":"x"}},"data":{"k":"v"}}`},
		{name: "configmap without data", gvr: cmGVR, manager: "m", body: `{"metadata":{"name":"a"}}`},
		{name: "configmap empty maps", gvr: cmGVR, manager: "m", body: `{"metadata":{"name":"a","labels":{},"annotations":{"a":"b"}},"data":{},"binaryData":{"b":"AAEC"},"immutable":false}`},
		{name: "configmap finalizers and owners", gvr: cmGVR, manager: "m", body: `{"metadata":{"name":"a","finalizers":["a/b","c/d"],"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u1"}]},"data":{"x":"y"}}`},
		{name: "empty manager", gvr: cmGVR, manager: "", body: `{"metadata":{"name":"a"},"data":{"x":"y"}}`},
		{name: "long manager", gvr: cmGVR, manager: strings.Repeat("m", 129), body: `{"metadata":{"name":"a"},"data":{"x":"y"}}`},
		{name: "unprintable manager", gvr: cmGVR, manager: "a\x01b", body: `{"metadata":{"name":"Bad_Name","labels":{"-":"x"}},"data":{"x":"y"}}`},
		{name: "odd manager", gvr: cmGVR, manager: "a \"<b>&\u2028", body: `{"metadata":{"name":"a"},"data":{"x":"y"}}`},
		{name: "namespace", gvr: nsGVR, manager: "m", body: `{"metadata":{"name":"a","labels":{"x":"y"}},"spec":{"finalizers":["kubernetes"]}}`},
		{name: "deployment", gvr: deployGVR, manager: "m", body: `{"metadata":{"name":"d"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx:1","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}],"env":[{"name":"A","value":"1"}]},{"name":"d","image":"busybox","args":["a","a"]}]}}},"status":{"replicas":3}}`},
		{name: "pod", gvr: schema.GroupVersionResource{Version: "v1", Resource: "pods"}, manager: "m", body: `{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"1"}},"volumeMounts":[{"name":"v","mountPath":"/a"}]}],"volumes":[{"name":"v","emptyDir":{}}],"tolerations":[{"key":"k","operator":"Exists"}]}}`},
		{name: "service", gvr: schema.GroupVersionResource{Version: "v1", Resource: "services"}, manager: "m", body: `{"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"protocol":"TCP","name":"https"}],"selector":{"a":"b"}}}`},
		{name: "widget", gvr: widgetGVR, manager: "m", body: `{"metadata":{"name":"w"},"spec":{"replicas":3,"tags":["a","b","a"]},"status":{"phase":"x"}}`},
		{name: "widget defaults only", gvr: widgetGVR, manager: "m", body: `{"metadata":{"name":"w"},"spec":{}}`},
		{name: "gadget", gvr: gadgetGVR, manager: "m", body: `{"metadata":{"name":"g","annotations":{"a":"b"}},"spec":{"ports":[{"name":"a","port":1},{"name":"b","proto":"UDP"}],"tags":["x","y"],"atomic":{"a":"1"},"labels":{"k":"v"},"free":{"x":{"y":[1,{"z":null}]}},"ratio":0.5,"on":true}}`},
		// Pairs of one shape whose values at the empty object's paths
		// differ: the second must not be answered from the first.
		{name: "hpa zeros", gvr: hpaGVR, manager: "m", body: `{"metadata":{"name":"h"},"spec":{"maxReplicas":0,"scaleTargetRef":{"kind":"","name":""}},"status":{"desiredReplicas":0}}`},
		{name: "hpa values", gvr: hpaGVR, manager: "m", body: `{"metadata":{"name":"h"},"spec":{"maxReplicas":3,"scaleTargetRef":{"kind":"Deployment","name":"d"}},"status":{"desiredReplicas":1}}`},
		{name: "hpa float zero", gvr: hpaGVR, manager: "m", body: `{"metadata":{"name":"h"},"spec":{"maxReplicas":0.0}}`},
		{name: "deployment null containers", gvr: deployGVR, manager: "m", body: `{"metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":null}}}}`},
		{name: "deployment empty containers", gvr: deployGVR, manager: "m", body: `{"metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[]}}}}`},
		{name: "gadget set a", gvr: gadgetGVR, manager: "m", body: `{"metadata":{"name":"g"},"spec":{"tags":["a"],"ports":[{"name":"a","port":1}]}}`},
		{name: "gadget set b", gvr: gadgetGVR, manager: "m", body: `{"metadata":{"name":"g"},"spec":{"tags":["b"],"ports":[{"name":"b","port":2}]}}`},
		{name: "gadget kinds", gvr: gadgetGVR, manager: "m", body: `{"metadata":{"name":"g"},"spec":{"ratio":1,"on":false}}`},
		{name: "gadget wrong kinds", gvr: gadgetGVR, manager: "m", body: `{"metadata":{"name":"g"},"spec":{"ratio":"1","on":"false"}}`},
		{name: "gadget duplicate set items", gvr: gadgetGVR, manager: "m", body: `{"metadata":{"name":"g"},"spec":{"tags":["x","x"],"ports":[{"name":"a"},{"name":"a"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fieldsCall(s, tt.gvr)
			obj, ok := prepared(c, tt.body)
			if !ok {
				t.Fatalf("body does not decode: %s", tt.body)
			}
			if !compareCreateFields(t, c, obj, tt.manager) {
				t.Log("field manager only")
			}
		})
	}
}

// TestCreateFieldsTakesTypicalCreates: the fast path is not refusing what
// it is for (a refusal would pass the differential test trivially).
func TestCreateFieldsTakesTypicalCreates(t *testing.T) {
	s := fieldsServer(t)
	tests := []struct {
		name string
		gvr  schema.GroupVersionResource
		body string
		want bool
	}{
		{name: "configmap", gvr: cmGVR, body: `{"metadata":{"name":"a","labels":{"i":"x"}},"data":{"k":"v"}}`, want: true},
		{name: "deployment", gvr: deployGVR, body: `{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}`, want: true},
		{name: "gadget", gvr: gadgetGVR, body: `{"metadata":{"name":"g"},"spec":{"ports":[{"name":"a"}]}}`, want: true},
		{name: "body with managedFields", gvr: cmGVR, body: `{"metadata":{"name":"a","managedFields":[]},"data":{"k":"v"}}`, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fieldsCall(s, tt.gvr)
			obj, ok := prepared(c, tt.body)
			if !ok {
				t.Fatalf("body does not decode: %s", tt.body)
			}
			if got := compareCreateFields(t, c, obj, "m"); got != tt.want {
				t.Errorf("fast path taken = %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzCreateFields compares createFields with the field manager on random
// objects of five resources, pruned and defaulted as a create is.
func FuzzCreateFields(f *testing.F) {
	s := fieldsServer(f)
	gvrs := []schema.GroupVersionResource{cmGVR, deployGVR, widgetGVR, gadgetGVR, {Version: "v1", Resource: "services"}}
	f.Add(uint8(0), "kubectl", `{"metadata":{"name":"a","labels":{"i":"x"}},"data":{"k":"v"}}`)
	f.Add(uint8(1), "m", `{"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":80},{"containerPort":80,"protocol":"UDP"}]}]}}}}`)
	f.Add(uint8(2), "m", `{"spec":{"color":"blue","tags":["a"]},"status":{"replicas":1}}`)
	f.Add(uint8(3), "", `{"spec":{"ports":[{"name":"a","port":1},{"name":"a","proto":"UDP"}],"tags":["x"],"free":{"a":[null]},"atomic":{}}}`)
	f.Add(uint8(4), "m", `{"spec":{"ports":[{"port":80},{"port":80}],"type":"NodePort"}}`)
	f.Add(uint8(0), "m", `{"metadata":{"name":"a","managedFields":[{"manager":"x"}]}}`)
	f.Add(uint8(3), "\xff", `{"spec":{"on":"yes"}}`)
	f.Fuzz(func(t *testing.T, which uint8, manager, body string) {
		c := fieldsCall(s, gvrs[int(which)%len(gvrs)])
		obj, ok := prepared(c, body)
		if !ok {
			return
		}
		compareCreateFields(t, c, obj, manager)
	})
}

// FuzzFieldsOf compares fieldsOf with decoding the set's own JSON, on
// sets read from random FieldsV1 documents.
func FuzzFieldsOf(f *testing.F) {
	f.Add(`{"f:data":{".":{},"f:k":{}},"f:metadata":{"f:labels":{".":{},"f:i":{}}}}`)
	f.Add(`{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}},"f:tags":{"v:\"a\"":{}},"f:list":{"i:0":{}}}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		set := &fieldpath.Set{}
		if err := set.FromJSON(strings.NewReader(doc)); err != nil {
			return
		}
		raw, err := set.ToJSON()
		if err != nil {
			return
		}
		var want map[string]any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("set JSON does not decode: %v", err)
		}
		got, err := fieldsOf(set)
		if err != nil {
			if utf8.Valid(raw) {
				t.Fatalf("fieldsOf: %v (ToJSON worked)", err)
			}
			return // refused: decoding would replace invalid UTF-8
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("fieldsOf differs from the set's JSON (-json +fieldsOf):\n%s", diff)
		}
	})
}

// TestShapeOf: objects share a shape only when they differ in nothing the
// tracked fields can depend on.
func TestShapeOf(t *testing.T) {
	empty := object{"apiVersion": "v1", "metadata": object{}, "spec": object{"max": int64(0)}}
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{name: "values outside the empty object", a: `{"metadata":{"name":"a","labels":{"x":"1"}},"data":{"k":"v"}}`, b: `{"metadata":{"name":"b","labels":{"x":"2"}},"data":{"k":"w"}}`, same: true},
		{name: "booleans and numbers", a: `{"spec":{"on":true,"n":1}}`, b: `{"spec":{"on":false,"n":2}}`, same: true},
		{name: "another key", a: `{"data":{"k":"v"}}`, b: `{"data":{"l":"v"}}`},
		{name: "another kind", a: `{"data":{"k":"v"}}`, b: `{"data":{"k":1}}`},
		{name: "int and float", a: `{"data":{"k":1}}`, b: `{"data":{"k":1.5}}`},
		{name: "null and string", a: `{"data":{"k":null}}`, b: `{"data":{"k":""}}`},
		{name: "map and scalar", a: `{"data":{"k":{}}}`, b: `{"data":{"k":"{}"}}`},
		{name: "a value of the empty object", a: `{"spec":{"max":0}}`, b: `{"spec":{"max":1}}`},
		{name: "apiVersion", a: `{"apiVersion":"v1"}`, b: `{"apiVersion":"v2"}`},
		{name: "list items", a: `{"spec":{"l":["a"]}}`, b: `{"spec":{"l":["b"]}}`},
		{name: "list item kinds", a: `{"spec":{"l":[1]}}`, b: `{"spec":{"l":["1"]}}`},
		{name: "list maps", a: `{"spec":{"l":[{"name":"a","n":1}]}}`, b: `{"spec":{"l":[{"name":"a","n":2}]}}`},
		{name: "numbers then keys", a: `{"spec":{"l":[12],"x":1}}`, b: `{"spec":{"l":[1],"2x":1}}`},
		{name: "key lengths", a: `{"data":{"ab":"","c":""}}`, b: `{"data":{"a":"","bc":""}}`},
		{name: "same list", a: `{"spec":{"l":["a",{"b":null}]}}`, b: `{"spec":{"l":["a",{"b":null}]}}`, same: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a, b object
			if err := json.Unmarshal([]byte(tt.a), &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.b), &b); err != nil {
				t.Fatal(err)
			}
			sa, oka := shapeOf(nil, jsonValue(a).(object), empty)
			sb, okb := shapeOf(nil, jsonValue(b).(object), empty)
			if !oka || !okb {
				t.Fatalf("not cacheable: %v %v", oka, okb)
			}
			if got := bytes.Equal(sa, sb); got != tt.same {
				t.Errorf("same shape = %v, want %v:\n%s\n%s", got, tt.same, sa, sb)
			}
		})
	}
}
