package manifest_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/kubedyn/kubedyn/examples/kdyn/internal/manifest"
)

func ExampleRead() {
	stdin := strings.NewReader(`apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Secret, metadata: {name: b}}
---
metadata: {name: broken}
`)
	docs, err := manifest.Read(context.Background(), []string{"-"}, stdin)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range docs {
		if d.Err != nil {
			fmt.Printf("%s: %v\n", d.Where(), d.Err)
			continue
		}
		fmt.Printf("%s: %s %s\n", d.Where(), d.Object.GetKind(), d.Object.GetName())
	}
	// Output:
	// -: ConfigMap a
	// -: Secret b
	// -: unstructured: manifest document 3 (line 10): Object 'Kind' is missing in '{"metadata":{"name":"broken"}}'
}
