package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgodynamic "k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	kddynamic "github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/memserver"
)

// memserverCreates and memserverCreators are BenchmarkMemserverCreates's
// shape: test/memserver's BenchmarkCreate10000 with each dynamic client.
const (
	memserverCreates  = 10000
	memserverCreators = 32
)

// BenchmarkMemserverCreates: 10,000 ConfigMap creates against one
// memserver from 32 goroutines sharing one dynamic client, client-go's
// (configured by clientcmd from memserver's kubeconfig, no client-side
// rate limit) or kubedyn's, each encoding the object and decoding the
// answer. Then a List checks that all were stored (not timed). The server
// is the same for both, so the difference is the clients'.
func BenchmarkMemserverCreates(b *testing.B) {
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	clients := []struct {
		name string
		make func(b *testing.B, srv *memserver.Server) func(ctx context.Context, obj *unstructured.Unstructured) error
	}{
		{name: "client=client-go", make: func(b *testing.B, srv *memserver.Server) func(context.Context, *unstructured.Unstructured) error {
			path, err := srv.KubeconfigFile()
			if err != nil {
				b.Fatal(err)
			}
			cfg, err := clientcmd.BuildConfigFromFlags("", path)
			if err != nil {
				b.Fatal(err)
			}
			cfg.QPS = -1
			dc, err := clientgodynamic.NewForConfig(cfg)
			if err != nil {
				b.Fatal(err)
			}
			h := dc.Resource(gvr).Namespace("default")
			return func(ctx context.Context, obj *unstructured.Unstructured) error {
				_, err := h.Create(ctx, obj, metav1.CreateOptions{})
				return err
			}
		}},
		{name: "client=kubedyn", make: func(b *testing.B, srv *memserver.Server) func(context.Context, *unstructured.Unstructured) error {
			h := memserverDynamic(b, srv).Resource(gvr).Namespace("default")
			return func(ctx context.Context, obj *unstructured.Unstructured) error {
				_, err := h.Create(ctx, obj, metav1.CreateOptions{})
				return err
			}
		}},
	}
	for _, c := range clients {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				srv := memserver.New(b, memserver.Options{})
				create := c.make(b, srv)
				ctx := context.Background()
				b.StartTimer()
				var wg sync.WaitGroup
				errs := make([]error, memserverCreators)
				for w := range memserverCreators {
					wg.Go(func() {
						for i := w; i < memserverCreates && errs[w] == nil; i += memserverCreators {
							errs[w] = create(ctx, memserverObject("v1", "ConfigMap", fmt.Sprintf("cm-%d", i), "data", map[string]any{"k": "v"}))
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				for _, err := range errs {
					if err != nil {
						b.Fatal(err)
					}
				}
				list, err := memserverDynamic(b, srv).Resource(gvr).Namespace("default").List(ctx, metav1.ListOptions{LabelSelector: "suite=memserver"})
				if err != nil {
					b.Fatal(err)
				}
				if len(list.Items) != memserverCreates {
					b.Fatalf("listed %d ConfigMaps after %d creates", len(list.Items), memserverCreates)
				}
				if err := srv.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// memserverDynamic returns a new kubedyn dynamic client of srv.
func memserverDynamic(b *testing.B, srv *memserver.Server) *kddynamic.Client {
	rc, err := rest.NewClient(srv.RESTConfig())
	if err != nil {
		b.Fatal(err)
	}
	dc, err := kddynamic.New(rc, kddynamic.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return dc
}
