package memserver_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/memserver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Start a server, talk to it with kubedyn's dynamic client, close it.
func ExampleStart() {
	ctx := context.Background()
	s, err := memserver.Start(ctx, memserver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	rc, err := rest.NewClient(s.RESTConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	dc, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "hello"},
		"data":     map[string]any{"greeting": "hi"},
	}}
	out, err := dc.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace("default").Create(ctx, cm, metav1.CreateOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.GetName(), out.GetUID() != "")
	// Output: hello true
}

// New starts one server per test and closes it when the test ends.
func ExampleNew() {
	t := &testing.T{} // in a real test, the *testing.T you were given
	s := memserver.New(t, memserver.Options{HistoryEvents: 1000})
	fmt.Println(s.Version())
	// Output: v1.37.2
}

// Run is New with the default options.
func ExampleRun() {
	t := &testing.T{}
	s := memserver.Run(t)
	fmt.Println(s.URL() != "")
	// Output: true
}

// KubeconfigFile lets kubectl, client-go or any other client point at the
// server.
func ExampleServer_KubeconfigFile() {
	s, err := memserver.Start(context.Background(), memserver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	path, err := s.KubeconfigFile()
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = os.Stat(path)
	fmt.Println(err == nil)
	// Output: true
}

// Faults make the next requests fail, for testing a client's retries.
func ExampleServer_ThrottleNext() {
	ctx := context.Background()
	s, err := memserver.Start(ctx, memserver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	cfg := s.RESTConfig()
	cfg.MaxRetries = -1
	rc, _ := rest.NewClient(cfg)
	dc, _ := dynamic.New(rc, dynamic.Options{})
	s.ThrottleNext(1, 1)
	_, err = dc.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).List(ctx, metav1.ListOptions{})
	fmt.Println(err != nil)
	// Output: true
}
