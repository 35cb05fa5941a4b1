package explain

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// batchDoc is the batch/v1 OpenAPI v3 document kubectl's own explain
// tests use (k8s.io/kubectl/pkg/explain/v2/templates, Apache-2.0).
func batchDoc(t testing.TB) *Document {
	t.Helper()
	data, err := os.ReadFile("testdata/batch.k8s.io_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var job = schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}

func TestKindFor(t *testing.T) {
	d := batchDoc(t)
	for _, tc := range []struct {
		name    string
		gvr     schema.GroupVersionResource
		want    schema.GroupVersionKind
		wantErr bool
	}{
		{name: "jobs", gvr: schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}, want: job},
		{name: "cronjobs", gvr: schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "cronjobs"},
			want: schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}},
		{name: "unknown", gvr: schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "pods"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.KindFor(tc.gvr)
			if tc.wantErr {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("err = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("KindFor = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// summary is what a test checks of a Field.
type summary struct {
	Name, Type          string
	Required            bool
	Enum                []any
	ListType            string
	MapKeys             []string
	DescriptionNonEmpty bool
}

func summarize(f *Field) summary {
	return summary{Name: f.Name, Type: f.Type, Required: f.Required, Enum: f.Enum, ListType: f.ListType,
		MapKeys: f.MapKeys, DescriptionNonEmpty: f.Description != ""}
}

func TestLookup(t *testing.T) {
	d := batchDoc(t)
	for _, tc := range []struct {
		name       string
		path       []string
		want       summary
		wantFields []string // the first fields of its type, in order
	}{
		{name: "the kind", path: nil, want: summary{DescriptionNonEmpty: true},
			wantFields: []string{"apiVersion", "kind", "metadata", "spec", "status"}},
		{name: "a required object through allOf", path: []string{"spec", "template"},
			want:       summary{Name: "template", Type: "PodTemplateSpec", Required: true, DescriptionNonEmpty: true},
			wantFields: []string{"metadata", "spec"}},
		{name: "an integer", path: []string{"spec", "backoffLimit"}, want: summary{Name: "backoffLimit", Type: "integer", DescriptionNonEmpty: true}},
		{name: "a list of objects through items", path: []string{"spec", "template", "spec", "containers"},
			want: summary{Name: "containers", Type: "[]Container", Required: true, DescriptionNonEmpty: true}},
		{name: "a field of a list's items", path: []string{"spec", "template", "spec", "containers", "imagePullPolicy"},
			want: summary{Name: "imagePullPolicy", Type: "string", Enum: []any{"Always", "IfNotPresent", "Never"}, DescriptionNonEmpty: true}},
		{name: "a map list", path: []string{"spec", "template", "spec", "containers", "ports"},
			want:       summary{Name: "ports", Type: "[]ContainerPort", ListType: "map", MapKeys: []string{"containerPort", "protocol"}, DescriptionNonEmpty: true},
			wantFields: []string{"containerPort", "hostIP", "hostPort", "name", "protocol"}},
		{name: "a map", path: []string{"metadata", "labels"}, want: summary{Name: "labels", Type: "map[string]string", DescriptionNonEmpty: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := d.Lookup(job, tc.path...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(f)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			var names []string
			for _, c := range f.Fields() {
				names = append(names, c.Name)
			}
			if len(names) > len(tc.wantFields) {
				names = names[:len(tc.wantFields)]
			}
			if diff := cmp.Diff(tc.wantFields, names); tc.wantFields != nil && diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLookupErrors(t *testing.T) {
	d := batchDoc(t)
	_, err := d.Lookup(job, "spec", "nope", "deeper")
	var nf *FieldNotFoundError
	if !errors.As(err, &nf) || nf.Field != "deeper" || err.Error() != `field "deeper" does not exist` || !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing field: %v", err)
	}
	if _, err := d.Lookup(schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Nope"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing kind: %v", err)
	}
	if _, err := Parse([]byte("[]")); err == nil {
		t.Error("Parse of a JSON array: no error")
	}
}

// TestFieldsRequiredAndCycles checks required marks in a field list and
// that a $ref cycle (JSONSchemaProps refers to itself) ends the walk.
func TestFieldsRequiredAndCycles(t *testing.T) {
	d := batchDoc(t)
	f, err := d.Lookup(job, "spec")
	if err != nil {
		t.Fatal(err)
	}
	required := map[string]bool{}
	for _, c := range f.Fields() {
		required[c.Name] = c.Required
	}
	if !required["template"] || required["parallelism"] {
		t.Errorf("required marks: %v", required)
	}
	// Walking every field to the bottom terminates and finds the pod's
	// containers.
	seen := 0
	var walk func(fs []*Field, depth int)
	walk = func(fs []*Field, depth int) {
		if depth > 40 {
			t.Fatal("the walk did not end: a cycle was followed")
		}
		for _, c := range fs {
			seen++
			walk(c.Fields(), depth+1)
		}
	}
	walk(f.Fields(), 0)
	if seen < 100 {
		t.Errorf("walked only %d fields", seen)
	}
}

// FuzzLookup: any path on any document never panics.
func FuzzLookup(f *testing.F) {
	f.Add([]byte(`{"components":{"schemas":{"a":{"x-kubernetes-group-version-kind":[{"group":"","version":"v1","kind":"A"}],"properties":{"b":{"$ref":"#/components/schemas/a"}}}}}}`), "b.b.b")
	f.Add([]byte(`{"paths":{"/api/v1/as":{"get":{"x-kubernetes-group-version-kind":{"group":"","version":"v1","kind":"A"}}}}}`), "")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		_, _ = d.KindFor(schema.GroupVersionResource{Version: "v1", Resource: "as"})
		var p []string
		if path != "" {
			p = splitDots(path)
		}
		if fld, err := d.Lookup(schema.GroupVersionKind{Version: "v1", Kind: "A"}, p...); err == nil {
			for _, c := range fld.Fields() {
				_ = c.Fields()
			}
		}
	})
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
