package desired_test

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/examples/controller/internal/desired"
)

var spec = desired.Spec{
	LabelKey: "kubedyn.io/reconciled", LabelValue: "true",
	GenerationAnnotation: "kubedyn.io/observed-generation",
	ConditionType:        "Reconciled", ConditionReason: "Reconciled", ConditionMessage: "reconciled",
}

func ExampleMetadataPatch() {
	obj := &unstructured.Unstructured{}
	_ = obj.UnmarshalJSON([]byte(`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":3,"resourceVersion":"41","labels":{"kubedyn.io/reconciled":"true"}}}`))
	patch, write, err := desired.MetadataPatch(obj, spec)
	fmt.Println(string(patch), write, err)
	// Output: {"metadata":{"annotations":{"kubedyn.io/observed-generation":"3"},"resourceVersion":"41"}} true <nil>
}

func ExampleStatusPatch() {
	obj := &unstructured.Unstructured{}
	_ = obj.UnmarshalJSON([]byte(`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":3,"resourceVersion":"42"}}`))
	now := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	patch, write, err := desired.StatusPatch(obj, spec, now)
	fmt.Println(string(patch), write, err)

	// Once the server has applied it, nothing is left to write.
	_ = obj.UnmarshalJSON([]byte(`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":3,"resourceVersion":"43"},` +
		`"status":{"conditions":[{"type":"Reconciled","status":"True","observedGeneration":3,"reason":"Reconciled","message":"reconciled","lastTransitionTime":"2026-11-23T16:00:00Z"}]}}`))
	_, write, err = desired.StatusPatch(obj, spec, now.Add(time.Hour))
	fmt.Println(write, err, desired.HasCondition(obj, spec))
	// Output:
	// {"metadata":{"resourceVersion":"42"},"status":{"conditions":[{"lastTransitionTime":"2026-11-23T16:00:00Z","message":"reconciled","observedGeneration":3,"reason":"Reconciled","status":"True","type":"Reconciled"}]}} true <nil>
	// false <nil> true
}

func ExampleSetCondition() {
	conds := []map[string]any{{"type": "Ready", "status": "False", "reason": "Waiting"}}
	next, changed := desired.SetCondition(conds, desired.Condition(spec, 7), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(changed, len(next), next[0]["type"], next[1]["type"], next[1]["observedGeneration"])
	// Output: true 2 Ready Reconciled 7
}
