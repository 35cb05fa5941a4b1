package informer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestRunDeliversEachChangeOnce drives an informer through a sync, watch
// events, an expired resourceVersion and the relist that follows, and
// checks each object's events: one per change, none twice.
// Both engines are run: trees (as sharded informers and Transforms read)
// and compact objects from the wire.
func TestRunDeliversEachChangeOnce(t *testing.T) {
	for _, engine := range []string{"trees", "compact"} {
		t.Run("engine="+engine, func(t *testing.T) { runDeliversEachChangeOnce(t, engine == "compact") })
	}
}

func runDeliversEachChangeOnce(t *testing.T, compactEngine bool) {
	src := newFakeSource(obj("ns", "a", "1", nil), obj("ns", "b", "1", nil), obj("ns", "c", "1", nil))
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{}, src.source())
	if compactEngine {
		withCompactEngine(inf)
	}
	rec := newRecorder()
	reg := inf.AddHandler(rec)
	runInformer(t, inf)
	if err := inf.WaitForSync(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the handler to sync", reg.HasSynced)

	w := <-src.watches
	w.Modify(obj("ns", "b", "2", nil))
	w.Add(obj("ns", "d", "3", nil))
	w.Delete(obj("ns", "c", "4", nil))
	w.Delete(obj("ns", "never", "4", nil)) // not cached: nothing to tell
	// While the watch is down the server moves on: b changes again, d goes,
	// e comes. The relist after the expiry delivers exactly that.
	src.set("6", obj("ns", "a", "1", nil), obj("ns", "b", "5", nil), obj("ns", "e", "6", nil))
	w.Error(statusExpired())
	<-src.watches // the watch after the relist

	want := map[string][]string{
		"ns/a": {"add:1:initial"},
		"ns/b": {"add:1:initial", "update:1>2", "update:2>5"},
		"ns/c": {"add:1:initial", "delete:4"},
		"ns/d": {"add:3", "delete:3"},
		"ns/e": {"add:6"},
	}
	eventually(t, "9 events", func() bool { return rec.count() >= 9 })
	got, states := rec.snapshot()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events per object (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ns/a@1", "ns/b@5", "ns/e@6"}, keys(inf.Lister())); diff != "" {
		t.Errorf("cache (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]State{StateSynced}, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
}

// TestResumeAfterCut checks that a watch that ends (a dropped connection)
// is resumed from the last resourceVersion, with no list.
func TestResumeAfterCut(t *testing.T) {
	src := newFakeSource(obj("ns", "a", "1", nil))
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{}, src.source())
	rec := newRecorder()
	inf.AddHandler(rec)
	runInformer(t, inf)
	w := <-src.watches
	w.Modify(obj("ns", "a", "2", nil))
	w.Stop()
	w = <-src.watches
	w.Modify(obj("ns", "a", "3", nil))
	eventually(t, "3 events", func() bool { return rec.count() >= 3 })
	got, _ := rec.snapshot()
	if diff := cmp.Diff(map[string][]string{"ns/a": {"add:1:initial", "update:1>2", "update:2>3"}}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if n := src.listCount(); n != 1 {
		t.Errorf("%d lists, want 1: a cut watch resumes without listing", n)
	}
}

// fakeNotifier is a Notifier the test signals by hand.
type fakeNotifier struct {
	ch chan struct{}
}

func (n *fakeNotifier) Subscribe(group string) (<-chan struct{}, func()) {
	return n.ch, func() {}
}

// TestGoneAndBack deletes the resource under a running informer: its
// objects are deleted from the cache, handlers hear StateGone; when the
// resource is back (told by a Notifier, with polling made too slow to
// matter) it syncs again.
func TestGoneAndBack(t *testing.T) {
	src := newFakeSource(obj("ns", "a", "1", nil), obj("ns", "b", "1", nil))
	notifier := &fakeNotifier{ch: make(chan struct{}, 1)}
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{Notifier: notifier, GonePoll: time.Hour}, src.source())
	rec := newRecorder()
	inf.AddHandler(rec)
	runInformer(t, inf)
	w := <-src.watches
	src.setGone(true)
	w.Stop() // the server ends the watch; the next one is refused with 404
	eventually(t, "StateGone", func() bool { s, _ := inf.State(); return s == StateGone })
	if n := inf.Lister().Len(); n != 0 {
		t.Errorf("cache holds %d objects while the resource is gone, want 0", n)
	}
	if _, err := inf.State(); err == nil {
		t.Error("State gives no error for StateGone")
	}
	src.set("7", obj("ns", "c", "7", nil))
	src.setGone(false)
	notifier.ch <- struct{}{}
	<-src.watches
	eventually(t, "StateSynced again", func() bool { s, _ := inf.State(); return s == StateSynced })
	eventually(t, "5 events", func() bool { return rec.count() >= 5 })
	got, states := rec.snapshot()
	want := map[string][]string{
		"ns/a": {"add:1:initial", "delete:1"},
		"ns/b": {"add:1:initial", "delete:1"},
		"ns/c": {"add:7"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]State{StateSynced, StateGone, StateStarting, StateSynced}, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
}

// TestNotifierStopsRunningInformer: discovery says the resource left (the
// list answers 404) after a Notifier signal: the informer goes to
// StateGone without waiting for its watch to fail.
func TestNotifierStopsRunningInformer(t *testing.T) {
	src := newFakeSource(obj("ns", "a", "1", nil))
	notifier := &fakeNotifier{ch: make(chan struct{}, 1)}
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{Notifier: notifier, GonePoll: time.Hour}, src.source())
	runInformer(t, inf)
	<-src.watches
	src.setGone(true)
	notifier.ch <- struct{}{}
	eventually(t, "StateGone", func() bool { s, _ := inf.State(); return s == StateGone })
}

// TestLateHandlerReplay adds a handler to a synced informer: it gets the
// cache as initial adds, then HasSynced.
func TestLateHandlerReplay(t *testing.T) {
	src := newFakeSource(obj("ns", "a", "1", nil), obj("", "cluster", "1", nil))
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{}, src.source())
	runInformer(t, inf)
	if err := inf.WaitForSync(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	reg := inf.AddHandler(rec)
	eventually(t, "the late handler to sync", reg.HasSynced)
	got, states := rec.snapshot()
	if diff := cmp.Diff(map[string][]string{"ns/a": {"add:1:initial"}, "cluster": {"add:1:initial"}}, got); diff != "" {
		t.Errorf("replay (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]State{StateSynced}, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	reg.Remove()
	w := <-src.watches
	w.Add(obj("ns", "z", "2", nil))
	eventually(t, "the cache to get z", func() bool { _, ok := inf.Lister().Namespace("ns").Get("z"); return ok })
	if got, _ := rec.snapshot(); len(got["ns/z"]) != 0 {
		t.Errorf("a removed handler was called: %v", got["ns/z"])
	}
}

// TestResync calls OnUpdate(obj, obj) for every object at each period.
func TestResync(t *testing.T) {
	src := newFakeSource(obj("ns", "a", "1", nil))
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{ResyncPeriod: 10 * time.Millisecond}, src.source())
	rec := newRecorder()
	inf.AddHandler(rec)
	runInformer(t, inf)
	eventually(t, "two resyncs", func() bool { return rec.count() >= 3 })
	got, _ := rec.snapshot()
	if diff := cmp.Diff([]string{"add:1:initial", "update:1>1", "update:1>1"}, got["ns/a"][:3]); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestRunTwice refuses a second Run.
func TestRunTwice(t *testing.T) {
	src := newFakeSource()
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{}, src.source())
	cancel := runInformer(t, inf)
	defer cancel()
	if err := inf.WaitForSync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := inf.Run(context.Background()); err == nil {
		t.Error("a second Run returned no error")
	}
}

// TestWaitForSyncTimeout names the resource when ctx ends first.
func TestWaitForSyncTimeout(t *testing.T) {
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{}, newFakeSource().source())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := inf.WaitForSync(ctx)
	if err == nil || !strings.Contains(err.Error(), "widgets.v1.example.com") {
		t.Errorf("WaitForSync = %v, want an error naming widgets.v1.example.com", err)
	}
}

// TestDuplicateEventIgnored drops a watch event whose resourceVersion the
// cache already holds: a change is told once.
func TestDuplicateEventIgnored(t *testing.T) {
	src := newFakeSource(obj("ns", "a", "1", nil))
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{}, src.source())
	rec := newRecorder()
	inf.AddHandler(rec)
	runInformer(t, inf)
	w := <-src.watches
	w.Modify(obj("ns", "a", "1", nil))
	w.Modify(obj("ns", "a", "2", nil))
	eventually(t, "the update to 2", func() bool { got, _ := rec.snapshot(); return len(got["ns/a"]) >= 2 })
	got, _ := rec.snapshot()
	if diff := cmp.Diff([]string{"add:1:initial", "update:1>2"}, got["ns/a"]); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestHandlerAfterStop gets the replay of what was cached, then nothing:
// its goroutine ends.
func TestHandlerAfterStop(t *testing.T) {
	src := newFakeSource(obj("ns", "a", "1", nil))
	inf := newInformer(testHandle(t), Options[*unstructured.Unstructured]{}, src.source())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- inf.Run(ctx) }()
	if err := inf.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	rec := newRecorder()
	inf.AddHandler(rec)
	eventually(t, "the replay", func() bool { return rec.count() == 1 })
	if _, states := rec.snapshot(); !cmp.Equal(states, []State{StateStopped}) {
		t.Errorf("states %v, want [stopped]", states)
	}
}
