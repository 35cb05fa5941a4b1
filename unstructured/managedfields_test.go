package unstructured

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// twoManagers is an object written by a server-side apply ("ci") and an
// update ("kubectl-edit"), with a map list, a set and an atomic list.
const twoManagers = `{
  "apiVersion": "v1", "kind": "Widget",
  "metadata": {"name": "w", "labels": {"a": "1", "b": "2"},
    "managedFields": [
      {"manager": "ci", "operation": "Apply", "apiVersion": "example.com/v1", "time": "2026-12-01T10:00:00Z",
       "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {"f:a": {}}},
         "f:spec": {"f:ports": {"k:{\"name\":\"http\"}": {".": {}, "f:name": {}, "f:port": {}}},
                    "f:tags": {"v:\"x\"": {}}, "f:args": {}}}},
      {"manager": "kubectl-edit", "operation": "Update", "apiVersion": "example.com/v1", "time": "2026-12-02T11:00:00Z",
       "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:b": {}}},
         "f:spec": {"f:size": {}, "f:tags": {"v:\"y\"": {}}}}},
      {"manager": "status-writer", "operation": "Update", "apiVersion": "example.com/v1", "subresource": "status",
       "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:ready": {}}}}
    ]},
  "spec": {"size": 3, "ports": [{"name": "http", "port": 80}, {"name": "dbg", "port": 81}], "tags": ["x", "y"], "args": ["-v", "-q"]},
  "status": {"ready": true}
}`

func TestManagedFieldsOwners(t *testing.T) {
	var obj map[string]any
	if err := json.Unmarshal([]byte(twoManagers), &obj); err != nil {
		t.Fatal(err)
	}
	mf, err := NewManagedFields(obj)
	if err != nil {
		t.Fatal(err)
	}
	spec := obj["spec"].(map[string]any)
	ports, tags := spec["ports"].([]any), spec["tags"].([]any)
	portsPath := fieldpath.MakePathOrDie("spec", "ports")
	tagsPath := fieldpath.MakePathOrDie("spec", "tags")
	http := mf.ItemElement(portsPath, 0, ports[0])
	dbg := mf.ItemElement(portsPath, 1, ports[1])
	x, y := mf.ItemElement(tagsPath, 0, tags[0]), mf.ItemElement(tagsPath, 1, tags[1])
	path := func(p fieldpath.Path, more ...fieldpath.PathElement) fieldpath.Path {
		return append(append(fieldpath.Path{}, p...), more...)
	}
	for _, tc := range []struct {
		name string
		path fieldpath.Path
		want []string
	}{
		{name: "a label applied", path: fieldpath.MakePathOrDie("metadata", "labels", "a"), want: []string{"ci/Apply"}},
		{name: "a label updated", path: fieldpath.MakePathOrDie("metadata", "labels", "b"), want: []string{"kubectl-edit/Update"}},
		{name: "the labels map, created by the update", path: fieldpath.MakePathOrDie("metadata", "labels"), want: []string{"kubectl-edit/Update"}},
		{name: "metadata itself", path: fieldpath.MakePathOrDie("metadata"), want: nil},
		{name: "the name, no one's", path: fieldpath.MakePathOrDie("metadata", "name"), want: nil},
		{name: "a map-list item", path: path(portsPath, http), want: []string{"ci/Apply"}},
		{name: "a field of a map-list item", path: path(portsPath, http, fieldpath.FieldNameElement("port")), want: []string{"ci/Apply"}},
		{name: "an item no manager names", path: path(portsPath, dbg, fieldpath.FieldNameElement("port")), want: nil},
		{name: "a set item", path: path(tagsPath, x), want: []string{"ci/Apply"}},
		{name: "another set item", path: path(tagsPath, y), want: []string{"kubectl-edit/Update"}},
		{name: "an atomic list", path: fieldpath.MakePathOrDie("spec", "args"), want: []string{"ci/Apply"}},
		{name: "an item of an atomic list", path: fieldpath.MakePathOrDie("spec", "args", 1), want: []string{"ci/Apply"}},
		{name: "a status field", path: fieldpath.MakePathOrDie("status", "ready"), want: []string{"status-writer/Update"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, o := range mf.Owners(tc.path) {
				got = append(got, o.Manager+"/"+o.Operation)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Owners(%s) (-want +got):\n%s", tc.path, d)
			}
		})
	}
	if dbg.Index == nil || *dbg.Index != 1 {
		t.Errorf("ItemElement of an item no manager names = %s, want the index 1", dbg)
	}
	want := []FieldManager{
		{Manager: "ci", Operation: "Apply", APIVersion: "example.com/v1", Time: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
		{Manager: "kubectl-edit", Operation: "Update", APIVersion: "example.com/v1", Time: time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC)},
		{Manager: "status-writer", Operation: "Update", APIVersion: "example.com/v1", Subresource: "status"},
	}
	if d := cmp.Diff(want, mf.Managers()); d != "" {
		t.Errorf("Managers (-want +got):\n%s", d)
	}
}

func TestManagedFieldsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, obj string
	}{
		{name: "entry not an object", obj: `{"metadata":{"managedFields":[3]}}`},
		{name: "bad time", obj: `{"metadata":{"managedFields":[{"manager":"m","time":"yesterday"}]}}`},
		{name: "bad fieldsV1", obj: `{"metadata":{"managedFields":[{"manager":"m","fieldsV1":"not an object"}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var obj map[string]any
			if err := json.Unmarshal([]byte(tc.obj), &obj); err != nil {
				t.Fatal(err)
			}
			if _, err := NewManagedFields(obj); err == nil {
				t.Error("no error")
			}
		})
	}
	mf, err := NewManagedFields(map[string]any{"kind": "X"})
	if err != nil || len(mf.Managers()) != 0 || mf.Owners(fieldpath.MakePathOrDie("spec")) != nil {
		t.Errorf("an object without managedFields: %v, %v", mf, err)
	}
}
