package patch

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
)

// randomValue returns a random JSON value of at most depth levels, from a
// small alphabet of keys and scalars so that pairs of values overlap.
func randomValue(r *rand.Rand, depth int) any {
	n := 6
	if depth <= 0 {
		n = 4
	}
	switch r.IntN(n) {
	case 0:
		return nil
	case 1:
		return r.IntN(3) == 0
	case 2:
		return float64(r.IntN(5))
	case 3:
		return []string{"a", "b", "", "x/y", "t~0"}[r.IntN(5)]
	case 4:
		l := make([]any, r.IntN(4))
		for i := range l {
			l[i] = randomValue(r, depth-1)
		}
		return l
	default:
		return randomObject(r, depth-1)
	}
}

func randomObject(r *rand.Rand, depth int) map[string]any {
	m := map[string]any{}
	for range r.IntN(5) {
		m[[]string{"a", "b", "c", "d/e", "f~g"}[r.IntN(5)]] = randomValue(r, depth)
	}
	return m
}

// dropNulls removes null members of objects, recursively: what a merge
// patch can express (it has no way to set a member to null).
func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if e != nil {
				out[k] = dropNulls(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = dropNulls(e)
		}
		return out
	}
	return v
}

// checkRoundTrip checks that the merge patch and the JSON patch computed
// from a to b turn a into b. Both are JSON objects.
func checkRoundTrip(t *testing.T, a, b []byte) {
	t.Helper()
	var want any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	mp, err := CreateMergePatch(a, b, CreateOptions{})
	if err != nil {
		t.Fatalf("CreateMergePatch(%s, %s): %v", a, b, err)
	}
	got, err := Apply(a, mp, nil)
	if err != nil {
		t.Fatalf("Apply(%s, %s): %v", a, mp, err)
	}
	var gotV any
	if err := json.Unmarshal(got, &gotV); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dropNulls(want), dropNulls(gotV)); diff != "" {
		t.Errorf("merge patch %s from %s to %s gives %s (-want +got):\n%s", mp.Data, a, b, got, diff)
	}
	jp, err := CreateJSONPatch(a, b, CreateOptions{})
	if err != nil {
		t.Fatalf("CreateJSONPatch(%s, %s): %v", a, b, err)
	}
	got, err = Apply(a, jp, nil)
	if err != nil {
		t.Fatalf("Apply(%s, %s): %v", a, jp, err)
	}
	if err := json.Unmarshal(got, &gotV); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, gotV); diff != "" {
		t.Errorf("JSON patch %s from %s to %s gives %s (-want +got):\n%s", jp.Data, a, b, got, diff)
	}
}

func TestCreatedPatchesRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		a, b := mustMarshal(t, randomObject(r, 3)), mustMarshal(t, randomObject(r, 3))
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkRoundTrip(t, a, b) })
	}
}

func FuzzCreatedPatchesRoundTrip(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		f.Add(mustMarshal(f, randomObject(r, 3)), mustMarshal(f, randomObject(r, 3)))
	}
	f.Add([]byte(`{"a":[1,2,3]}`), []byte(`{"a":[3,2,1,0]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		for _, d := range [][]byte{a, b} {
			if _, err := decodeObject("input", d); err != nil {
				return // only pairs of JSON objects
			}
			if strings.Contains(string(d), `""`) {
				return // an empty member name: a documented limit of json-patch/v5 pointers
			}
		}
		checkRoundTrip(t, a, b)
	})
}

// FuzzParse checks that Parse never panics and that a JSON patch it accepts
// survives Operations and JSONPatch.
func FuzzParse(f *testing.F) {
	kinds := []types.PatchType{types.JSONPatchType, types.MergePatchType, types.StrategicMergePatchType, types.ApplyPatchType}
	for _, s := range []string{
		`[{"op":"add","path":"/a","value":1}]`, `[{"op":"move","from":"/a","path":"/b"}]`, `{"a":null}`,
		`{"$patch":"replace","l":[{"$patch":"delete","name":"x"}],"$setElementOrder/l":[{"name":"y"}]}`,
		"apiVersion: v1\nkind: ConfigMap\n", `{"$retainKeys":["a"],"$deleteFromPrimitiveList/f":[1]}`,
	} {
		for i := range kinds {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		pt := kinds[int(kind)%len(kinds)]
		p, err := Parse(pt, data)
		if err != nil || pt != types.JSONPatchType {
			return
		}
		ops, err := p.Operations()
		if err != nil {
			t.Fatalf("Parse accepted %s but Operations fails: %v", data, err)
		}
		if _, err := JSONPatch(ops...); err != nil {
			t.Fatalf("Parse accepted %s but JSONPatch(%v) fails: %v", data, ops, err)
		}
	})
}

// FuzzNewSchema checks that reading any document never panics, and that
// every kind of a document it accepts can be walked.
func FuzzNewSchema(f *testing.F) {
	f.Add([]byte(`{"openapi":"3.0.0","components":{"schemas":{"K":{"x-kubernetes-group-version-kind":[{"group":"g","version":"v","kind":"K"}],"properties":{"l":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a","b"],"items":{"$ref":"#/components/schemas/K"}}}}}},"paths":{"/apis/g/v/ks/{name}":{"patch":{"x-kubernetes-group-version-kind":{"group":"g","version":"v","kind":"K"},"requestBody":{"content":{"application/strategic-merge-patch+json":{}}}}}}}`))
	f.Add([]byte(`{"openapi":"3.0.0","components":{"schemas":{"A":{"allOf":[{"$ref":"#/components/schemas/A"}],"additionalProperties":{"$ref":"#/components/schemas/A"},"x-kubernetes-group-version-kind":[{"kind":"A","version":"v1"}]}}}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := NewSchema(doc)
		if err != nil {
			return
		}
		for _, gvk := range s.Kinds() {
			typ, err := s.Type(gvk)
			if err != nil {
				t.Fatalf("Kinds lists %s but Type fails: %v", gvk, err)
			}
			for range 3 {
				var meta fieldMeta
				typ, meta = typ.field("l")
				meta.listKind()
				typ = typ.items()
			}
		}
	})
}

// FuzzApplyStrategicCustom checks that the custom-resource strategic merge
// never panics, whatever the patch, and that its result is a JSON object.
func FuzzApplyStrategicCustom(f *testing.F) {
	f.Add([]byte(`{"spec":{"ports":[{"name":"a","port":1}],"tags":["x"]}}`), []byte(`{"spec":{"ports":[{"name":"a","$patch":"delete"}],"$deleteFromPrimitiveList/tags":["x"]}}`))
	f.Add([]byte(`{"spec":{"routes":[{"host":"h","port":1}]}}`), []byte(`{"spec":{"$setElementOrder/routes":[{"host":"h","port":1}],"routes":[{"host":"h","port":2}],"$retainKeys":["routes"]}}`))
	typ := recordedType(f, gvkWidget)
	f.Fuzz(func(t *testing.T, doc, data []byte) {
		out, err := Apply(doc, Patch{Type: types.StrategicMergePatchType, Data: data}, typ)
		if err != nil {
			return
		}
		if _, err := decodeObject("result", out); err != nil {
			t.Fatalf("Apply(%s, %s) = %s: %v", doc, data, out, err)
		}
	})
}

// FuzzApplyStrategicNative checks that strategic merge on a built-in kind
// (apimachinery's code behind checkNative and safely) never panics.
func FuzzApplyStrategicNative(f *testing.F) {
	doc := []byte(`{"spec":{"template":{"spec":{"tolerations":[{"key":"k"}],"containers":[{"name":"a","args":["x"],"env":[{"name":"E"}]}]}}}}`)
	f.Add([]byte(`{"spec":{"template":{"spec":{"$setElementOrder/tolerations":[{"key":"k"}]}}}}`))
	f.Add([]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"a","$setElementOrder/env":[{"name":"E"}],"env":[{"name":"F"}]}]}}}}`))
	f.Add([]byte(`{"metadata":{"$deleteFromPrimitiveList/finalizers":[{"a":1}]}}`))
	typ := recordedType(f, gvkDeployment)
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Apply(doc, Patch{Type: types.StrategicMergePatchType, Data: data}, typ)
		if err != nil {
			return
		}
		if _, err := decodeObject("result", out); err != nil {
			t.Fatalf("Apply(%s) = %s: %v", data, out, err)
		}
	})
}
