package dynamic

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/test/faultproxy"
)

// proxiedClient returns an admin Client whose connections go through a
// fault proxy in front of the real server.
func proxiedClient(t *testing.T, env *cluster.Env) (*Client, *faultproxy.Proxy) {
	t.Helper()
	p, err := faultproxy.Start(strings.TrimPrefix(env.Server, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	rc, err := rest.NewClient(&rest.Config{Host: "https://" + p.Addr(), TLS: rest.TLSConfig{CAData: env.CAData},
		BearerToken: env.Admin.Token, WarningHandler: rest.DiscardWarnings})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(rc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

func objectKey(o *unstructured.Unstructured) string {
	return o.GetNamespace() + "/" + o.GetName()
}

// view is a consumer of a watch: the objects it believes exist.
type view map[string]string // namespace/name → resourceVersion

func (v view) apply(ev watch.Event) {
	obj, ok := ev.Object.(*unstructured.Unstructured)
	if !ok {
		return
	}
	switch ev.Type {
	case watch.Added, watch.Modified:
		v[objectKey(obj)] = obj.GetResourceVersion()
	case watch.Deleted:
		delete(v, objectKey(obj))
	}
}

func listView(t *testing.T, h *ResourceHandle) (view, string) {
	t.Helper()
	list, err := h.List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v := view{}
	for i := range list.Items {
		v[objectKey(&list.Items[i])] = list.Items[i].GetResourceVersion()
	}
	return v, list.GetResourceVersion()
}

// TestIntegrationResumableWatchSurvivesCuts cuts the watch's connection at
// least five times while 1,000 objects are created and updated, and checks
// that every event arrives once, in order, with no relist.
func TestIntegrationResumableWatchSurvivesCuts(t *testing.T) {
	env := cluster.Get(t)
	direct := adminClient(t, env)
	proxied, proxy := proxiedClient(t, env)
	ns := env.Namespace(t)
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	w, err := proxied.Resource(gvr).Namespace(ns).WatchResumable(ctx, metav1.ListOptions{}, ResumeOptions{MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	const n = 1000
	// The consumer reads all along, as a real one would, checking each event.
	c := &checker{got: view{}, perObject: map[string][]watch.EventType{}, seen: map[string]bool{}}
	go c.consume(w)

	var writing atomic.Bool
	writing.Store(true)
	var cuts atomic.Int64
	var cutters sync.WaitGroup
	cutters.Add(1)
	go func() {
		defer cutters.Done()
		for (writing.Load() || cuts.Load() < 5) && ctx.Err() == nil {
			time.Sleep(150 * time.Millisecond)
			if proxy.DropAll() > 0 {
				cuts.Add(1)
			}
		}
	}()
	var g errgroup.Group
	g.SetLimit(8)
	cms := direct.Resource(gvr).Namespace(ns)
	for i := range n {
		g.Go(func() error {
			created, err := cms.Create(ctx, configMap(ns, fmt.Sprintf("cm-%04d", i), map[string]any{"v": "1"}), metav1.CreateOptions{})
			if err != nil {
				return err
			}
			created.Object["data"] = map[string]any{"v": "2"}
			_, err = cms.Update(ctx, created, metav1.UpdateOptions{})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	writing.Store(false)
	cutters.Wait()
	want, _ := listView(t, cms)

	deadline := time.Now().Add(time.Minute)
	for {
		c.mu.Lock()
		equal, err, events := cmp.Equal(c.got, want), c.err, len(c.seen)
		c.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if equal {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute the consumer's view differs from the server's (%d events, %d cuts)", events, cuts.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, types := range c.perObject {
		if !cmp.Equal(types, []watch.EventType{watch.Added, watch.Modified}) {
			t.Errorf("%s: events %v, want [ADDED MODIFIED]", name, types)
		}
	}
	if len(c.perObject) != n {
		t.Errorf("events for %d objects, want %d", len(c.perObject), n)
	}
	if cuts.Load() < 5 {
		t.Errorf("only %d cuts", cuts.Load())
	}
	t.Logf("%d events through %d cuts (%d failed reconnects reported and retried)", len(c.seen), cuts.Load(), c.reported)
}

// checker consumes a watch, applying its events to a view and recording
// the first event that is lost, duplicated, out of order or a relist.
type checker struct {
	mu        sync.Mutex // guards every field below
	got       view
	perObject map[string][]watch.EventType
	seen      map[string]bool // name@resourceVersion
	lastRV    int64
	reported  int // ERROR events: failures the watch reported and retried
	err       error
}

func (c *checker) consume(w watch.Interface) {
	for ev := range w.ResultChan() {
		c.mu.Lock()
		if c.err == nil {
			c.err = c.check(ev)
		}
		c.mu.Unlock()
	}
}

func (c *checker) check(ev watch.Event) error {
	if ev.Type == watch.Error {
		// A failed reconnect (a cut during the TLS handshake) is reported
		// and retried: an ERROR event that does not end the watch. A final
		// one would close it, and the view would then never converge.
		c.reported++
		return nil
	}
	obj, _ := ev.Object.(*unstructured.Unstructured)
	if obj == nil {
		return fmt.Errorf("event %s %v", ev.Type, ev.Object)
	}
	if obj.GetAnnotations()[RelistAnnotation] != "" {
		return fmt.Errorf("relisted although the resourceVersion never expired")
	}
	if ev.Type == watch.Bookmark {
		return nil
	}
	rv, err := strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
	if err != nil {
		return err
	}
	id := obj.GetName() + "@" + obj.GetResourceVersion()
	if c.seen[id] {
		return fmt.Errorf("%s %s delivered twice", ev.Type, id)
	}
	c.seen[id] = true
	if rv <= c.lastRV { // etcd revisions grow; the test may rely on it
		return fmt.Errorf("%s %s after resourceVersion %d: out of order", ev.Type, id, c.lastRV)
	}
	c.lastRV = rv
	c.perObject[obj.GetName()] = append(c.perObject[obj.GetName()], ev.Type)
	c.got.apply(ev)
	return nil
}

// TestIntegrationResumableWatchRelistsAfterExpiry resumes from a
// resourceVersion that etcd has compacted away, and checks the relist
// marker and that the consumer's view ends equal to a fresh list.
func TestIntegrationResumableWatchRelistsAfterExpiry(t *testing.T) {
	env := cluster.Get(t)
	c := adminClient(t, env)
	ns := env.Namespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// PodTemplates bypass the watch cache in the test control plane.
	pts := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "podtemplates"}).Namespace(ns)
	template := func(name string) *unstructured.Unstructured {
		u := object("v1", "PodTemplate", ns, name)
		u.Object["template"] = map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}
		return u
	}
	for i := range 5 {
		if _, err := pts.Create(ctx, template(fmt.Sprintf("pt-%d", i)), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := pts.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	consumer := view{}
	for i := range before.Items {
		consumer[objectKey(&before.Items[i])] = before.Items[i].GetResourceVersion()
	}

	// What happens while the consumer is away: two new, one changed, one gone.
	for _, name := range []string{"pt-5", "pt-6"} {
		if _, err := pts.Create(ctx, template(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pts.Patch(ctx, "pt-0", "application/merge-patch+json", []byte(`{"metadata":{"labels":{"changed":"yes"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pts.Delete(ctx, "pt-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.CompactEtcd(ctx); err != nil {
		t.Fatal(err)
	}

	w, err := pts.WatchResumable(ctx, metav1.ListOptions{ResourceVersion: before.GetResourceVersion()}, ResumeOptions{Known: before.Items})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	want, _ := listView(t, pts)
	var got []string
	marked := false
	for !marked || !cmp.Equal(consumer, want) {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch ended after %v", got)
			}
			obj := ev.Object.(*unstructured.Unstructured)
			if ev.Type == watch.Bookmark {
				if obj.GetAnnotations()[RelistAnnotation] == "true" {
					marked = true
					got = append(got, "RELIST")
				}
				continue
			}
			if !marked {
				t.Fatalf("%s %s before the relist marker", ev.Type, obj.GetName())
			}
			got = append(got, string(ev.Type)+" "+obj.GetName())
			consumer.apply(ev)
		case <-ctx.Done():
			t.Fatalf("timed out: events %v; consumer %v, server %v", got, consumer, want)
		}
	}
	wantEvents := []string{"RELIST", "MODIFIED pt-0", "ADDED pt-5", "ADDED pt-6", "DELETED pt-1"}
	if diff := cmp.Diff(wantEvents, got); diff != "" {
		t.Errorf("events after expiry (-want +got):\n%s", diff)
	}
}

// TestIntegrationStreamingList gets the initial state as a watch with
// sendInitialEvents on the real server.
func TestIntegrationStreamingList(t *testing.T) {
	env := cluster.Get(t)
	c := adminClient(t, env)
	ns := env.Namespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cms := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)
	for _, name := range []string{"a", "b", "c"} {
		if _, err := cms.Create(ctx, configMap(ns, name, nil), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := cms.WatchResumable(ctx, metav1.ListOptions{}, ResumeOptions{StreamingList: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var got []string
	for len(got) < 5 {
		select {
		case ev := <-w.ResultChan():
			obj := ev.Object.(*unstructured.Unstructured)
			switch {
			case ev.Type == watch.Bookmark && obj.GetAnnotations()[InitialEventsEndAnnotation] == "true":
				got = append(got, "END")
				if _, err := cms.Create(ctx, configMap(ns, "d", nil), metav1.CreateOptions{}); err != nil {
					t.Fatal(err)
				}
			case ev.Type != watch.Bookmark:
				got = append(got, string(ev.Type)+" "+obj.GetName())
			}
		case <-ctx.Done():
			t.Fatalf("timed out after %v", got)
		}
	}
	sort.Strings(got[:3]) // the initial events come in no promised order
	if d := cmp.Diff([]string{"ADDED a", "ADDED b", "ADDED c", "END", "ADDED d"}, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}
