package bench

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	cgdiscovery "k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	cgdynamic "k8s.io/client-go/dynamic"
	clientrest "k8s.io/client-go/rest"
	cgrestmapper "k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedyn/kubedyn/discovery"
	kddynamic "github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	kdrestmapper "github.com/kubedyn/kubedyn/restmapper"
)

// realServerEnv names the kubeconfig of a real server for the RealServer
// benchmarks; they skip when it is unset. The local control plane prints it:
// `go run ./test/cluster/cmd/controlplane env` (KUBEDYN_TEST_KUBECONFIG).
const realServerEnv = "KUBEDYN_BENCH_KUBECONFIG"

// realConfigs loads the kubeconfig named by realServerEnv for both
// libraries: client-go with its limiter off and its own transport (as
// clientGoConfig does for the fixture server), kubedyn as rest.Load reads it.
func realConfigs(tb testing.TB) (func() *clientrest.Config, *rest.Config) {
	tb.Helper()
	path := os.Getenv(realServerEnv)
	if path == "" {
		tb.Skipf("%s is not set: no real server to benchmark against", realServerEnv)
	}
	cg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		tb.Fatalf("client-go: load %s: %v", path, err)
	}
	cg.QPS = -1
	kd, err := rest.Load(rest.LoadOptions{KubeconfigPath: path})
	if err != nil {
		tb.Fatalf("kubedyn: load %s: %v", path, err)
	}
	return func() *clientrest.Config {
		c := clientrest.CopyConfig(cg)
		c.Dial = (&net.Dialer{}).DialContext // a fresh transport per call
		return c
	}, kd
}

// BenchmarkRealServerColdDiscoveryMapping: a new client, discovery and the
// first RESTMapping against a real server, each library its own way (the
// kubedyn side in Auto mode, as a user would run it).
func BenchmarkRealServerColdDiscoveryMapping(b *testing.B) {
	cgConfig, kdConfig := realConfigs(b)
	b.Run("lib=client-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			dc, err := cgdiscovery.NewDiscoveryClientForConfig(cgConfig())
			if err != nil {
				b.Fatal(err)
			}
			m := cgrestmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
			if _, err := m.RESTMapping(deploymentGK); err != nil {
				b.Fatalf("client-go RESTMapping %v: %v", deploymentGK, err)
			}
		}
	})
	b.Run("lib=kubedyn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rc, err := rest.NewClient(kdConfig)
			if err != nil {
				b.Fatal(err)
			}
			m := kdrestmapper.New(discovery.New(rc, discovery.Options{}), kdrestmapper.Options{})
			if _, err := m.RESTMapping(deploymentGK); err != nil {
				b.Fatalf("kubedyn RESTMapping %v: %v", deploymentGK, err)
			}
		}
	})
}

// realListObjects is how many ConfigMaps BenchmarkRealServerList lists.
const realListObjects = 1000

var configMapsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// seedConfigMaps makes sure namespace ns holds realListObjects ConfigMaps of
// about 1 KB each (created once; later runs reuse them).
func seedConfigMaps(tb testing.TB, dc *kddynamic.Client, ns string) {
	tb.Helper()
	ctx := context.Background()
	nsObj := &k8su.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
	if _, err := dc.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Create(ctx, nsObj, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		tb.Fatal(err)
	}
	cms := dc.Resource(configMapsGVR).Namespace(ns)
	have, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	for i := len(have.Items); i < realListObjects; i++ {
		cm := &k8su.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": fmt.Sprintf("bench-%05d", i), "labels": map[string]any{"app": "bench", "shard": fmt.Sprint(i % 16)}},
			"data":     map[string]any{"payload": fmt.Sprintf("%0960d", i)},
		}}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			tb.Fatal(err)
		}
	}
}

// BenchmarkRealServerList lists 1,000 ConfigMaps (with managedFields, as
// the server stores them) from a real server through each dynamic client.
func BenchmarkRealServerList(b *testing.B) {
	cgConfig, kdConfig := realConfigs(b)
	rc, err := rest.NewClient(kdConfig)
	if err != nil {
		b.Fatal(err)
	}
	kd, err := kddynamic.New(rc, kddynamic.Options{})
	if err != nil {
		b.Fatal(err)
	}
	const ns = "kubedyn-bench"
	seedConfigMaps(b, kd, ns)
	ctx := context.Background()
	b.Run(fmt.Sprintf("configmaps=%d/lib=client-go", realListObjects), func(b *testing.B) {
		b.ReportAllocs()
		cg, err := cgdynamic.NewForConfig(cgConfig())
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			l, err := cg.Resource(configMapsGVR).Namespace(ns).List(ctx, metav1.ListOptions{})
			if err != nil || len(l.Items) < realListObjects {
				b.Fatalf("client-go List: %d items, %v", len(l.Items), err)
			}
		}
	})
	b.Run(fmt.Sprintf("configmaps=%d/lib=kubedyn", realListObjects), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l, err := kd.Resource(configMapsGVR).Namespace(ns).List(ctx, metav1.ListOptions{})
			if err != nil || len(l.Items) < realListObjects {
				b.Fatalf("kubedyn List: %d items, %v", len(l.Items), err)
			}
		}
	})
}
