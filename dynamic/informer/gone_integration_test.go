package informer

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Split(strings.TrimSpace(s.b.String()), "\n")
}

// TestIntegrationCRDDeletedAndRecreated deletes the CRD under a running
// informer: its objects are deleted from the cache, handlers hear
// StateGone, and nothing is logged while it stays gone; when the CRD is
// created again the informer syncs again on its own.
func TestIntegrationCRDDeletedAndRecreated(t *testing.T) {
	env := cluster.Get(t)
	ctx, cancel := waitTimeout()
	defer cancel()
	ns := env.Namespace(t)
	c, _, _ := testClient(t, env, false)
	crd, gvr := widgetCRD()
	createCRD(ctx, t, c, crd, gvr)
	t.Cleanup(func() { _ = c.Resource(crdsGVR).Delete(ctx, crd.GetName(), metav1.DeleteOptions{}) })
	widgets := c.Resource(gvr).Namespace(ns)
	for _, name := range []string{"a", "b"} {
		if _, err := widgets.Create(ctx, widget(gvr, ns, name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	logs := &syncBuffer{}
	inf := New(c.Resource(gvr), Options[*unstructured.Unstructured]{
		Discovery: discovery.New(restClient(t, env), discovery.Options{}),
		GonePoll:  2 * time.Second,
		Logger:    slog.New(slog.NewTextHandler(logs, nil)),
	})
	rec := newRecorder()
	inf.AddHandler(rec)
	runInformer(t, inf)
	if err := inf.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}

	if err := c.Resource(crdsGVR).Delete(ctx, crd.GetName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "StateGone", func() bool { s, _ := inf.State(); return s == StateGone })
	if n := inf.Lister().Len(); n != 0 {
		t.Errorf("cache holds %d widgets after the CRD was deleted", n)
	}
	eventually(t, "the CRD to be gone", func() bool {
		_, err := c.Resource(crdsGVR).Get(ctx, crd.GetName(), metav1.GetOptions{})
		return err != nil
	})
	// Some polls pass while the resource is gone: none may log.
	goneLines := len(logs.lines())
	time.Sleep(3 * time.Second)
	if n := len(logs.lines()); n != goneLines {
		t.Errorf("%d lines logged while the resource stayed gone: %q", n-goneLines, logs.lines()[goneLines:])
	}

	createCRD(ctx, t, c, crd, gvr)
	if _, err := widgets.Create(ctx, widget(gvr, ns, "c"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "widget c in the cache", func() bool { _, ok := inf.Lister().Namespace(ns).Get("c"); return ok })
	eventually(t, "the handler to see c", func() bool { got, _ := rec.snapshot(); return len(got[ns+"/c"]) > 0 })
	got, states := rec.snapshot()
	for _, name := range []string{"a", "b"} {
		evs := got[ns+"/"+name]
		if len(evs) != 2 || !strings.HasPrefix(evs[0], "add:") || !strings.HasPrefix(evs[1], "delete:") {
			t.Errorf("%s: events %v, want an add then a delete", name, evs)
		}
	}
	if evs := got[ns+"/c"]; len(evs) != 1 || !strings.HasPrefix(evs[0], "add:") {
		t.Errorf("c: events %v, want one add", evs)
	}
	if d := cmp.Diff([]State{StateSynced, StateGone, StateStarting, StateSynced}, states); d != "" {
		t.Errorf("states (-want +got):\n%s", d)
	}
	if lines := logs.lines(); len(lines) > 5 {
		t.Errorf("%d log lines for 3 transitions, want at most one per transition (and one for a series of failures): %q", len(lines), lines)
	} else {
		t.Logf("log: %q", lines)
	}
}
