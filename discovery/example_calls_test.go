package discovery_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/rest"
)

// exampleClient returns a Client on exampleServer, which also answers
// /version, and a function that closes the server.
func exampleClient(opts discovery.Options) (*discovery.Client, func(), error) {
	agg := exampleServer()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/version" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"major":"1","minor":"36","gitVersion":"v1.36.3"}`))
			return
		}
		agg.Config.Handler.ServeHTTP(w, r)
	}))
	closeAll := func() { srv.Close(); agg.Close() }
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return discovery.New(rc, opts), closeAll, nil
}

func ExampleNew() {
	// Any *rest.Client works, including one built on a caller's
	// http.Client (for instance with a counting RoundTripper).
	c, done, err := exampleClient(discovery.Options{Mode: discovery.Auto, Concurrency: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	groups, err := c.ServerGroups(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range groups.Groups {
		fmt.Printf("%q %s\n", g.Name, g.PreferredVersion.GroupVersion)
	}
	// Output:
	// "" v1
	// "apps" apps/v1
}

func ExampleClient_ServerVersion() {
	c, done, err := exampleClient(discovery.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	v, err := c.ServerVersion(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.GitVersion)
	// Output:
	// v1.36.3
}

func ExampleClient_ServerPreferredNamespacedResources() {
	c, done, err := exampleClient(discovery.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	lists, err := c.ServerPreferredNamespacedResources(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range lists {
		for _, r := range l.APIResources {
			if !strings.Contains(r.Name, "/") {
				fmt.Println(l.GroupVersion, r.Name)
			}
		}
	}
	// Output:
	// v1 pods
	// apps/v1 deployments
}

func ExampleIsPartial() {
	// /apis reports batch/v1 Stale (its aggregated APIService did not answer).
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
		switch r.URL.Path {
		case "/api":
			w.Write([]byte(`{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[{"metadata":{},"versions":[{"version":"v1","freshness":"Current","resources":[]}]}]}`))
		case "/apis":
			w.Write([]byte(`{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[{"metadata":{"name":"batch"},"versions":[{"version":"v1","freshness":"Stale"}]}]}`))
		}
	}))
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _, err = discovery.New(rc, discovery.Options{}).ServerGroupsAndResources(context.Background())
	var pe *discovery.PartialError
	if discovery.IsPartial(err) && errors.As(err, &pe) {
		for gv, cause := range pe.Failed {
			var stale *discovery.StaleError
			fmt.Println(gv, errors.As(cause, &stale))
		}
	}
	// Output:
	// batch/v1 true
}
