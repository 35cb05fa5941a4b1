package memserver

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// seen is one received event, reduced to what tests compare.
type seen struct {
	Type    watch.EventType
	Name    string
	Initial bool // a bookmark carrying the initial-events-end annotation
}

// collect reads n events (or until the stream closes or 5 s pass).
func collect(t *testing.T, w watch.Interface, n int) []seen {
	t.Helper()
	var out []seen
	timeout := time.After(5 * time.Second)
	for len(out) < n {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return out
			}
			s := seen{Type: ev.Type}
			if o, ok := ev.Object.(*unstructured.Unstructured); ok {
				s.Name = o.GetName()
				s.Initial = o.GetAnnotations()[metav1.InitialEventsAnnotationKey] == "true"
			}
			out = append(out, s)
		case <-timeout:
			t.Errorf("got %d of %d events before the timeout: %v", len(out), n, out)
			return out
		}
	}
	return out
}

func TestWatchSelectorTransitions(t *testing.T) {
	_, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	w, err := h.Watch(ctx, metav1.ListOptions{LabelSelector: "app=x", ResourceVersion: "1"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	cm, err := h.Create(ctx, configMap("a", map[string]any{"app": "x"}, nil), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Create(ctx, configMap("other", map[string]any{"app": "y"}, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cm.SetLabels(map[string]string{"app": "y"})
	if cm, err = h.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	cm.SetLabels(map[string]string{"app": "x"})
	if _, err = h.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []seen{{Type: watch.Added, Name: "a"}, {Type: watch.Deleted, Name: "a"}, {Type: watch.Added, Name: "a"}, {Type: watch.Deleted, Name: "a"}}
	if diff := cmp.Diff(want, collect(t, w, len(want))); diff != "" {
		t.Errorf("events (-want +got)\n%s", diff)
	}
}

func TestWatchStarts(t *testing.T) {
	s, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	first, err := h.Create(ctx, configMap("one", nil, nil), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Create(ctx, configMap("two", nil, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	yes := true
	tests := []struct {
		name string
		opts metav1.ListOptions
		want []seen
	}{
		{name: "no resourceVersion: state first", opts: metav1.ListOptions{}, want: []seen{{Type: watch.Added, Name: "one"}, {Type: watch.Added, Name: "two"}}},
		{name: "from a resourceVersion: later events", opts: metav1.ListOptions{ResourceVersion: first.GetResourceVersion()}, want: []seen{{Type: watch.Added, Name: "two"}}},
		{name: "sendInitialEvents ends with a bookmark", opts: metav1.ListOptions{SendInitialEvents: &yes, AllowWatchBookmarks: true, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan},
			want: []seen{{Type: watch.Added, Name: "one"}, {Type: watch.Added, Name: "two"}, {Type: watch.Bookmark, Initial: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := h.Watch(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			if diff := cmp.Diff(tc.want, collect(t, w, len(tc.want))); diff != "" {
				t.Errorf("events (-want +got)\n%s", diff)
			}
		})
	}
	s.CompactHistory()
	w, err := h.Watch(ctx, metav1.ListOptions{ResourceVersion: first.GetResourceVersion()})
	if err == nil {
		got := collect(t, w, 1)
		if len(got) != 1 || got[0].Type != watch.Error {
			t.Errorf("watch older than history: %v, want one ERROR event", got)
		}
		w.Stop()
	}
}

func TestCutWatches(t *testing.T) {
	s, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	w, err := dc.Resource(cmGVR).Namespace("default").Watch(ctx, metav1.ListOptions{ResourceVersion: "1"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	time.Sleep(10 * time.Millisecond)
	s.CutWatches()
	select {
	case _, ok := <-w.ResultChan():
		if ok {
			t.Error("an event arrived instead of the end of the stream")
		}
	case <-time.After(5 * time.Second):
		t.Error("watch still open after CutWatches")
	}
}
