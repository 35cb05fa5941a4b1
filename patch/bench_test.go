package patch

import (
	"encoding/json"
	"os"
	"testing"

	"k8s.io/apimachinery/pkg/types"
)

// benchDeployments returns a realistic Deployment (builtinFixtures, with
// status and managed fields as a server returns them) and a modified copy:
// a new image, one env var changed, one added, a label dropped.
func benchDeployments(b *testing.B) (original, modified []byte) {
	b.Helper()
	d := builtinFixtures("bench")["Deployment"]
	md := d["metadata"].(map[string]any)
	md["resourceVersion"], md["uid"], md["generation"] = "12345", "6b1c0e0e-8f1a-4a53-9c1e-0f0e3f2a9d11", 3
	md["managedFields"] = []any{map[string]any{"manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1",
		"fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:spec": map[string]any{"f:replicas": map[string]any{}}}}}
	d["status"] = map[string]any{"replicas": 2, "readyReplicas": 2, "observedGeneration": 3,
		"conditions": []any{map[string]any{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}}}
	original = mustMarshal(b, d)
	var m map[string]any
	if err := json.Unmarshal(original, &m); err != nil {
		b.Fatal(err)
	}
	spec := m["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	app := spec["containers"].([]any)[0].(map[string]any)
	app["image"] = "nginx:1.28"
	app["env"] = []any{map[string]any{"name": "A", "value": "10"}, map[string]any{"name": "B", "value": "2"}, map[string]any{"name": "C", "value": "3"}}
	delete(m["metadata"].(map[string]any)["labels"].(map[string]any), "tier")
	return original, mustMarshal(b, m)
}

func BenchmarkApply(b *testing.B) {
	original, modified := benchDeployments(b)
	deploy := recordedType(b, gvkDeployment)
	widget := recordedType(b, gvkWidget)
	merge, _ := CreateMergePatch(original, modified, CreateOptions{})
	jsonp, _ := CreateJSONPatch(original, modified, CreateOptions{})
	smp, _ := CreateStrategicMergePatch(original, modified, deploy, CreateOptions{})
	widgetDoc := mustMarshal(b, map[string]any{"spec": json.RawMessage(widgetBase)})
	customSMP := Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":{"ports":[{"name":"http","port":8080}],"routes":[{"host":"a","port":443,"weight":5}],"tags":["blue"],"$deleteFromPrimitiveList/tags":["red"]}}`)}
	for _, bc := range []struct {
		name string
		doc  []byte
		p    Patch
		typ  *Type
	}{
		{name: "merge", doc: original, p: merge},
		{name: "json", doc: original, p: jsonp},
		{name: "strategic-builtin", doc: original, p: smp, typ: deploy},
		{name: "strategic-custom", doc: widgetDoc, p: customSMP, typ: widget},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Apply(bc.doc, bc.p, bc.typ); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCreate(b *testing.B) {
	original, modified := benchDeployments(b)
	deploy := recordedType(b, gvkDeployment)
	widget := recordedType(b, gvkWidget)
	pins := CreateOptions{TestResourceVersion: true, TestUID: true}
	for _, bc := range []struct {
		name   string
		create func() (Patch, error)
	}{
		{name: "merge", create: func() (Patch, error) { return CreateMergePatch(original, modified, pins) }},
		{name: "json", create: func() (Patch, error) { return CreateJSONPatch(original, modified, pins) }},
		{name: "strategic-builtin", create: func() (Patch, error) { return CreateStrategicMergePatch(original, modified, deploy, pins) }},
		{name: "strategic-custom", create: func() (Patch, error) { return CreateStrategicMergePatch(original, modified, widget, pins) }},
		{name: "three-way", create: func() (Patch, error) { return CreateThreeWayPatch(original, modified, original, deploy, pins) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.create(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewSchema(b *testing.B) {
	doc := mustRead(b, "testdata/openapi-apis-apps-v1.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewSchema(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func mustRead(b *testing.B, file string) []byte {
	b.Helper()
	d, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	return d
}
