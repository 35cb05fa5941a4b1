package listwatch

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
)

func reportObj(name, rv string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}}
	u.SetName(name)
	u.SetNamespace("ns")
	u.SetResourceVersion(rv)
	return u
}

// TestReport: the engine tells Options.Report of each reconnect (a watch
// that ended, resumed from its resourceVersion) and of each relist after
// an expiry, with the objects the new list held.
func TestReport(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	lists, watches := 0, 0
	src := Source[*unstructured.Unstructured]{
		List: func(context.Context, metav1.ListOptions) ([]*unstructured.Unstructured, string, string, error) {
			mu.Lock()
			defer mu.Unlock()
			lists++
			var items []*unstructured.Unstructured
			for n := range lists + 1 { // 2 objects, then 3
				items = append(items, reportObj("cm"+strconv.Itoa(n), "10"))
			}
			return items, "10", "", nil
		},
		Watch: func(ctx context.Context, _ metav1.ListOptions) (watch.Interface, error) {
			mu.Lock()
			watches++
			n := watches
			mu.Unlock()
			ch := make(chan watch.Event, 1)
			switch n {
			case 1: // one change, then the stream closes cleanly
				ch <- watch.Event{Type: watch.Added, Object: reportObj("new", "11")}
				close(ch)
			case 2: // the resourceVersion expired
				ch <- watch.Event{Type: watch.Error, Object: &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusGone, Reason: metav1.StatusReasonExpired, Message: "too old"}}
				close(ch)
			default: // quiet until the test ends
				go func() { <-ctx.Done(); close(ch) }()
			}
			return watch.NewProxyWatcher(ch), nil
		},
	}
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	var got []string
	done := make(chan struct{})
	report := func(ev rest.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case rest.WatchReconnectEvent:
			got = append(got, "reconnect "+e.Resource+" "+e.Namespace+" cause="+strconv.FormatBool(e.Cause != nil))
		case rest.RelistEvent:
			got = append(got, "relist "+e.Resource+" "+e.Namespace+" items="+strconv.Itoa(e.Items)+" cause="+strconv.FormatBool(e.Cause != nil))
			close(done)
		}
	}
	go func() {
		_ = Run(ctx, src, Options[*unstructured.Unstructured]{Record: RecordKeys, Report: report, Resource: gvr, Namespace: "ns",
			FirstBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, func(Event[*unstructured.Unstructured]) bool { return true })
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no relist reported within 10s")
	}
	cancel()
	mu.Lock()
	defer mu.Unlock()
	want := []string{"reconnect configmaps ns cause=false", "relist configmaps ns items=3 cause=true"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
}
