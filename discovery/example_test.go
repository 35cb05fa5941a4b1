package discovery_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/rest"
)

// exampleServer serves a tiny aggregated discovery.
func exampleServer() *httptest.Server {
	const ct = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
	docs := map[string]string{
		"/api": `{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[{"metadata":{},"versions":[{"version":"v1","freshness":"Current","resources":[
			{"resource":"pods","responseKind":{"group":"","version":"v1","kind":"Pod"},"scope":"Namespaced","singularResource":"pod","verbs":["get","list"],"shortNames":["po"],
			 "subresources":[{"subresource":"eviction","responseKind":{"group":"policy","version":"v1","kind":"Eviction"},"verbs":["create"]}]}]}]}]}`,
		"/apis": `{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[{"metadata":{"name":"apps"},"versions":[{"version":"v1","freshness":"Current","resources":[
			{"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"scope":"Namespaced","singularResource":"deployment","verbs":["get","list"]}]}]}]}`,
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ct)
		w.Write([]byte(docs[r.URL.Path]))
	}))
}

func ExampleClient_ServerGroupsAndResources() {
	srv := exampleServer()
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := discovery.New(rc, discovery.Options{})
	_, lists, err := c.ServerGroupsAndResources(context.Background())
	if discovery.IsPartial(err) {
		fmt.Println("some group-versions failed:", err)
	} else if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range lists {
		for _, r := range l.APIResources {
			fmt.Println(l.GroupVersion, r.Name, r.Kind)
		}
	}
	// Output:
	// v1 pods Pod
	// v1 pods/eviction Eviction
	// apps/v1 deployments Deployment
}

func ExampleNewCached() {
	srv := exampleServer()
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{})
	g, _, err := c.ServerGroupAndResources(context.Background(), "apps")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Name, g.PreferredVersion.GroupVersion)
	c.Invalidate("apps") // e.g. on a CRD or APIService event
	// Output:
	// apps apps/v1
}

func ExampleNormalize() {
	srv := exampleServer()
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	groups, lists, err := discovery.New(rc, discovery.Options{Mode: discovery.Aggregated}).ServerGroupsAndResources(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	_, norm := discovery.Normalize(groups, lists)
	fmt.Println(norm[0].GroupVersion, norm[0].APIResources[0].Name)
	// Output:
	// apps/v1 deployments
}
