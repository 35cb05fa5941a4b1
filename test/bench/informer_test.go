package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	cgdynamic "k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	kddynamic "github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/informer"
)

var informerCMsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

const informerObjects = 10000

// realisticConfigMap is configmap i as a server returns one created by a
// controller with kubectl-style client-side apply: labels, three data keys
// (one a ~1 KB properties file whose values are the ConfigMap's own, as
// real configuration is, not repeated across objects) and a managedFields
// entry: about 1.9 KB of JSON.
func realisticConfigMap(i int) map[string]any {
	var props strings.Builder
	for n := range 48 {
		fmt.Fprintf(&props, "key.%02d=%016x\n", n, uint64(i+1)*0x9e3779b97f4a7c15^uint64(n)*0xbf58476d1ce4e5b9)
	}
	data := map[string]any{
		"app.properties": props.String(),
		"LOG_FORMAT":     "json",
		"replica":        fmt.Sprint(i),
	}
	return map[string]any{
		"kind": "ConfigMap", "apiVersion": "v1",
		"metadata": map[string]any{
			"name":              fmt.Sprintf("settings-%05d", i),
			"namespace":         "bench",
			"uid":               fmt.Sprintf("2c9e1f7a-0000-4000-8000-%012d", i),
			"resourceVersion":   fmt.Sprint(300000 + i),
			"creationTimestamp": "2026-11-23T09:00:00Z",
			"labels":            map[string]any{"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop", "shard": fmt.Sprint(i % 16)},
			"managedFields": []any{map[string]any{
				"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1", "time": "2026-11-23T09:00:00Z", "fieldsType": "FieldsV1",
				"fieldsV1": map[string]any{
					"f:data":     map[string]any{".": map[string]any{}, "f:LOG_FORMAT": map[string]any{}, "f:app.properties": map[string]any{}, "f:replica": map[string]any{}},
					"f:metadata": map[string]any{"f:labels": map[string]any{".": map[string]any{}, "f:app.kubernetes.io/name": map[string]any{}, "f:app.kubernetes.io/part-of": map[string]any{}, "f:shard": map[string]any{}}},
				},
			}},
		},
		"data": data,
	}
}

// informerPod is realisticPod grown to a ~5.3 KB pod with a sidecar: a
// config checksum annotation, a log-shipping container with its status and
// a PodScheduled condition, with values of its own (checksum, container
// ids) as real pods have.
func informerPod(tb testing.TB, tmpl map[string]any, i int) map[string]any {
	p := realisticPod(tb, tmpl, i)
	p["kind"], p["apiVersion"] = "Pod", "v1"
	md := p["metadata"].(map[string]any)
	md["annotations"].(map[string]any)["checksum/config"] = fmt.Sprintf("%016x%016x%016x%016x", i, i*31, i*131, i*1031)
	spec := p["spec"].(map[string]any)
	spec["containers"] = append(spec["containers"].([]any), map[string]any{
		"name": "log-shipper", "image": "registry.example.com/platform/fluent-bit:3.1.4", "imagePullPolicy": "IfNotPresent",
		"args": []any{"--config=/etc/fluent-bit/fluent-bit.conf", "--storage_path=/var/log/flb"},
		"env": []any{
			map[string]any{"name": "NODE_NAME", "valueFrom": map[string]any{"fieldRef": map[string]any{"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
			map[string]any{"name": "SHIPPER_SHARD", "value": fmt.Sprint(i % 32)},
		},
		"resources":                map[string]any{"limits": map[string]any{"memory": "64Mi"}, "requests": map[string]any{"cpu": "10m", "memory": "32Mi"}},
		"volumeMounts":             []any{map[string]any{"mountPath": "/var/log", "name": "varlog", "readOnly": true}},
		"terminationMessagePath":   "/dev/termination-log",
		"terminationMessagePolicy": "File",
	})
	spec["volumes"] = append(spec["volumes"].([]any), map[string]any{"name": "varlog", "hostPath": map[string]any{"path": "/var/log", "type": ""}})
	st := p["status"].(map[string]any)
	st["conditions"] = append(st["conditions"].([]any), map[string]any{"type": "PodScheduled", "status": "True", "lastProbeTime": nil, "lastTransitionTime": "2026-11-23T09:00:00Z"})
	st["containerStatuses"] = append(st["containerStatuses"].([]any), map[string]any{
		"name": "log-shipper", "ready": true, "restartCount": int64(0), "started": true,
		"image": "registry.example.com/platform/fluent-bit:3.1.4", "imageID": "registry.example.com/platform/fluent-bit@sha256:5d2c1e9f0a7b3c4d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
		"containerID": fmt.Sprintf("containerd://%064x", i*7919+1), "state": map[string]any{"running": map[string]any{"startedAt": "2026-11-23T09:00:03Z"}}, "lastState": map[string]any{},
	})
	return p
}

// informerFixture is a list and its streaming-list form.
type informerFixture struct {
	path   string // collection path
	list   []byte // the List response
	stream []byte // ADDED per object, then the initial-events-end bookmark
}

func newInformerFixture(tb testing.TB, gvr schema.GroupVersionResource, n int) informerFixture {
	tb.Helper()
	var items []map[string]any
	listKind := "ConfigMapList"
	switch gvr {
	case informerCMsGVR:
		for i := range n {
			items = append(items, realisticConfigMap(i))
		}
	case podsGVR:
		tmpl := podTemplate(tb)
		for i := range n {
			items = append(items, informerPod(tb, tmpl, i))
		}
		listKind = "PodList"
	}
	var list, stream bytes.Buffer
	fmt.Fprintf(&list, `{"kind":%q,"apiVersion":"v1","metadata":{"resourceVersion":"400000"},"items":[`, listKind)
	for i, it := range items {
		if i > 0 {
			list.WriteByte(',')
		}
		b := mustMarshal(tb, it)
		list.Write(b)
		fmt.Fprintf(&stream, `{"type":"ADDED","object":%s}`+"\n", b)
	}
	list.WriteString("]}\n")
	kind := listKind[:len(listKind)-len("List")]
	fmt.Fprintf(&stream, `{"type":"BOOKMARK","object":{"kind":%q,"apiVersion":"v1","metadata":{"resourceVersion":"400000","annotations":{"k8s.io/initial-events-end":"true"}}}}`+"\n", kind)
	return informerFixture{path: "/api/v1/" + gvr.Resource, list: list.Bytes(), stream: stream.Bytes()}
}

// newInformerServer serves fx as kube-apiserver 1.36 would, over TLS with
// HTTP/2 like newFixtureServer: the List, the streaming list
// (sendInitialEvents=true) and watches that stay open with no events until
// the client leaves.
func newInformerServer(tb testing.TB, fx informerFixture) *fixtureServer {
	tb.Helper()
	fs := &fixtureServer{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != fx.path {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		q := r.URL.Query()
		if q.Get("watch") != "true" && q.Get("watch") != "1" {
			_, _ = w.Write(fx.list)
			return
		}
		if q.Get("sendInitialEvents") == "true" {
			_, _ = w.Write(fx.stream)
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	srv.EnableHTTP2 = true
	srv.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: 100}
	srv.StartTLS()
	fs.Server = srv
	tb.Cleanup(srv.Close)
	return fs
}

// heapBytes returns the live heap after two full collections.
func heapBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// stripManagedFields is the transform people set on client-go informers.
func stripManagedFields(obj any) (any, error) {
	if u, ok := obj.(*k8su.Unstructured); ok {
		u.SetManagedFields(nil)
	}
	return obj, nil
}

// informerSides are the informers compared: each starts, syncs and returns
// what keeps its cache alive and a stop func.
func informerSides(fs *fixtureServer, gvr schema.GroupVersionResource) []struct {
	name  string
	start func(ctx context.Context, tb testing.TB) (cache func() int, stop func())
} {
	clientGo := func(transform bool) func(ctx context.Context, tb testing.TB) (func() int, func()) {
		return func(ctx context.Context, tb testing.TB) (func() int, func()) {
			dc, err := cgdynamic.NewForConfig(clientGoConfig(fs))
			if err != nil {
				tb.Fatal(err)
			}
			f := dynamicinformer.NewDynamicSharedInformerFactory(dc, 0)
			inf := f.ForResource(gvr).Informer()
			if transform {
				if err := inf.SetTransform(stripManagedFields); err != nil {
					tb.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(ctx)
			f.Start(ctx.Done())
			if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
				tb.Fatal("client-go informer did not sync")
			}
			return func() int { return len(inf.GetStore().ListKeys()) }, func() { cancel(); f.Shutdown() }
		}
	}
	kubedyn := func(opts informer.Options[*k8su.Unstructured]) func(ctx context.Context, tb testing.TB) (func() int, func()) {
		return func(ctx context.Context, tb testing.TB) (func() int, func()) {
			c, err := kddynamic.New(kubedynClient(tb, fs), kddynamic.Options{})
			if err != nil {
				tb.Fatal(err)
			}
			inf := informer.New(c.Resource(gvr), opts)
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = inf.Run(ctx) }()
			if err := inf.WaitForSync(ctx); err != nil {
				tb.Fatal(err)
			}
			return inf.Lister().Len, func() { cancel(); <-done }
		}
	}
	return []struct {
		name  string
		start func(ctx context.Context, tb testing.TB) (func() int, func())
	}{
		// Pairs that run.sh turns into ratios: kubedyn's informer (its
		// compact store, which Lean no longer changes) against client-go's
		// default (target ≤0.2×) and against client-go's with managedFields
		// stripped; and both libraries with no options at all (kubedyn's
		// default is the compact store too). BenchmarkCompactMemory adds
		// kubedyn's trees (StoreTrees) and projections, in one run.
		{"cache=lean-vs-default/lib=client-go", clientGo(false)},
		{"cache=lean-vs-default/lib=kubedyn", kubedyn(informer.Options[*k8su.Unstructured]{Lean: true})},
		{"cache=lean-vs-strip/lib=client-go", clientGo(true)},
		{"cache=lean-vs-strip/lib=kubedyn", kubedyn(informer.Options[*k8su.Unstructured]{Lean: true})},
		{"cache=plain/lib=client-go", clientGo(false)},
		{"cache=plain/lib=kubedyn", kubedyn(informer.Options[*k8su.Unstructured]{})},
		{"cache=trees/lib=kubedyn", kubedyn(informer.Options[*k8su.Unstructured]{StoreTrees: true})},
		{"cache=project2/lib=kubedyn", kubedyn(informer.Options[*k8su.Unstructured]{Project: project2[gvr]})},
	}
}

// BenchmarkInformerMemory measures the live heap an informer's cache of
// 10,000 objects costs, in bytes per cached object: the heap after two
// runtime.GC calls with the informer synced, minus the heap before it was
// made (the fixture bytes are allocated before), divided by the number of
// objects. Both libraries read the same streaming list from the same HTTP/2
// server (client-go v0.36 asks for one by default, as kubedyn does).
// cache=lean-vs-default compares kubedyn's informer (compact store; Lean
// changes nothing there) to client-go's dynamic informer as people use it
// (target ≤0.2×), cache=lean-vs-strip to client-go with a
// managedFields-stripping transform, and cache=plain both with no options;
// cache=trees is kubedyn keeping decoded trees (Options.StoreTrees, the
// store before the compact one) and cache=project2 a two-path projection
// (target ≤0.05× client-go's default).
func BenchmarkInformerMemory(b *testing.B) {
	for _, gvr := range []schema.GroupVersionResource{informerCMsGVR, podsGVR} {
		fx := newInformerFixture(b, gvr, informerObjects)
		fs := newInformerServer(b, fx)
		for _, side := range informerSides(fs, gvr) {
			b.Run(fmt.Sprintf("kind=%s/%s", gvr.Resource, side.name), func(b *testing.B) {
				var total float64
				for range b.N {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
					before := heapBytes()
					size, stop := side.start(ctx, b)
					after := heapBytes()
					if n := size(); n != informerObjects {
						b.Fatalf("cache holds %d objects, want %d", n, informerObjects)
					}
					stop()
					cancel()
					total += float64(after) - float64(before)
				}
				b.ReportMetric(total/float64(b.N)/informerObjects, "B/object")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// TestInformerFixture checks the fixtures both sides read: the list and the
// streaming list carry the same objects.
func TestInformerFixture(t *testing.T) {
	fx := newInformerFixture(t, informerCMsGVR, 3)
	var list metav1.List
	mustUnmarshal(t, fx.list, &list)
	if len(list.Items) != 3 {
		t.Fatalf("list has %d items, want 3", len(list.Items))
	}
	if got := bytes.Count(fx.stream, []byte("\n")); got != 4 {
		t.Errorf("stream has %d events, want 4 (3 ADDED and a bookmark)", got)
	}
}
