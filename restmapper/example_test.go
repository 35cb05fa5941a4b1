package restmapper_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/kubedyn/kubedyn/restmapper"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// recordedSource returns discovery recorded from a v1.36 control plane with
// the package's test CRDs (group rmtest.example.com and friends). A real
// program passes a discovery client instead.
func recordedSource() restmapper.StaticSource {
	b, err := os.ReadFile("testdata/discovery.json")
	if err != nil {
		panic(err)
	}
	var rec struct {
		Groups    []metav1.APIGroup         `json:"groups"`
		Resources []*metav1.APIResourceList `json:"resources"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		panic(err)
	}
	return restmapper.StaticSource{Groups: rec.Groups, Resources: rec.Resources}
}

func ExampleNew() {
	m := restmapper.New(recordedSource(), restmapper.Options{
		Warn: func(msg string) { fmt.Println("warning:", msg) },
	})
	var _ meta.ResettableRESTMapper = m // drops into anything that takes one
	mp, err := m.Resolve(context.Background(), "po")
	if err != nil {
		panic(err)
	}
	fmt.Println(mp.Resource, mp.Scope.Name())
	// Output:
	// warning: short name "po" could also match lower priority resource widgets.rmtest.example.com
	// /v1, Resource=pods namespace
}

func ExampleMapper_Resolve() {
	m := restmapper.New(recordedSource(), restmapper.Options{})
	ctx := context.Background()
	for _, s := range []string{"hpa.autoscal", "hpa.v1.autoscaling", "horizontalpodautoscalers.v1.autoscaling", "WIDGETS", "DEPLOY", "deploy.APPS"} {
		mp, err := m.Resolve(ctx, s)
		if err != nil {
			fmt.Printf("%s: no match: %v\n", s, meta.IsNoMatchError(err))
			continue
		}
		fmt.Printf("%s: %s\n", s, mp.Resource)
	}
	// Output:
	// hpa.autoscal: autoscaling/v2, Resource=horizontalpodautoscalers
	// hpa.v1.autoscaling: autoscaling/v2, Resource=horizontalpodautoscalers
	// horizontalpodautoscalers.v1.autoscaling: autoscaling/v1, Resource=horizontalpodautoscalers
	// WIDGETS: rmtest.example.com/v1, Resource=widgets
	// DEPLOY: no match: true
	// deploy.APPS: no match: true
}

func ExampleMapper_ResolveAll() {
	m := restmapper.New(recordedSource(), restmapper.Options{})
	ms, err := m.ResolveAll(context.Background(), "rmtest,svc")
	if err != nil {
		panic(err)
	}
	for _, mp := range ms {
		fmt.Println(mp.Resource)
	}
	// Output:
	// rmtest.example.com/v1, Resource=widgets
	// rmtest.example.com/v1beta1, Resource=gadgets
	// /v1, Resource=services
}

func ExampleMapper_Candidates() {
	m := restmapper.New(recordedSource(), restmapper.Options{})
	ms, err := m.Candidates(context.Background(), "things")
	if err != nil {
		panic(err)
	}
	for _, mp := range ms {
		fmt.Println(mp.Resource)
	}
	// Output:
	// alpha.rmtest.example.com/v1, Resource=things
	// zeta.rmtest.example.com/v1, Resource=things
}

func ExampleMapper_RESTMapping() {
	m := restmapper.New(recordedSource(), restmapper.Options{})
	gk := schema.GroupKind{Group: "rmtest.example.com", Kind: "Widget"}
	preferred, _ := m.RESTMapping(gk)
	pinned, _ := m.RESTMapping(gk, "v2alpha1")
	fmt.Println(preferred.Resource)
	fmt.Println(pinned.Resource)
	// Output:
	// rmtest.example.com/v1, Resource=widgets
	// rmtest.example.com/v2alpha1, Resource=widgets
}

func ExampleMapper_KindFor() {
	m := restmapper.New(recordedSource(), restmapper.Options{})
	k, _ := m.KindFor(schema.GroupVersionResource{Resource: "events"})
	fmt.Println(k)
	// Output:
	// /v1, Kind=Event
}

func ExampleMapper_WithContext() {
	m := restmapper.New(recordedSource(), restmapper.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mapper meta.RESTMapper = m.WithContext(ctx) // misses refresh under ctx
	r, _ := mapper.ResourceFor(schema.GroupVersionResource{Resource: "deploy"})
	fmt.Println(r)
	// Output:
	// apps/v1, Resource=deployments
}

func ExampleMapper_Refresh() {
	m := restmapper.New(recordedSource(), restmapper.Options{})
	if err := m.Refresh(context.Background()); err != nil {
		panic(err)
	}
	idx, _ := m.Index(context.Background())
	fmt.Println(len(idx.Groups()) > 0)
	// Output:
	// true
}

func ExampleNewIndex() {
	src := recordedSource()
	idx := restmapper.NewIndex(src.Groups, src.Resources)
	mp, _ := idx.Resolve("Sprocket.rmtest.example.com")
	fmt.Println(mp.Resource, mp.GroupVersionKind.Kind)
	_, err := idx.Resolve("Sprocket") // a kind with no group is looked up in core only, as in kubectl
	fmt.Println(meta.IsNoMatchError(err))
	grs, _ := idx.Category("rmtest")
	fmt.Println(grs)
	// Output:
	// rmtest.example.com/v1, Resource=sprocketz Sprocket
	// true
	// [widgets.rmtest.example.com gadgets.rmtest.example.com]
}

func ExampleParseResourceString() {
	rs, _ := restmapper.ParseResourceString("deployments.v1.apps")
	fmt.Printf("%q %q\n", rs.Full.String(), rs.Partial.String())
	// Output:
	// "apps/v1, Resource=deployments" "v1.apps/, Resource=deployments"
}
