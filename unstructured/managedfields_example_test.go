package unstructured_test

import (
	"encoding/json"
	"fmt"

	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/kubedyn/kubedyn/unstructured"
)

// ExampleManagedFields asks who owns two fields of an object written by a
// server-side apply and an update.
func ExampleManagedFields() {
	var obj map[string]any
	_ = json.Unmarshal([]byte(`{"apiVersion":"v1","kind":"ConfigMap",
	  "metadata":{"name":"c","managedFields":[
	    {"manager":"ci","operation":"Apply","apiVersion":"v1","time":"2026-12-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}},
	    {"manager":"kubectl-edit","operation":"Update","apiVersion":"v1","time":"2026-12-02T11:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:b":{}}}}]},
	  "data":{"a":"1","b":"2"}}`), &obj)
	mf, err := unstructured.NewManagedFields(obj)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, key := range []string{"a", "b"} {
		for _, o := range mf.Owners(fieldpath.MakePathOrDie("data", key)) {
			fmt.Printf("data.%s: %s (%s) at %s\n", key, o.Manager, o.Operation, o.Time.Format("2006-01-02 15:04"))
		}
	}
	// Output:
	// data.a: ci (Apply) at 2026-12-01 10:00
	// data.b: kubectl-edit (Update) at 2026-12-02 11:00
}
