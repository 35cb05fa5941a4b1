package restmapper_test

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/kubedyn/kubedyn/restmapper"
)

func ExampleMapper_RefreshGroup() {
	ctx := context.Background()
	full := recordedSource()
	src := &swappable{StaticSource: full}
	m := restmapper.New(src, restmapper.Options{})
	if _, err := m.Resolve(ctx, "widgets.rmtest.example.com"); err != nil {
		panic(err)
	}
	// The CRDs of rmtest.example.com are deleted; a watch tells us so.
	src.StaticSource = restmapper.StaticSource{}
	for _, g := range full.Groups {
		if g.Name != "rmtest.example.com" {
			src.Groups = append(src.Groups, g)
		}
	}
	src.Resources = full.Resources
	if err := m.RefreshGroup(ctx, "rmtest.example.com"); err != nil {
		panic(err)
	}
	idx, _ := m.Index(ctx)
	_, err := idx.Resolve("widgets.rmtest.example.com")
	fmt.Println(meta.IsNoMatchError(err))
	// Output: true
}

// swappable is a Source whose answers the example changes.
type swappable struct{ restmapper.StaticSource }
