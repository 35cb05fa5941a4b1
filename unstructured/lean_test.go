package unstructured

import (
	"bytes"
	"os"
	"runtime"
	"testing"
	"unique"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// recordedPod decodes the pod recorded from the control plane, with a fresh
// decoder (so nothing is shared with another call's result).
func recordedPod(t testing.TB) *k8su.Unstructured {
	t.Helper()
	data, err := os.ReadFile("testdata/pod.json")
	if err != nil {
		t.Fatal(err)
	}
	u, err := DecodeObject(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLean(t *testing.T) {
	tests := []struct {
		name string
		in   func() *k8su.Unstructured
		want func() *k8su.Unstructured
	}{
		{name: "nil", in: func() *k8su.Unstructured { return nil }, want: func() *k8su.Unstructured { return nil }},
		{name: "nil object", in: func() *k8su.Unstructured { return &k8su.Unstructured{} }, want: func() *k8su.Unstructured { return &k8su.Unstructured{} }},
		{
			name: "recorded pod loses managedFields only",
			in:   func() *k8su.Unstructured { return recordedPod(t) },
			want: func() *k8su.Unstructured {
				u := recordedPod(t)
				delete(u.Object["metadata"].(map[string]any), "managedFields")
				return u
			},
		},
		{
			name: "go types converted, odd ones kept",
			in: func() *k8su.Unstructured {
				return &k8su.Unstructured{Object: map[string]any{"kind": "X", "n": 3, "m": map[string]string{"a": "b"}, "e": []any{}, "o": map[string]any{}, "managedFields": "kept (not in metadata)", "metadata": "odd"}}
			},
			want: func() *k8su.Unstructured {
				return &k8su.Unstructured{Object: map[string]any{"kind": "X", "n": int64(3), "m": map[string]any{"a": "b"}, "e": []any{}, "o": map[string]any{}, "managedFields": "kept (not in metadata)", "metadata": "odd"}}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want(), Lean(tc.in())); diff != "" {
				t.Errorf("Lean (-want +got):\n%s", diff)
			}
			in := tc.in()
			LeanInPlace(in)
			if diff := cmp.Diff(tc.want(), in); diff != "" {
				t.Errorf("LeanInPlace (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLeanSharesNothingMutable changes every map and slice of a Lean copy
// and checks that the input did not change, and the other way round.
func TestLeanSharesNothingMutable(t *testing.T) {
	in := recordedPod(t)
	lean := Lean(in)
	want := recordedPod(t)
	scribble(lean.Object)
	if diff := cmp.Diff(want, in); diff != "" {
		t.Fatalf("changing the Lean copy changed the input:\n%s", diff)
	}
	lean = Lean(in)
	wantLean := Lean(recordedPod(t))
	scribble(in.Object)
	if diff := cmp.Diff(wantLean, lean); diff != "" {
		t.Fatalf("changing the input changed the Lean copy:\n%s", diff)
	}
}

// scribble changes every map (a new key) and slice element in v.
func scribble(v any) {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			scribble(e)
		}
		t["scribbled"] = true
	case []any:
		for i, e := range t {
			scribble(e)
			if _, ok := e.(string); ok {
				t[i] = "scribbled"
			}
		}
	}
}

// TestLeanInterns checks that two objects decoded separately share their
// keys' and values' bytes once made lean, both ways.
func TestLeanInterns(t *testing.T) {
	// Handles keep the two strings checked below interned even if a garbage
	// collection runs between the calls (unique's entries are weak).
	handles := []unique.Handle[string]{unique.Make("metadata"), unique.Make("IfNotPresent")}
	defer runtime.KeepAlive(handles)
	a, b := recordedPod(t), recordedPod(t)
	if sameData(keyOf(a.Object, "metadata"), keyOf(b.Object, "metadata")) {
		t.Fatal("test premise: separately decoded objects already share keys")
	}
	la, lb := Lean(a), Lean(b)
	LeanInPlace(a)
	LeanInPlace(b)
	for _, pair := range [][2]*k8su.Unstructured{{la, lb}, {a, b}, {la, b}} {
		if !sameData(keyOf(pair[0].Object, "metadata"), keyOf(pair[1].Object, "metadata")) {
			t.Error(`key "metadata" not interned`)
		}
		x, _ := GetString(pair[0].Object, "spec.containers[0].imagePullPolicy")
		y, _ := GetString(pair[1].Object, "spec.containers[0].imagePullPolicy")
		if x == "" || !sameData(x, y) {
			t.Errorf("imagePullPolicy %q and %q not interned", x, y)
		}
	}
}

// keyOf returns m's stored key equal to k (not k itself).
func keyOf(m map[string]any, k string) string {
	for key := range m {
		if key == k {
			return key
		}
	}
	return ""
}

func sameData(a, b string) bool { return a != "" && unsafe.StringData(a) == unsafe.StringData(b) }
