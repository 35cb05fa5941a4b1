package memserver

import (
	"strconv"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// fakeClock is a settable Clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) step(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func TestHistoryWindow(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	_, _, dc := clients(t, Options{Clock: clock, HistoryWindow: time.Minute})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	first, err := h.Create(ctx, configMap("old", nil, nil), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := first.GetCreationTimestamp().Time; !got.Equal(clock.Now()) {
		t.Errorf("creationTimestamp %v, want the clock's %v", got, clock.Now())
	}
	clock.step(2 * time.Minute)
	if _, err := h.Create(ctx, configMap("new", nil, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Events after first's resourceVersion are all kept ("new" only); the
	// event that created first is gone, so a watch from before it expires.
	before := strconv.FormatUint(rvOf([]byte(`{"metadata":{"resourceVersion":"`+first.GetResourceVersion()+`"}}`))-1, 10)
	w, err := h.Watch(ctx, metav1.ListOptions{ResourceVersion: before})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if got := collect(t, w, 1); len(got) != 1 || got[0].Type != watch.Error {
		t.Errorf("watch from before the window: %v, want one ERROR (410)", got)
	}
}
