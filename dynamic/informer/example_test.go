package informer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/informer"
	"github.com/kubedyn/kubedyn/rest"
)

var widgets = schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}

// exampleServer stands in for an API server serving three widgets: a
// streaming list (ADDED events, then the initial-events-end bookmark), in
// full or in the metadata view, and watches that stay open. Real programs
// use rest.Load and a real server.
func exampleServer() (*dynamic.Client, func()) {
	objects := []string{
		`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a","namespace":"shop","resourceVersion":"11","labels":{"app":"web"},"managedFields":[{"manager":"kubectl"}]},"spec":{"color":"red"}}`,
		`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"b","namespace":"shop","resourceVersion":"12","labels":{"app":"db"}},"spec":{"color":"blue"}}`,
		`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"c","namespace":"lab","resourceVersion":"13","labels":{"app":"web"}},"spec":{"color":"red"}}`,
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		metadata := strings.Contains(r.Header.Get("Accept"), "PartialObjectMetadata")
		if r.URL.Query().Get("sendInitialEvents") == "true" {
			for _, o := range objects {
				if metadata {
					o = strings.Replace(o, `"apiVersion":"example.com/v1","kind":"Widget"`, `"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata"`, 1)
					o = o[:strings.Index(o, `,"spec"`)] + "}"
				}
				fmt.Fprintf(w, `{"type":"ADDED","object":%s}`+"\n", o)
			}
			kind := `"apiVersion":"example.com/v1","kind":"Widget"`
			if metadata {
				kind = `"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata"`
			}
			fmt.Fprintf(w, `{"type":"BOOKMARK","object":{%s,"metadata":{"resourceVersion":"13","annotations":{"k8s.io/initial-events-end":"true"}}}}`+"\n", kind)
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		panic(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		panic(err)
	}
	return c, srv.Close
}

func ExampleNew() {
	c, stop := exampleServer()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inf := informer.New(c.Resource(widgets), informer.Options[*unstructured.Unstructured]{Lean: true})
	added := make(chan string, 3)
	inf.AddHandler(informer.HandlerFuncs[*unstructured.Unstructured]{
		AddFunc: func(obj *unstructured.Unstructured, initial bool) { added <- informer.KeyOf(obj).String() },
	})
	done := make(chan error)
	go func() { done <- inf.Run(ctx) }()
	if err := inf.WaitForSync(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		fmt.Println("added", <-added)
	}
	a, _ := inf.Lister().Namespace("shop").Get("a")
	fmt.Println("managedFields kept:", a.GetManagedFields() != nil)
	cancel()
	fmt.Println(<-done)
	// Output:
	// added shop/a
	// added shop/b
	// added lab/c
	// managedFields kept: false
	// context canceled
}

func ExampleLister() {
	c, stop := exampleServer()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inf := informer.New(c.Resource(widgets), informer.Options[*unstructured.Unstructured]{
		Indexers: informer.Indexers[*unstructured.Unstructured]{
			"color": informer.IndexByField("spec", "color"),
		},
	})
	go inf.Run(ctx)
	if err := inf.WaitForSync(ctx); err != nil {
		fmt.Println(err)
		return
	}
	web := labels.SelectorFromSet(labels.Set{"app": "web"})
	for _, w := range inf.Lister().List(web) {
		fmt.Println("app=web:", informer.KeyOf(w))
	}
	for _, w := range inf.Lister().Namespace("shop").List(nil) {
		fmt.Println("in shop:", w.GetName())
	}
	red, _ := inf.Lister().ByIndex("color", "red")
	fmt.Println("red:", len(red))
	// Output:
	// app=web: lab/c
	// app=web: shop/a
	// in shop: a
	// in shop: b
	// red: 2
}

func ExampleNewMetadata() {
	c, stop := exampleServer()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inf := informer.NewMetadata(c.Resource(widgets), informer.Options[*metav1.PartialObjectMetadata]{})
	go inf.Run(ctx)
	if err := inf.WaitForSync(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range inf.Lister().List(nil) {
		fmt.Println(m.Kind, m.Namespace, m.Name, m.Labels["app"])
	}
	// Output:
	// PartialObjectMetadata lab c web
	// PartialObjectMetadata shop a web
	// PartialObjectMetadata shop b db
}

func ExampleNewFactory() {
	c, stop := exampleServer()
	defer stop()
	f := informer.NewFactory(c, informer.FactoryOptions{Namespace: "shop"})
	// Two consumers of widgets share one informer: one list, one watch.
	first, second := f.ForResource(widgets), f.ForResource(widgets)
	f.Start(context.Background())
	defer f.Shutdown()
	if err := f.WaitForCacheSync(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(first == second, first.Lister().Len())
	// Output:
	// true 3
}

func ExampleInformer_State() {
	c, stop := exampleServer()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inf := informer.New(c.Resource(widgets), informer.Options[*unstructured.Unstructured]{})
	states := make(chan informer.State, 4)
	inf.AddHandler(informer.HandlerFuncs[*unstructured.Unstructured]{
		StateFunc: func(s informer.State, err error) { states <- s },
	})
	done := make(chan error)
	go func() { done <- inf.Run(ctx) }()
	fmt.Println(<-states)
	cancel()
	<-done
	fmt.Println(<-states)
	// Output:
	// synced
	// stopped
}

func ExampleLeanUnstructured() {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "a", "managedFields": []any{map[string]any{"manager": "kubectl"}}},
		"data":     map[string]any{"k": "v"},
	}}
	u, _ = informer.LeanUnstructured(u)
	fmt.Println(u.GetManagedFields() == nil, u.Object["data"])
	// Output:
	// true map[k:v]
}

func ExampleBroadcaster() {
	b := informer.NewBroadcaster()
	changed, cancel := b.Subscribe("example.com")
	defer cancel()
	// An event source (a CRD watch, dynamic/follow's Follower) calls Notify.
	b.Notify("example.com")
	<-changed
	fmt.Println("example.com changed")
	// Output:
	// example.com changed
}
