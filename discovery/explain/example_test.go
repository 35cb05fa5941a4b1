package explain_test

import (
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery/explain"
)

// Example looks up a Job's containers' image pull policy in the batch/v1
// document (which a program reads with discovery's OpenAPIV3Schema).
func Example() {
	data, err := os.ReadFile("testdata/batch.k8s.io_v1.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, err := explain.Parse(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	gvk, err := doc.KindFor(schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := doc.Lookup(gvk, "spec", "template", "spec", "containers")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(gvk.Kind, f.Name, f.Type, "required:", f.Required)
	for _, c := range f.Fields() {
		if c.Name == "imagePullPolicy" || c.Name == "ports" {
			fmt.Println(" ", c.Name, c.Type, c.Enum, c.ListType, c.MapKeys)
		}
	}
	// Output:
	// Job containers []Container required: true
	//   imagePullPolicy string [Always IfNotPresent Never]  []
	//   ports []ContainerPort [] map [containerPort protocol]
}
