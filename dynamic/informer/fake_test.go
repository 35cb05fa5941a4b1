package informer

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
	"github.com/kubedyn/kubedyn/rest"
)

// fakeSource stands in for the server's list and watch in unit tests of
// the informer's own logic; the real server is in the integration tests.
type fakeSource struct {
	mu       sync.Mutex // guards objs, gone, listRV, lists
	objs     map[Key]*unstructured.Unstructured
	gone     bool // list and watch answer 404
	listRV   string
	lists    int
	watches  chan *watch.FakeWatcher
	noStream bool // refuse sendInitialEvents with 400
}

func newFakeSource(objs ...*unstructured.Unstructured) *fakeSource {
	f := &fakeSource{objs: map[Key]*unstructured.Unstructured{}, listRV: "1", watches: make(chan *watch.FakeWatcher, 16), noStream: true}
	for _, o := range objs {
		f.objs[KeyOf(o)] = o
	}
	return f
}

var testGVR = schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}

func (f *fakeSource) notFound() error {
	return apierrors.NewNotFound(testGVR.GroupResource(), "")
}

// set replaces the server's state.
func (f *fakeSource) set(rv string, objs ...*unstructured.Unstructured) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objs = map[Key]*unstructured.Unstructured{}
	for _, o := range objs {
		f.objs[KeyOf(o)] = o
	}
	f.listRV = rv
}

func (f *fakeSource) setGone(gone bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gone = gone
}

func (f *fakeSource) source() listwatch.Source[*unstructured.Unstructured] {
	return listwatch.Source[*unstructured.Unstructured]{
		List: func(ctx context.Context, opts metav1.ListOptions) ([]*unstructured.Unstructured, string, string, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.lists++
			if f.gone {
				return nil, "", "", f.notFound()
			}
			var out []*unstructured.Unstructured
			for _, o := range f.objs {
				out = append(out, o.DeepCopy())
			}
			sortObjects(out)
			return out, f.listRV, "", nil
		},
		Watch: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			f.mu.Lock()
			gone := f.gone
			f.mu.Unlock()
			switch {
			case gone:
				return nil, f.notFound()
			case opts.SendInitialEvents != nil && f.noStream:
				return nil, apierrors.NewBadRequest("sendInitialEvents is not supported")
			}
			w := watch.NewFakeWithChanSize(64, false)
			f.watches <- w
			return w, nil
		},
	}
}

func (f *fakeSource) listCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lists
}

// testHandle is a handle on testGVR; the fake source does its I/O.
func testHandle(t testing.TB) *dynamic.ResourceHandle {
	t.Helper()
	rc, err := rest.NewClient(&rest.Config{Host: "https://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c.Resource(testGVR)
}

func obj(ns, name, rv string, labels map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Widget"}}
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetResourceVersion(rv)
	if labels != nil {
		u.SetLabels(labels)
	}
	return u
}

// recorder is a handler that records each object's events.
type recorder struct {
	mu     sync.Mutex // guards events and states
	events map[string][]string
	states []State
}

func newRecorder() *recorder { return &recorder{events: map[string][]string{}} }

func (r *recorder) add(k, ev string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events[k] = append(r.events[k], ev)
}

func (r *recorder) OnAdd(o *unstructured.Unstructured, initial bool) {
	ev := "add:" + o.GetResourceVersion()
	if initial {
		ev += ":initial"
	}
	r.add(KeyOf(o).String(), ev)
}

func (r *recorder) OnUpdate(old, o *unstructured.Unstructured) {
	r.add(KeyOf(o).String(), "update:"+old.GetResourceVersion()+">"+o.GetResourceVersion())
}

func (r *recorder) OnDelete(o *unstructured.Unstructured) {
	r.add(KeyOf(o).String(), "delete:"+o.GetResourceVersion())
}

func (r *recorder) OnState(s State, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.states = append(r.states, s)
}

func (r *recorder) snapshot() (map[string][]string, []State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := map[string][]string{}
	for k, v := range r.events {
		ev[k] = append([]string(nil), v...)
	}
	return ev, append([]State(nil), r.states...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, v := range r.events {
		n += len(v)
	}
	return n
}

// eventually polls cond until it holds, failing the test after a generous
// timeout: no assertion depends on how fast anything runs.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// keys returns the cache's keys, sorted.
func keys[T Object](l Lister[T]) []string {
	var out []string
	for _, o := range l.List(nil) {
		out = append(out, KeyOf(o).String()+"@"+o.GetResourceVersion())
	}
	sort.Strings(out)
	return out
}

// runInformer runs i until the test ends.
func runInformer[T Object](t *testing.T, i *Informer[T]) context.CancelFunc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- i.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
	return cancel
}

func statusExpired() *metav1.Status {
	return &metav1.Status{Status: metav1.StatusFailure, Code: 410, Reason: metav1.StatusReasonExpired, Message: "too old resource version"}
}

func joinKeys(m map[string][]string) string {
	var ks []string
	for k, v := range m {
		ks = append(ks, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}
