package memserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"

	"golang.org/x/sync/errgroup"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// BenchmarkStartToFirstAnswer: Start, one GET over HTTPS, Close (goal
// 50 ms; the recorded surface is decoded once per process beforehand).
func BenchmarkStartToFirstAnswer(b *testing.B) {
	b.ReportAllocs()
	if _, err := DefaultSurface(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, _, dc := clients(b, Options{})
		if _, err := dc.Resource(nsGVR).Get(context.Background(), "default", metav1.GetOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// createClients is how many clients BenchmarkCreate10000 runs at once, as
// a parallel test suite would. Fewer make it more of a latency test: each
// client waits one round trip per create, and the two cores of the machine
// it was tuned on idle meanwhile (a server answering every create with a
// fixed body took 0.73 s for 10,000 at 8 clients, 0.53 s at 32).
const createClients = 32

// BenchmarkCreate10000 creates 10,000 ConfigMaps over HTTPS (HTTP/2) from
// createClients concurrent clients (goal 1 s per op), then lists them to
// check that each was stored (not timed). With client=rest bodies are sent
// and drained as bytes, so that the number is the server's, not a client
// decoder's; client=dynamic is what a user's test pays, through
// dynamic.ResourceHandle.Create (encoding each object and decoding each
// answer). cpu-s/op is the process's CPU time (user+sys, client and
// server) per 10,000 creates, which unlike the time does not depend on what
// else the machine runs.
func BenchmarkCreate10000(b *testing.B) {
	creates := []struct {
		name   string
		create func(ctx context.Context, rc *rest.Client, dc *dynamic.Client, i int) error
	}{
		{name: "client=rest", create: func(ctx context.Context, rc *rest.Client, _ *dynamic.Client, i int) error {
			body := fmt.Appendf(nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-%d","labels":{"i":"x"}},"data":{"k":"v"}}`, i)
			resp, err := rc.Do(ctx, &rest.Request{Method: "POST", Path: "/api/v1/namespaces/default/configmaps", Body: body})
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			return resp.Body.Close()
		}},
		{name: "client=dynamic", create: func(ctx context.Context, _ *rest.Client, dc *dynamic.Client, i int) error {
			cm := configMap(fmt.Sprintf("cm-%d", i), map[string]any{"i": "x"}, map[string]any{"k": "v"})
			_, err := dc.Resource(cmGVR).Namespace("default").Create(ctx, cm, metav1.CreateOptions{})
			return err
		}},
	}
	for _, c := range creates {
		b.Run(c.name, func(b *testing.B) { benchmarkCreates(b, c.create) })
	}
}

// benchmarkCreates is BenchmarkCreate10000 with one way to create.
func benchmarkCreates(b *testing.B, create func(ctx context.Context, rc *rest.Client, dc *dynamic.Client, i int) error) {
	b.ReportAllocs()
	const n = 10000
	var cpu time.Duration
	for b.Loop() {
		_, rc, dc := clients(b, Options{})
		ctx := context.Background()
		cpu0, cpuOK := cpuTime()
		var g errgroup.Group
		for w := range createClients {
			g.Go(func() error {
				for i := w; i < n; i += createClients {
					if err := create(ctx, rc, dc, i); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if cpu1, ok := cpuTime(); ok && cpuOK {
			cpu += cpu1 - cpu0
		}
		list, err := dc.Resource(cmGVR).Namespace("default").List(ctx, metav1.ListOptions{LabelSelector: "i=x"})
		if err != nil {
			b.Fatal(err)
		}
		if len(list.Items) != n {
			b.Fatalf("listed %d ConfigMaps after %d creates", len(list.Items), n)
		}
		b.StartTimer()
	}
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	}
}

// BenchmarkRetainedMemory reports the heap retained per stored object
// against its JSON size (goal: at most 2x).
func BenchmarkRetainedMemory(b *testing.B) {
	b.ReportAllocs()
	const n = 5000
	for b.Loop() {
		s := New(b, Options{})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		jsonBytes := 0
		for i := range n {
			cm := configMap(fmt.Sprintf("cm-%d", i), map[string]any{"app": "bench"}, map[string]any{"key": fmt.Sprintf("value-%d", i)})
			if err := s.Create(cm); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		s.store.mu.RLock()
		for _, raw := range s.store.tables[cmGVR.GroupResource()] {
			jsonBytes += len(raw)
		}
		s.store.mu.RUnlock()
		retained := float64(after.HeapAlloc) - float64(before.HeapAlloc)
		b.ReportMetric(retained/n, "retained-B/object")
		b.ReportMetric(float64(jsonBytes)/n, "json-B/object")
		b.ReportMetric(retained/float64(jsonBytes), "retained/json")
		runtime.KeepAlive(s)
	}
}

// BenchmarkWatchFanOut: one write reaches 100 open watches.
func BenchmarkWatchFanOut(b *testing.B) {
	b.ReportAllocs()
	_, _, dc := clients(b, Options{})
	ctx := context.Background()
	h := dc.Resource(cmGVR).Namespace("default")
	cm, err := h.Create(ctx, configMap("fan", nil, map[string]any{"n": "0"}), metav1.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var ws []watch.Interface
	for range 100 {
		w, err := h.Watch(ctx, metav1.ListOptions{ResourceVersion: cm.GetResourceVersion()})
		if err != nil {
			b.Fatal(err)
		}
		defer w.Stop()
		ws = append(ws, w)
	}
	i := 0
	for b.Loop() {
		i++
		patch, _ := json.Marshal(map[string]any{"data": map[string]any{"n": fmt.Sprint(i)}})
		if _, err := h.Patch(ctx, "fan", "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil {
			b.Fatal(err)
		}
		for _, w := range ws {
			<-w.ResultChan()
		}
	}
}

// BenchmarkParseSurface is the one-time cost per process of decoding the
// recorded surface, which the first Start pays.
func BenchmarkParseSurface(b *testing.B) {
	b.ReportAllocs()
	raw, err := recordings.ReadFile("testdata/surface-" + DefaultVersion + ".json.gz")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ParseSurface(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateHandler is the server's own cost of one ConfigMap create:
// the handler called directly, without HTTP/2, TLS or a client.
func BenchmarkCreateHandler(b *testing.B) {
	b.ReportAllocs()
	s := New(b, Options{})
	i := 0
	for b.Loop() {
		i++
		body := fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-%d","labels":{"i":"x"}},"data":{"k":"v"}}`, i)
		req := httptest.NewRequest("POST", "https://memserver/api/v1/namespaces/default/configmaps", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.Token())
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
}
