package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	kddynamic "github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/informer"
	"github.com/kubedyn/kubedyn/dynamic/shard"
	"github.com/kubedyn/kubedyn/rest"
)

// shardUpdates is how many ConfigMaps each BenchmarkRealServerShards
// iteration changes once the replicas are synced.
const shardUpdates = 200

// wireCount counts what one replica receives: response bytes of lists and
// of watches, and watch events (lines of JSON watch streams).
type wireCount struct {
	listBytes, watchBytes, watchEvents atomic.Int64
}

func (w *wireCount) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(r)
		if err != nil {
			return resp, err
		}
		watching := r.URL.Query().Get("watch") == "true"
		resp.Body = &countBody{ReadCloser: resp.Body, w: w, watch: watching}
		return resp, nil
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type countBody struct {
	io.ReadCloser
	w     *wireCount
	watch bool
}

func (b *countBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.watch {
		b.w.watchBytes.Add(int64(n))
		b.w.watchEvents.Add(int64(bytes.Count(p[:n], []byte{'\n'})))
	} else {
		b.w.listBytes.Add(int64(n))
	}
	return n, err
}

// BenchmarkRealServerShards splits the 1,000 ConfigMaps of
// BenchmarkRealServerList between 1, 2 and 4 sharded informers (one
// client each, JSON on the wire so that watch events can be counted as
// lines), then changes shardUpdates of them, and reports per replica: the
// objects held, the bytes of the initial list, and the watch events and
// bytes received for the changes. Whether the server filters (the
// ShardedListAndWatch gate, mode=server) or the informers do (mode=client)
// is the server's: run it against both (see README.md).
func BenchmarkRealServerShards(b *testing.B) {
	_, kdConfig := realConfigs(b)
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
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			var mode string
			var held, listB, watchB, events float64
			for b.Loop() {
				r := runShards(b, kdConfig, kd.Resource(configMapsGVR).Namespace(ns), n)
				mode, held, listB, watchB, events = r.mode, held+r.held, listB+r.listBytes, watchB+r.watchBytes, events+r.events
			}
			iters := float64(b.N)
			b.ReportMetric(held/iters, "objects/replica")
			b.ReportMetric(listB/iters, "list-B/replica")
			b.ReportMetric(watchB/iters, "watch-B/replica")
			b.ReportMetric(events/iters, "events/replica")
			b.Logf("mode=%s replicas=%d: %d changes", mode, n, shardUpdates)
		})
	}
}

// shardRun is one run's averages per replica.
type shardRun struct {
	mode                                string
	held, listBytes, watchBytes, events float64
}

// runShards starts n sharded informers, waits for their sync, changes
// shardUpdates ConfigMaps, waits until each change reached its owner, and
// returns the averages per replica.
func runShards(b *testing.B, cfg *rest.Config, h *kddynamic.ResourceHandle, n int) shardRun {
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	counts := make([]*wireCount, n)
	infs := make([]*informer.Informer[*k8su.Unstructured], n)
	var updates atomic.Int64
	for i, r := range shard.Split(n) {
		counts[i] = &wireCount{}
		c := *cfg
		c.WrapTransport = counts[i].wrap
		rc, err := rest.NewClient(&c)
		if err != nil {
			b.Fatal(err)
		}
		dc, err := kddynamic.New(rc, kddynamic.Options{Wire: kddynamic.WireJSONOnly})
		if err != nil {
			b.Fatal(err)
		}
		sel, err := shard.NewSelector(shard.KeyUID, shard.Ranges{r})
		if err != nil {
			b.Fatal(err)
		}
		infs[i] = informer.New(dc.Resource(h.GroupVersionResource()).Namespace(h.NamespaceName()),
			informer.Options[*k8su.Unstructured]{Shard: &sel, DisableStreamingList: true})
		infs[i].AddHandler(informer.HandlerFuncs[*k8su.Unstructured]{
			UpdateFunc: func(_, _ *k8su.Unstructured) { updates.Add(1) },
		})
		wg.Add(1)
		go func() { defer wg.Done(); _ = infs[i].Run(ctx) }()
	}
	var out shardRun
	for i, inf := range infs {
		if err := inf.WaitForSync(ctx); err != nil {
			b.Fatal(err)
		}
		out.listBytes += float64(counts[i].listBytes.Load())
	}
	for i := range counts {
		counts[i].watchBytes.Store(0)
		counts[i].watchEvents.Store(0)
	}
	tick := rand.Int64()
	for i := range shardUpdates {
		patch := fmt.Sprintf(`{"metadata":{"annotations":{"bench-shard-tick":"%d-%d"}}}`, tick, i)
		if _, err := h.Patch(ctx, fmt.Sprintf("bench-%05d", i*realListObjects/shardUpdates), types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	for deadline := time.Now().Add(time.Minute); updates.Load() < shardUpdates; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d changes reached their owners", updates.Load(), shardUpdates)
		}
	}
	time.Sleep(200 * time.Millisecond) // the events other replicas may still receive (client mode)
	for i, inf := range infs {
		out.held += float64(inf.Lister().Len())
		out.watchBytes += float64(counts[i].watchBytes.Load())
		out.events += float64(counts[i].watchEvents.Load())
		out.mode = inf.ShardMode()
	}
	fn := float64(n)
	out.held, out.listBytes, out.watchBytes, out.events = out.held/fn, out.listBytes/fn, out.watchBytes/fn, out.events/fn
	return out
}
