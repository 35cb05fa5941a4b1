package restmapper

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kubedyn/kubedyn/rest"
)

// TestObserverSeesRefreshes: each discovery run the Mapper makes is
// reported once, with its reason and, for a one-group run, the group.
func TestObserverSeesRefreshes(t *testing.T) {
	full := loadRecorded(t)
	src := &countingSource{src: without(full, "rmtest.example.com")}
	var mu sync.Mutex
	var got []rest.MapperRefreshEvent
	opts := fastOpts
	opts.Observer = rest.ObserverFunc(func(ev rest.Event) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev.(rest.MapperRefreshEvent))
	})
	m := New(src, opts)
	ctx := context.Background()
	if _, err := m.Resolve(ctx, "pods"); err != nil { // first use
		t.Fatal(err)
	}
	if _, err := m.Resolve(ctx, "pods"); err != nil { // a hit: no run
		t.Fatal(err)
	}
	src.set(full)
	if _, err := m.Resolve(ctx, "widgets.rmtest.example.com"); err != nil { // one group
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)                          // MinRefreshInterval
	if _, err := m.Resolve(ctx, "nosuchthings"); err == nil { // a bare name: a full run
		t.Fatal("nosuchthings resolved")
	}
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	m.Reset()
	if _, err := m.Resolve(ctx, "pods"); err != nil {
		t.Fatal(err)
	}
	want := []rest.MapperRefreshEvent{
		{Reason: "first use"},
		{Reason: "no match in group rmtest.example.com", Groups: []string{"rmtest.example.com"}},
		{Reason: "no match for nosuchthings"},
		{Reason: "Refresh"},
		{Reason: "Reset"},
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(rest.MapperRefreshEvent{}, "Duration")); diff != "" {
		t.Errorf("refresh events (-want +got):\n%s", diff)
	}
}
