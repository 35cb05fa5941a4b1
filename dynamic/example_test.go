package dynamic_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

// exampleServer stands in for an API server in the examples: it answers
// every request with the body registered for "METHOD PATH" and prints what
// it was sent. Real programs use rest.Load and a real server.
func exampleServer(answers map[string]string) (*dynamic.Client, func()) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		fmt.Printf("server got %s?%s\n", key, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		body, ok := answers[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			body = `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"not found"}`
		}
		io.WriteString(w, body)
	}))
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		panic(err)
	}
	mapper := restmapper.New(restmapper.StaticSource{
		Groups: []metav1.APIGroup{{Name: "apps", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "apps/v1", Version: "v1"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "apps/v1", Version: "v1"}}},
		Resources: []*metav1.APIResourceList{{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			{Name: "deployments", SingularName: "deployment", Namespaced: true, Kind: "Deployment", Verbs: []string{"get", "create"}, ShortNames: []string{"deploy"}}}}},
	}, restmapper.Options{})
	c, err := dynamic.New(rc, dynamic.Options{Mapper: mapper, DefaultNamespace: "default"})
	if err != nil {
		panic(err)
	}
	return c, srv.Close
}

var deployments = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}

func ExampleClient_Resource() {
	c, stop := exampleServer(map[string]string{
		"GET /apis/apps/v1/namespaces/web/deployments/frontend": `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"frontend","namespace":"web"},"spec":{"replicas":3}}`,
	})
	defer stop()
	d, err := c.Resource(deployments).Namespace("web").Get(context.Background(), "frontend", metav1.GetOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	replicas, _, _ := unstructured.NestedInt64(d.Object, "spec", "replicas")
	fmt.Println(d.GetName(), replicas)
	// Output:
	// server got GET /apis/apps/v1/namespaces/web/deployments/frontend?
	// frontend 3
}

func ExampleResourceHandle_Items() {
	c, stop := exampleServer(map[string]string{
		"GET /apis/apps/v1/deployments": `{"apiVersion":"apps/v1","kind":"DeploymentList","metadata":{},"items":[
			{"metadata":{"name":"a","namespace":"x"}},{"metadata":{"name":"b","namespace":"y"}}]}`,
	})
	defer stop()
	for d, err := range c.Resource(deployments).Items(context.Background(), metav1.ListOptions{LabelSelector: "tier=web"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.GetNamespace(), d.GetName(), d.GetKind())
	}
	// Output:
	// server got GET /apis/apps/v1/deployments?labelSelector=tier%3Dweb&limit=500
	// x a Deployment
	// y b Deployment
}

func ExampleResourceHandle_Apply() {
	c, stop := exampleServer(map[string]string{
		"PATCH /apis/apps/v1/namespaces/web/deployments/frontend": `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"frontend","namespace":"web","resourceVersion":"7"}}`,
	})
	defer stop()
	desired := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "frontend"},
		"spec":     map[string]any{"replicas": int64(2)},
	}}
	d, err := c.Resource(deployments).Namespace("web").Apply(context.Background(), "frontend", desired,
		metav1.ApplyOptions{FieldManager: "my-tool", Force: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.GetResourceVersion())
	// Output:
	// server got PATCH /apis/apps/v1/namespaces/web/deployments/frontend?fieldManager=my-tool&force=true
	// 7
}

func ExampleResourceHandle_Patch() {
	c, stop := exampleServer(map[string]string{
		"PATCH /apis/apps/v1/namespaces/web/deployments/frontend": `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"frontend","labels":{"tier":"web"}}}`,
	})
	defer stop()
	d, err := c.Resource(deployments).Namespace("web").Patch(context.Background(), "frontend", types.MergePatchType,
		[]byte(`{"metadata":{"labels":{"tier":"web"}}}`), metav1.PatchOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.GetLabels())
	// Output:
	// server got PATCH /apis/apps/v1/namespaces/web/deployments/frontend?
	// map[tier:web]
}

func ExampleResourceHandle_Watch() {
	c, stop := exampleServer(map[string]string{
		"GET /apis/apps/v1/namespaces/web/deployments": `{"type":"ADDED","object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","resourceVersion":"8"}}}
{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old resource version"}}`,
	})
	defer stop()
	w, err := c.Resource(deployments).Namespace("web").Watch(context.Background(), metav1.ListOptions{ResourceVersion: "7"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		switch obj := ev.Object.(type) {
		case *unstructured.Unstructured:
			fmt.Println(ev.Type, obj.GetName())
		case *metav1.Status:
			fmt.Println(ev.Type, obj.Reason, obj.Code)
		}
	}
	// Output:
	// server got GET /apis/apps/v1/namespaces/web/deployments?resourceVersion=7&watch=true
	// ADDED a
	// ERROR Expired 410
}

func ExampleClient_ForObject() {
	c, stop := exampleServer(map[string]string{
		"POST /apis/apps/v1/namespaces/default/deployments": `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"frontend","namespace":"default","uid":"u-1"}}`,
	})
	defer stop()
	manifest := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "frontend"},
	}}
	ctx := context.Background()
	h, err := c.ForObject(ctx, manifest) // Deployment → deployments, namespaced → the default namespace
	if err != nil {
		fmt.Println(err)
		return
	}
	created, err := h.Create(ctx, manifest, metav1.CreateOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(created.GetNamespace(), created.GetUID())
	_, err = c.ForObject(ctx, &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Gizmo"}})
	fmt.Println(strings.Contains(err.Error(), "no matches for kind"))
	// Output:
	// server got POST /apis/apps/v1/namespaces/default/deployments?
	// default u-1
	// true
}
