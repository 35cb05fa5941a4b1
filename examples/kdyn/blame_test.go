package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestBlameLines(t *testing.T) {
	var obj unstructured.Unstructured
	err := json.Unmarshal([]byte(`{"apiVersion": "example.com/v1", "kind": "Widget",
  "metadata": {"name": "w", "labels": {"a": "1", "b": "2"},
    "managedFields": [
      {"manager": "ci", "operation": "Apply", "apiVersion": "example.com/v1", "time": "2026-12-01T10:00:00Z",
       "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {"f:a": {}}},
         "f:spec": {"f:ports": {"k:{\"name\":\"http\"}": {".": {}, "f:name": {}, "f:port": {}}}, "f:note": {}}}},
      {"manager": "edit", "operation": "Update", "apiVersion": "example.com/v1", "time": "2026-12-02T11:00:00Z",
       "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:b": {}}}, "f:spec": {"f:size": {}}}}]},
  "spec": {"size": 3, "note": "line one\nline two\n", "ports": [{"name": "http", "port": 80}, {"name": "dbg", "port": 81}]}}`), &obj.Object)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := blameLines(&obj)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, ownerNames(l.owners)+" | "+l.text)
	}
	want := []string{
		"(no manager) | apiVersion: example.com/v1",
		"(no manager) | kind: Widget",
		"(no manager) | metadata:",
		"edit | labels:",
		"ci | a: \"1\"",
		"edit | b: \"2\"",
		"(no manager) | name: w",
		"(no manager) | spec:",
		"ci | note: |",
		"ci | line one",
		"ci | line two",
		"(no manager) | ports:",
		"ci | - name: http",
		"ci | port: 80",
		"(no manager) | - name: dbg",
		"(no manager) | port: 81",
		"edit | size: 3",
	}
	for i := range got {
		owner, text, _ := strings.Cut(got[i], " | ")
		got[i] = owner + " | " + strings.TrimSpace(text)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	var b strings.Builder
	if err := writeBlame(&b, lines[3:5]); err != nil {
		t.Fatal(err)
	}
	wantOut := "edit          Update  2026-12-02T11:00:00Z    labels:\n" +
		"ci            Apply   2026-12-01T10:00:00Z      a: \"1\"\n"
	if d := cmp.Diff(wantOut, b.String()); d != "" {
		t.Errorf("writeBlame (-want +got):\n%s", d)
	}
}
