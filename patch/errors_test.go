package patch

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
)

func TestBadPatchesGiveClearErrors(t *testing.T) {
	deploy := recordedType(t, gvkDeployment)
	widget := recordedType(t, gvkWidget)
	doc := `{"metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"app","args":["x"]}],"tolerations":[{"key":"k"}]}}}}`
	tests := []struct {
		name    string
		doc     string
		typ     *Type
		patch   Patch
		wantErr string
	}{
		{name: "merge patch: invalid JSON", patch: Patch{Type: types.MergePatchType, Data: []byte(`{"a":`)},
			wantErr: "apply application/merge-patch+json: patch: invalid JSON"},
		{name: "merge patch: document not JSON", doc: `nope`, patch: Patch{Type: types.MergePatchType, Data: []byte(`{}`)},
			wantErr: "document: invalid JSON"},
		{name: "JSON patch: invalid JSON", patch: Patch{Type: types.JSONPatchType, Data: []byte(`[{"op":"add"`)},
			wantErr: "invalid JSON"},
		{name: "JSON patch: remove a missing path", patch: Patch{Type: types.JSONPatchType, Data: []byte(`[{"op":"test","path":"/metadata/name","value":"d"},{"op":"remove","path":"/metadata/labels/x"}]`)},
			wantErr: "operation 1 (remove /metadata/labels/x)"},
		{name: "JSON patch: replace a missing path", patch: Patch{Type: types.JSONPatchType, Data: []byte(`[{"op":"replace","path":"/spec/replicas","value":1}]`)},
			wantErr: "operation 0 (replace /spec/replicas)"},
		{name: "JSON patch: index out of range", patch: Patch{Type: types.JSONPatchType, Data: []byte(`[{"op":"add","path":"/spec/template/spec/containers/5","value":{}}]`)},
			wantErr: "operation 0 (add /spec/template/spec/containers/5)"},
		{name: "JSON patch: unknown op", patch: Patch{Type: types.JSONPatchType, Data: []byte(`[{"op":"frob","path":"/a"}]`)},
			wantErr: `operation 0: unknown op "frob"`},
		{name: "strategic: invalid JSON", typ: deploy, patch: Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":}`)},
			wantErr: "patch: invalid JSON"},
		{name: "strategic: no schema", patch: Patch{Type: types.StrategicMergePatchType, Data: []byte(`{}`)},
			wantErr: "needs the object's schema"},
		{name: "strategic, built-in: $patch in a list with no merge key", typ: deploy,
			patch:   Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":{"template":{"spec":{"tolerations":[{"key":"k","$patch":"delete"}]}}}}`)},
			wantErr: `at /spec/template/spec/tolerations/0: strategic directive "$patch" in an item of tolerations, a list with no merge key`},
		{name: "strategic, built-in: $setElementOrder on a list with no merge key", typ: deploy,
			patch:   Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":{"template":{"spec":{"$setElementOrder/tolerations":[{"key":"k"}]}}}}`)},
			wantErr: "$setElementOrder aims at tolerations, a list with no merge strategy"},
		{name: "strategic, built-in: item without its merge key", typ: deploy,
			patch:   Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}`)},
			wantErr: "does not contain declared merge key: name"},
		{name: "strategic, custom: $patch in an atomic list", typ: widget,
			patch:   Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":{"args":[{"$patch":"delete"}]}}`)},
			wantErr: "at /spec/args/0: $patch in a list with no merge key"},
		{name: "strategic: bad $patch value", typ: widget, patch: Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":{"$patch":"drop"}}`)},
			wantErr: `at /spec/$patch: $patch must be "replace", "delete" or "merge", got "drop"`},
		{name: "server-side apply", patch: Patch{Type: types.ApplyPatchType, Data: []byte(`{}`)},
			wantErr: "server-side apply needs the server's field ownership"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := doc
			if tc.doc != "" {
				d = tc.doc
			}
			got, err := Apply([]byte(d), tc.patch, tc.typ)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Apply = %s, %v; want an error containing %q", got, err, tc.wantErr)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		typ     types.PatchType
		data    string
		wantErr string
	}{
		{name: "JSON patch", typ: types.JSONPatchType, data: `[{"op":"copy","from":"/a","path":"/b"},{"op":"add","path":"/c","value":null}]`},
		{name: "JSON patch: not an array", typ: types.JSONPatchType, data: `{}`, wantErr: "a JSON patch is an array of operations, got an object"},
		{name: "JSON patch: no value", typ: types.JSONPatchType, data: `[{"op":"add","path":"/a"}]`, wantErr: `add "/a" has no "value"`},
		{name: "JSON patch: bad pointer", typ: types.JSONPatchType, data: `[{"op":"remove","path":"a"}]`, wantErr: `a JSON pointer starts with "/"`},
		{name: "JSON patch: bad escape", typ: types.JSONPatchType, data: `[{"op":"remove","path":"/a~2"}]`, wantErr: `"~" at offset 2 is not followed by 0 or 1`},
		{name: "JSON patch: move into a child", typ: types.JSONPatchType, data: `[{"op":"move","from":"/a","path":"/a/b"}]`, wantErr: "into its own child"},
		{name: "JSON patch: no from", typ: types.JSONPatchType, data: `[{"op":"copy","path":"/a"}]`, wantErr: `copy has no "from"`},
		{name: "merge patch: any JSON value", typ: types.MergePatchType, data: `"x"`},
		{name: "merge patch: trailing data", typ: types.MergePatchType, data: `{} {}`, wantErr: "data after the first value"},
		{name: "merge patch: stray closing brace", typ: types.MergePatchType, data: `{}}`, wantErr: "data after the first value"},
		{name: "merge patch: duplicate names", typ: types.MergePatchType, data: `{"a":{"b":1,"b":2}}`, wantErr: `duplicate member name "b"`},
		{name: "strategic: not an object", typ: types.StrategicMergePatchType, data: `[]`, wantErr: "want a JSON object, got an array"},
		{name: "strategic: $retainKeys not strings", typ: types.StrategicMergePatchType, data: `{"a":{"$retainKeys":[1]}}`, wantErr: "$retainKeys must hold strings"},
		{name: "strategic: $setElementOrder naming no field", typ: types.StrategicMergePatchType, data: `{"$setElementOrder/":[]}`, wantErr: "names no field"},
		{name: "apply: YAML", typ: types.ApplyPatchType, data: "apiVersion: v1\nkind: ConfigMap\n"},
		{name: "apply: no kind", typ: types.ApplyPatchType, data: "apiVersion: v1\n", wantErr: "apply patch has no kind"},
		{name: "unknown type", typ: "text/plain", data: `{}`, wantErr: `unknown patch type "text/plain"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.typ, []byte(tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("Parse = %v; want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(Patch{Type: tc.typ, Data: []byte(tc.data)}, p); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPreconditions(t *testing.T) {
	orig := []byte(`{"metadata":{"name":"a","resourceVersion":"7","uid":"u-1"},"data":{"k":"1"}}`)
	mod := []byte(`{"metadata":{"name":"a","resourceVersion":"7","uid":"u-1"},"data":{"k":"2"}}`)
	both := CreateOptions{TestResourceVersion: true, TestUID: true}
	jp, err := CreateJSONPatch(orig, mod, both)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := jp.Operations()
	if err != nil {
		t.Fatal(err)
	}
	want := []Operation{
		{Op: "test", Path: "/metadata/resourceVersion", Value: "7"},
		{Op: "test", Path: "/metadata/uid", Value: "u-1"},
		{Op: "replace", Path: "/data/k", Value: "2"},
	}
	if diff := cmp.Diff(want, ops); diff != "" {
		t.Errorf("JSON patch operations (-want +got):\n%s", diff)
	}
	stale := []byte(`{"metadata":{"name":"a","resourceVersion":"8","uid":"u-1"},"data":{"k":"1"}}`)
	if _, err := Apply(stale, jp, nil); err == nil || !strings.Contains(err.Error(), "operation 0 (test /metadata/resourceVersion)") {
		t.Errorf("Apply to a changed object: %v, want the resourceVersion test to fail", err)
	}
	mp, err := CreateMergePatch(orig, mod, both)
	if err != nil {
		t.Fatal(err)
	}
	if diff := jsonDiff(t, []byte(`{"data":{"k":"2"},"metadata":{"resourceVersion":"7","uid":"u-1"}}`), mp.Data); diff != "" {
		t.Errorf("merge patch (-want +got):\n%s", diff)
	}
	if _, err := CreateMergePatch([]byte(`{"metadata":{}}`), mod, both); err == nil || !strings.Contains(err.Error(), "cannot pin metadata.resourceVersion") {
		t.Errorf("pinning a missing resourceVersion: %v", err)
	}
	if p, _ := CreateMergePatch(orig, orig, CreateOptions{}); !p.IsEmpty() {
		t.Errorf("merge patch between equal objects = %s, want empty", p)
	}
}
