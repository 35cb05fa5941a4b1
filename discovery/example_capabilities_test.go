package discovery_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/rest"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func ExampleClient_Snapshot() {
	srv := exampleServer()
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	snap, err := discovery.New(rc, discovery.Options{}).Snapshot(context.Background())
	if err != nil && !discovery.IsPartial(err) {
		fmt.Println(err)
		return
	}
	pods, ok := snap.Resource(schema.GroupVersionResource{Version: "v1", Resource: "pods"})
	if !ok {
		fmt.Println("pods are not served")
		return
	}
	fmt.Println(pods.Kind, "namespaced:", pods.Namespaced, "watch:", pods.Supports(discovery.VerbWatch))
	if ev, ok := pods.Subresource("eviction"); ok {
		fmt.Println("eviction:", ev.Kind, ev.Verbs)
	}
	_, ok = pods.Subresource("status")
	fmt.Println("status:", ok)
	// Output:
	// Pod namespaced: true watch: false
	// eviction: policy/v1, Kind=Eviction [create]
	// status: false
}

func ExampleClient_Resource() {
	// Resource reads the legacy list of one group-version: one request.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/apis/apps/v1" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[
			{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get","list","watch","patch"],"shortNames":["deploy"]},
			{"name":"deployments/scale","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},
			{"name":"deployments/status","namespaced":true,"kind":"Deployment","verbs":["get","patch","update"]}]}`))
	}))
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := discovery.New(rc, discovery.Options{})
	for _, gvr := range []schema.GroupVersionResource{
		{Group: "apps", Version: "v1", Resource: "deployments"},
		{Group: "apps", Version: "v1", Resource: "statefulsets"},
		{Group: "example.com", Version: "v1", Resource: "widgets"},
	} {
		caps, served, err := c.Resource(context.Background(), gvr)
		switch {
		case err != nil:
			fmt.Println(err)
		case !served:
			fmt.Println(gvr.Resource, "not served")
		default:
			scale, _ := caps.Subresource("scale")
			fmt.Println(caps.Kind, caps.ShortNames, "patch:", caps.Supports(discovery.VerbPatch), "scale:", scale.Kind)
		}
	}
	// Output:
	// Deployment [deploy] patch: true scale: autoscaling/v1, Kind=Scale
	// statefulsets not served
	// widgets not served
}
