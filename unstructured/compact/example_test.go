package compact_test

import (
	"fmt"
	"strings"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

const examplePod = `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop",
"labels":{"app":"web"},"managedFields":[{"manager":"kubelet"}]},
"spec":{"nodeName":"node-1","containers":[{"name":"web","image":"nginx"}]},
"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}`

// A cache decodes each object from the wire straight into its compact
// form, reads keys and labels in place, and builds a tree when a caller
// asks for the object.
func Example() {
	plan, err := compact.NewPlan(compact.Options{}) // whole objects, no managedFields
	if err != nil {
		panic(err)
	}
	b := compact.NewBuilder(compact.NewTable(), plan)
	obj, err := kdu.DecodeCompact(strings.NewReader(examplePod), b)
	if err != nil {
		panic(err)
	}
	fmt.Println(obj.GetNamespace(), obj.GetName(), obj.Labels().Get("app"))
	u := obj.Unstructured() // a new tree, the caller's
	phase := u.Object["status"].(map[string]any)["phase"]
	fmt.Println(phase, u.GetManagedFields() == nil)
	// Output:
	// shop web-0 web
	// Running true
}

// A projection keeps the metadata and the named paths, and says so.
func ExampleOptions_project() {
	plan, err := compact.NewPlan(compact.Options{Project: []string{"spec.nodeName", "status.conditions"}})
	if err != nil {
		panic(err)
	}
	obj, err := kdu.DecodeCompact(strings.NewReader(examplePod), compact.NewBuilder(compact.NewTable(), plan))
	if err != nil {
		panic(err)
	}
	u := obj.Unstructured()
	fmt.Println(u.GetAnnotations()[compact.ProjectionAnnotation])
	_, hasContainers := u.Object["spec"].(map[string]any)["containers"]
	_, hasPhase := u.Object["status"].(map[string]any)["phase"]
	fmt.Println(hasContainers, hasPhase)
	// Output:
	// spec.nodeName,status.conditions
	// false false
}
