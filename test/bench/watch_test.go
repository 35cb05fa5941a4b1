package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
	cgdynamic "k8s.io/client-go/dynamic"

	kddynamic "github.com/kubedyn/kubedyn/dynamic"
)

// watchers opens a watch on all pods with each library's dynamic client.
func watchers(tb testing.TB, fs *fixtureServer) []struct {
	name  string
	watch func(context.Context) (watch.Interface, error)
} {
	tb.Helper()
	cg, err := cgdynamic.NewForConfig(clientGoConfig(fs))
	if err != nil {
		tb.Fatal(err)
	}
	kd, err := kddynamic.New(kubedynClient(tb, fs), kddynamic.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return []struct {
		name  string
		watch func(context.Context) (watch.Interface, error)
	}{
		{name: "client-go", watch: func(ctx context.Context) (watch.Interface, error) {
			return cg.Resource(podsGVR).Watch(ctx, metav1.ListOptions{})
		}},
		{name: "kubedyn", watch: func(ctx context.Context) (watch.Interface, error) {
			return kd.Resource(podsGVR).Watch(ctx, metav1.ListOptions{})
		}},
	}
}

// drain reads every event of w until the server ends the stream.
func drain(w watch.Interface) []watch.Event {
	defer w.Stop()
	var out []watch.Event
	for ev := range w.ResultChan() {
		out = append(out, ev)
	}
	return out
}

// BenchmarkWatch measures a whole dynamic Watch: the request over HTTP/2,
// the streamed body, decoding and delivery on ResultChan, for a stream of
// 20,000 realistic pod events.
func BenchmarkWatch(b *testing.B) {
	ctx := context.Background()
	data := watchStreamJSON(b, watchEvents)
	fs := newFixtureServer(b, nil, false, map[string][]byte{"/api/v1/pods?watch": data})
	for _, lib := range watchers(b, fs) {
		b.Run(fmt.Sprintf("events=%d/lib=%s", watchEvents, lib.name), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				w, err := lib.watch(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if n := len(drain(w)); n != watchEvents {
					b.Fatalf("%s delivered %d events, want %d", lib.name, n, watchEvents)
				}
			}
			b.ReportMetric(float64(watchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestEqualWatch checks that both dynamic clients deliver the same events
// (type and object) from the same stream.
func TestEqualWatch(t *testing.T) {
	ctx := context.Background()
	fs := newFixtureServer(t, nil, false, map[string][]byte{"/api/v1/pods?watch": watchStreamJSON(t, 50)})
	var got [][]watch.Event
	for _, lib := range watchers(t, fs) {
		w, err := lib.watch(ctx)
		if err != nil {
			t.Fatalf("%s: %v", lib.name, err)
		}
		got = append(got, drain(w))
	}
	if len(got[0]) != 50 {
		t.Fatalf("client-go delivered %d events, want 50", len(got[0]))
	}
	if diff := cmp.Diff(got[0], got[1], cmp.Comparer(func(a, b *k8su.Unstructured) bool { return cmp.Equal(a.Object, b.Object) })); diff != "" {
		t.Errorf("events (-client-go +kubedyn):\n%s", diff)
	}
}
