package patch

import (
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// recordedSchema parses the OpenAPI v3 documents recorded from the real
// control plane (see TestRecordOpenAPI) once per test binary.
var recordedSchema = sync.OnceValues(func() (*Schema, error) {
	var docs [][]byte
	files := make([]string, 0, len(recordedDocs))
	for f := range recordedDocs {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		docs = append(docs, b)
	}
	return NewSchema(docs...)
})

var (
	gvkDeployment = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	gvkService    = schema.GroupVersionKind{Version: "v1", Kind: "Service"}
	gvkConfigMap  = schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	gvkWidget     = schema.GroupVersionKind{Group: widgetGroup, Version: "v1", Kind: "Widget"}
)

// recordedType returns the Type of gvk in the recorded schema.
func recordedType(t testing.TB, gvk schema.GroupVersionKind) *Type {
	t.Helper()
	s, err := recordedSchema()
	if err != nil {
		t.Fatalf("recorded schema: %v", err)
	}
	typ, err := s.Type(gvk)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// walk follows a dotted path of fields ("spec.template.spec.containers[]")
// from typ; "[]" steps into list items.
func walk(typ *Type, path string) (*Type, fieldMeta) {
	var meta fieldMeta
	for _, f := range strings.Split(path, ".") {
		items := strings.HasSuffix(f, "[]")
		typ, meta = typ.field(strings.TrimSuffix(f, "[]"))
		if items {
			typ = typ.items()
		}
	}
	return typ, meta
}

func TestSchemaListMetadata(t *testing.T) {
	tests := []struct {
		name      string
		gvk       schema.GroupVersionKind
		path      string
		want      fieldMeta
		wantKind  string
		wantKeys  []string
		wantTyped bool
	}{
		{name: "deployment containers by name", gvk: gvkDeployment, path: "spec.template.spec.containers",
			want:     fieldMeta{mergeKey: "name", strategies: []string{"merge"}, listType: "map", mapKeys: []string{"name"}},
			wantKind: listMap, wantKeys: []string{"name"}, wantTyped: true},
		{name: "container env by name", gvk: gvkDeployment, path: "spec.template.spec.containers[].env",
			want:     fieldMeta{mergeKey: "name", strategies: []string{"merge"}, listType: "map", mapKeys: []string{"name"}},
			wantKind: listMap, wantKeys: []string{"name"}, wantTyped: true},
		{name: "volumes merge with retainKeys", gvk: gvkDeployment, path: "spec.template.spec.volumes",
			want:     fieldMeta{mergeKey: "name", strategies: []string{"merge", "retainKeys"}, listType: "map", mapKeys: []string{"name"}},
			wantKind: listMap, wantKeys: []string{"name"}, wantTyped: true},
		{name: "container ports, two map keys", gvk: gvkDeployment, path: "spec.template.spec.containers[].ports",
			want:     fieldMeta{mergeKey: "containerPort", strategies: []string{"merge"}, listType: "map", mapKeys: []string{"containerPort", "protocol"}},
			wantKind: listMap, wantKeys: []string{"containerPort", "protocol"}, wantTyped: true},
		{name: "service ports, two map keys", gvk: gvkService, path: "spec.ports",
			want:     fieldMeta{mergeKey: "port", strategies: []string{"merge"}, listType: "map", mapKeys: []string{"port", "protocol"}},
			wantKind: listMap, wantKeys: []string{"port", "protocol"}, wantTyped: true},
		{name: "finalizers are a set", gvk: gvkDeployment, path: "metadata.finalizers",
			want:     fieldMeta{strategies: []string{"merge"}, listType: "set"},
			wantKind: listSet, wantTyped: true},
		{name: "tolerations are atomic", gvk: gvkDeployment, path: "spec.template.spec.tolerations",
			want: fieldMeta{listType: "atomic"}, wantKind: listAtomic, wantTyped: true},
		{name: "container args are atomic", gvk: gvkDeployment, path: "spec.template.spec.containers[].args",
			want: fieldMeta{listType: "atomic"}, wantKind: listAtomic, wantTyped: true},
		{name: "labels are a map of strings", gvk: gvkDeployment, path: "metadata.labels",
			wantKind: listAtomic, wantTyped: true},
		{name: "unknown field is untyped", gvk: gvkDeployment, path: "spec.bogus",
			wantKind: listAtomic},
		{name: "CRD map list, one key", gvk: gvkWidget, path: "spec.ports",
			want: fieldMeta{listType: "map", mapKeys: []string{"name"}}, wantKind: listMap, wantKeys: []string{"name"}, wantTyped: true},
		{name: "CRD map list, two keys", gvk: gvkWidget, path: "spec.routes",
			want: fieldMeta{listType: "map", mapKeys: []string{"host", "port"}}, wantKind: listMap, wantKeys: []string{"host", "port"}, wantTyped: true},
		{name: "CRD set list", gvk: gvkWidget, path: "spec.tags",
			want: fieldMeta{listType: "set"}, wantKind: listSet, wantTyped: true},
		{name: "CRD atomic list", gvk: gvkWidget, path: "spec.args",
			want: fieldMeta{listType: "atomic"}, wantKind: listAtomic, wantTyped: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ, meta := walk(recordedType(t, tc.gvk), tc.path)
			if diff := cmp.Diff(tc.want, meta, cmp.AllowUnexported(fieldMeta{})); diff != "" {
				t.Errorf("metadata of %s (-want +got):\n%s", tc.path, diff)
			}
			kind, keys := meta.listKind()
			if kind != tc.wantKind || !cmp.Equal(keys, tc.wantKeys) {
				t.Errorf("list kind of %s = %s %v, want %s %v", tc.path, kind, keys, tc.wantKind, tc.wantKeys)
			}
			if typed := typ.node != nil; typed != tc.wantTyped {
				t.Errorf("%s typed = %v, want %v (type %s)", tc.path, typed, tc.wantTyped, typ.Name())
			}
		})
	}
}

func TestSchemaLookupPatchMeta(t *testing.T) {
	spec, _ := walk(recordedType(t, gvkDeployment), "spec.template.spec")
	_, meta, err := spec.LookupPatchMetadataForSlice("volumes")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := meta.GetPatchStrategies(), []string{"merge", "retainKeys"}; !cmp.Equal(got, want) {
		t.Errorf("volumes strategies = %v, want %v", got, want)
	}
	if got := meta.GetPatchMergeKey(); got != "name" {
		t.Errorf("volumes merge key = %q, want name", got)
	}
	item, _, _ := spec.LookupPatchMetadataForSlice("containers")
	_, envMeta, _ := item.LookupPatchMetadataForSlice("env")
	if got := envMeta.GetPatchMergeKey(); got != "name" {
		t.Errorf("containers[].env merge key = %q, want name", got)
	}
	if got, want := item.(*Type).Name(), "io.k8s.api.apps.v1.Deployment.spec.template.spec.containers[]"; got != want {
		t.Errorf("containers item name = %q, want %q", got, want)
	}
}

func TestSchemaNativeStrategic(t *testing.T) {
	for _, tc := range []struct {
		name string
		gvk  schema.GroupVersionKind
		want bool
	}{
		{name: "Deployment", gvk: gvkDeployment, want: true},
		{name: "Service", gvk: gvkService, want: true},
		{name: "ConfigMap", gvk: gvkConfigMap, want: true},
		{name: "custom resource", gvk: gvkWidget, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := recordedType(t, tc.gvk).NativeStrategic(); got != tc.want {
				t.Errorf("NativeStrategic() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSchemaErrors(t *testing.T) {
	s, err := recordedSchema()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		docs    [][]byte
		gvk     schema.GroupVersionKind
		wantErr string
	}{
		{name: "invalid JSON", docs: [][]byte{[]byte(`{`)}, wantErr: "document 1 of 1: invalid JSON"},
		{name: "OpenAPI v2", docs: [][]byte{[]byte(`{"swagger":"2.0"}`)}, wantErr: `not an OpenAPI v3 document`},
		{name: "unknown kind in a known group", gvk: schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Nope"}, wantErr: "known kinds: ControllerRevision"},
		{name: "unknown group", gvk: schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}, wantErr: "no OpenAPI v3 document given for batch/v1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.docs != nil {
				_, err = NewSchema(tc.docs...)
			} else {
				_, err = s.Type(tc.gvk)
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}
