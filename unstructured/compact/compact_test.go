package compact_test

import (
	"bytes"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// corpus is every recorded object and 40 generated pods and ConfigMaps.
func corpus(t testing.TB) map[string][]byte {
	objs := recordedObjects(t)
	for i := range 40 {
		objs[fmt.Sprintf("pod-%d", i)] = serverPod(t, i)
		objs[fmt.Sprintf("configmap-%d", i)] = serverConfigMap(t, i)
	}
	for i := range 4 {
		objs[fmt.Sprintf("long-strings-%d", i)] = longStrings(t, i)
	}
	return objs
}

// want is the decoded tree as opts keep it: without managedFields unless
// kept, restricted to the projection when there is one.
func want(t testing.TB, data []byte, opts compact.Options) *k8su.Unstructured {
	t.Helper()
	u, err := kdu.DecodeObject(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !opts.KeepManagedFields {
		if md, ok := u.Object["metadata"].(map[string]any); ok {
			delete(md, "managedFields")
		}
	}
	if len(opts.Project) > 0 {
		u.Object = restrict(u.Object, opts)
	}
	return u
}

// restrict is the full tree m restricted to what a projection keeps, as
// compact.Options documents it, written independently of the Builder.
func restrict(m map[string]any, opts compact.Options) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"apiVersion", "kind"} {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		keep := map[string]any{}
		fields := append([]string(nil), compact.ProjectedMetadata...)
		if opts.KeepManagedFields {
			fields = append(fields, "managedFields")
		}
		for _, f := range fields {
			if v, ok := md[f]; ok {
				keep[f] = v
			}
		}
		out["metadata"] = keep
	}
	for _, p := range opts.Project {
		segs := strings.Split(p, ".")
		src, dst, reached := m, out, true
		for _, s := range segs[:len(segs)-1] {
			sv, ok := src[s].(map[string]any)
			if !ok {
				reached = false
				break
			}
			dv, ok := dst[s].(map[string]any)
			if !ok {
				dv = map[string]any{}
				dst[s] = dv
			}
			src, dst = sv, dv
		}
		if v, ok := src[segs[len(segs)-1]]; ok && reached {
			dst[segs[len(segs)-1]] = v
		}
	}
	md, _ := out["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		out["metadata"] = md
	}
	ann, _ := md["annotations"].(map[string]any)
	ann = maps.Clone(ann)
	if ann == nil {
		ann = map[string]any{}
	}
	ann[compact.ProjectionAnnotation] = strings.Join(opts.Project, ",")
	md["annotations"] = ann
	return out
}

func TestCompactEqualsDecoded(t *testing.T) {
	tests := []struct {
		name string
		opts compact.Options
	}{
		{name: "default drops managedFields", opts: compact.Options{}},
		{name: "keep managedFields", opts: compact.Options{KeepManagedFields: true}},
		{name: "two-path projection", opts: compact.Options{Project: []string{"spec.nodeName", "status.conditions"}}},
		{name: "projection of data and a metadata field", opts: compact.Options{Project: []string{"data", "metadata.creationTimestamp"}}},
		{name: "projection through a missing path", opts: compact.Options{Project: []string{"spec.template.spec", "status"}}},
		{name: "long strings uncompressed", opts: compact.Options{UncompressedStrings: true}},
		{name: "projection of long strings (compressed)", opts: compact.Options{Project: []string{"data.run.sh", "binaryData"}}},
		{name: "projection of long strings, uncompressed", opts: compact.Options{Project: []string{"data.run.sh", "binaryData"}, UncompressedStrings: true}},
	}
	objs := corpus(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := compact.NewPlan(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			b := compact.NewBuilder(compact.NewTable(), plan)
			for name, data := range objs {
				w := want(t, data, tc.opts)
				obj, err := kdu.DecodeCompact(bytes.NewReader(data), b)
				if err != nil {
					t.Fatalf("%s: DecodeCompact: %v", name, err)
				}
				if diff := cmp.Diff(w, obj.Unstructured()); diff != "" {
					t.Fatalf("%s: wire-built tree differs (-want +got):\n%s", name, diff)
				}
				full, _ := kdu.DecodeObject(bytes.NewReader(data))
				obj2, err := b.FromUnstructured(full)
				if err != nil {
					t.Fatalf("%s: FromUnstructured: %v", name, err)
				}
				if diff := cmp.Diff(w, obj2.Unstructured()); diff != "" {
					t.Fatalf("%s: tree-built tree differs (-want +got):\n%s", name, diff)
				}
				checkMetadata(t, name, full, obj)
				checkMetadata(t, name, full, obj2)
			}
		})
	}
}

// checkMetadata compares the in-place accessors with apimachinery's getters.
func checkMetadata(t *testing.T, name string, full *k8su.Unstructured, obj *compact.Object) {
	t.Helper()
	got := []string{obj.APIVersion(), obj.Kind(), obj.GetName(), obj.GetNamespace(), string(obj.GetUID()), obj.GetResourceVersion()}
	wantMD := []string{full.GetAPIVersion(), full.GetKind(), full.GetName(), full.GetNamespace(), string(full.GetUID()), full.GetResourceVersion()}
	if diff := cmp.Diff(wantMD, got); diff != "" {
		t.Errorf("%s: metadata accessors differ (-want +got):\n%s", name, diff)
	}
	for k, v := range full.GetLabels() {
		if got, ok := obj.Labels().Lookup(k); !ok || got != v {
			t.Errorf("%s: label %q = %q, %v; want %q", name, k, got, ok, v)
		}
	}
	if obj.Labels().Has("no-such-label") {
		t.Errorf("%s: has a label it does not have", name)
	}
}

func TestUnstructuredIsFreshEachCall(t *testing.T) {
	b := compact.NewBuilder(compact.NewTable(), mustPlan(t, compact.Options{}))
	obj, err := kdu.DecodeCompact(bytes.NewReader(serverPod(t, 1)), b)
	if err != nil {
		t.Fatal(err)
	}
	a := obj.Unstructured()
	a.SetLabels(map[string]string{"changed": "yes"})
	unstructuredSetNested(a)
	if diff := cmp.Diff(want(t, serverPod(t, 1), compact.Options{}), obj.Unstructured()); diff != "" {
		t.Fatalf("a change to one tree shows in the next (-want +got):\n%s", diff)
	}
}

func unstructuredSetNested(u *k8su.Unstructured) {
	_ = k8su.SetNestedField(u.Object, "other", "spec", "nodeName")
	if cs, ok := u.Object["status"].(map[string]any)["conditions"].([]any); ok {
		cs[0] = "gone"
	}
}

func TestProjectionIsMarked(t *testing.T) {
	plan := mustPlan(t, compact.Options{Project: []string{"spec.nodeName", "status.conditions"}})
	obj, err := kdu.DecodeCompact(bytes.NewReader(serverPod(t, 2)), compact.NewBuilder(compact.NewTable(), plan))
	if err != nil {
		t.Fatal(err)
	}
	if got := obj.Unstructured().GetAnnotations()[compact.ProjectionAnnotation]; got != "spec.nodeName,status.conditions" {
		t.Errorf("annotation = %q", got)
	}
	if diff := cmp.Diff([]string{"spec.nodeName", "status.conditions"}, obj.Projection()); diff != "" {
		t.Errorf("Projection (-want +got):\n%s", diff)
	}
	whole, _ := kdu.DecodeCompact(bytes.NewReader(serverPod(t, 2)), compact.NewBuilder(compact.NewTable(), mustPlan(t, compact.Options{})))
	if whole.Projection() != nil {
		t.Errorf("a whole object says it is projected: %v", whole.Projection())
	}
}

func TestNewPlanRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"", ".spec", "spec.", "spec..replicas"} {
		if _, err := compact.NewPlan(compact.Options{Project: []string{p}}); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
}

func TestDecodeCompactErrors(t *testing.T) {
	tests := []struct {
		name, input string
	}{
		{name: "no kind", input: `{"apiVersion":"v1","metadata":{"name":"a"}}`},
		{name: "bad apiVersion", input: `{"apiVersion":"a/b/c","kind":"X"}`},
		{name: "a list", input: `{"apiVersion":"v1","kind":"PodList","items":[]}`},
		{name: "not an object", input: `[1]`},
		{name: "trailing data", input: `{"kind":"X"} x`},
		{name: "number beyond float64", input: `{"kind":"X","a":1e400}`},
		{name: "malformed skipped member", input: `{"kind":"X","metadata":{"managedFields":[1,]}}`},
	}
	b := compact.NewBuilder(compact.NewTable(), mustPlan(t, compact.Options{}))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := kdu.DecodeCompact(strings.NewReader(tc.input), b); err == nil {
				t.Errorf("no error for %s", tc.input)
			}
		})
	}
}

func mustPlan(t testing.TB, opts compact.Options) *compact.Plan {
	t.Helper()
	p, err := compact.NewPlan(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFromUnstructuredGoTypes(t *testing.T) {
	b := compact.NewBuilder(compact.NewTable(), mustPlan(t, compact.Options{}))
	u := &k8su.Unstructured{Object: map[string]any{"kind": "X", "metadata": map[string]any{"name": "a"},
		"spec": map[string]any{"labels": map[string]string{"a": "b"}, "args": []string{"x", "y"}, "n": 3, "u": uint8(4), "f": float32(0.5), "i32": int32(-2)}}}
	obj, err := b.FromUnstructured(u)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"kind": "X", "metadata": map[string]any{"name": "a"},
		"spec": map[string]any{"labels": map[string]any{"a": "b"}, "args": []any{"x", "y"}, "n": int64(3), "u": int64(4), "f": 0.5, "i32": int64(-2)}}
	if d := cmp.Diff(want, obj.Unstructured().Object); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, bad := range []any{struct{}{}, &u, map[int]string{1: "a"}, uint64(1) << 63} {
		if _, err := b.FromUnstructured(&k8su.Unstructured{Object: map[string]any{"kind": "X", "v": bad}}); err == nil {
			t.Errorf("a %T was accepted", bad)
		}
	}
}
