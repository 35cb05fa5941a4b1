package informer

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// change is one event a handler saw, or one write the writer made.
type change struct {
	Type string // add, update, delete
	RV   string // the object's resourceVersion after it ("" for a write's delete)
}

// changeLog records every handler call per object.
type changeLog struct {
	mu  sync.Mutex // guards per
	per map[string][]change
}

func (c *changeLog) add(o *unstructured.Unstructured, typ string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := KeyOf(o).String()
	c.per[k] = append(c.per[k], change{typ, o.GetResourceVersion()})
}

func (c *changeLog) handler() HandlerFuncs[*unstructured.Unstructured] {
	return HandlerFuncs[*unstructured.Unstructured]{
		AddFunc:    func(o *unstructured.Unstructured, _ bool) { c.add(o, "add") },
		UpdateFunc: func(_, o *unstructured.Unstructured) { c.add(o, "update") },
		DeleteFunc: func(o *unstructured.Unstructured) { c.add(o, "delete") },
	}
}

func (c *changeLog) get(k string) []change {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]change(nil), c.per[k]...)
}

// checkHistory compares what a handler saw of one object with what the
// writer did. Without a relist the two are equal; after one, changes made
// while the informer was away may be folded into one, so the check is in
// final-state terms: no change seen twice, resourceVersions increasing,
// each one the writer's, and the last event the object's final state.
func checkHistory(got, wrote []change, exact bool) error {
	if exact {
		want := append([]change(nil), wrote...)
		if len(got) == len(want) && len(want) > 0 && want[len(want)-1].Type == "delete" {
			want[len(want)-1].RV = got[len(got)-1].RV // the delete's resourceVersion is the server's
		}
		if d := cmp.Diff(want, got); d != "" {
			return fmt.Errorf("events (-wrote +seen):\n%s", d)
		}
		return nil
	}
	written := map[string]bool{}
	for _, w := range wrote {
		written[w.RV] = true
	}
	last := int64(-1)
	for n, g := range got {
		rv, err := strconv.ParseInt(g.RV, 10, 64)
		if err != nil || rv <= last {
			return fmt.Errorf("event %d %v: resourceVersion not after %d (seen %v)", n, g, last, got)
		}
		last = rv
		if g.Type != "delete" && !written[g.RV] {
			return fmt.Errorf("event %d %v: the writer made no such version (seen %v, wrote %v)", n, g, got, wrote)
		}
	}
	final := wrote[len(wrote)-1]
	switch {
	case final.Type == "delete" && len(got) > 0 && got[len(got)-1].Type != "delete":
		return fmt.Errorf("deleted object's last event is %v (seen %v)", got[len(got)-1], got)
	case final.Type != "delete" && (len(got) == 0 || got[len(got)-1].RV != final.RV):
		return fmt.Errorf("last event is not the final version %s (seen %v)", final.RV, got)
	}
	return nil
}

// TestIntegrationChurnWithCuts runs an informer while 2,000 ConfigMaps are
// created, updated and a third of them deleted, cutting its connection
// at least five times: the cache ends equal to the server's list and the
// handler saw every change once.
func TestIntegrationChurnWithCuts(t *testing.T) {
	env := cluster.Get(t)
	ctx, cancel := waitTimeout()
	defer cancel()
	ns := env.Namespace(t)
	direct, _, _ := testClient(t, env, false)
	proxied, wire, proxy := testClient(t, env, true)
	inf := New(proxied.Resource(configMapsGVR).Namespace(ns), Options[*unstructured.Unstructured]{Lean: true, MaxBackoff: time.Second})
	log := &changeLog{per: map[string][]change{}}
	inf.AddHandler(log.handler())
	runInformer(t, inf)
	if err := inf.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}

	var writing atomic.Bool
	writing.Store(true)
	var cuts atomic.Int64
	cutterDone := make(chan struct{})
	go func() {
		defer close(cutterDone)
		for (writing.Load() || cuts.Load() < 5) && ctx.Err() == nil {
			time.Sleep(200 * time.Millisecond)
			if proxy.DropAll() > 0 {
				cuts.Add(1)
			}
		}
	}()
	const n = 2000
	wrote := make([][]change, n)
	cms := direct.Resource(configMapsGVR).Namespace(ns)
	var g errgroup.Group
	g.SetLimit(integrationWrite)
	for i := range n {
		g.Go(func() error {
			name := fmt.Sprintf("cm-%04d", i)
			c, err := cms.Create(ctx, configMap(ns, name, map[string]string{"i": strconv.Itoa(i)}, map[string]any{"v": "1"}), metav1.CreateOptions{})
			if err != nil {
				return err
			}
			wrote[i] = append(wrote[i], change{"add", c.GetResourceVersion()})
			c.Object["data"] = map[string]any{"v": "2"}
			u, err := cms.Update(ctx, c, metav1.UpdateOptions{})
			if err != nil {
				return err
			}
			wrote[i] = append(wrote[i], change{"update", u.GetResourceVersion()})
			if i%3 == 0 {
				if err := cms.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
					return err
				}
				wrote[i] = append(wrote[i], change{"delete", ""})
			}
			return nil
		})
	}
	err := g.Wait()
	writing.Store(false)
	<-cutterDone
	if err != nil {
		t.Fatal(err)
	}

	want := serverView(ctx, t, cms)
	eventually(t, "the cache to equal the server's list", func() bool { return cmp.Equal(want, cacheView(inf)) })
	if d := cmp.Diff(want, cacheView(inf)); d != "" {
		t.Fatalf("cache (-server +cache):\n%s", d)
	}
	// One initial request means no relist happened: every change must then
	// have been seen exactly as it was made.
	initial := wire.count("stream /api/v1/namespaces/"+ns+"/configmaps") + wire.count("list /api/v1/namespaces/"+ns+"/configmaps")
	exact := initial == 1
	t.Logf("%d cuts, %d watch requests, %d initial-state requests (exact comparison: %v)",
		cuts.Load(), wire.count("watch /api/v1/namespaces/"+ns+"/configmaps"), initial, exact)
	eventually(t, "the handler to see every object's final state", func() bool {
		for i := range n {
			if checkHistory(log.get(fmt.Sprintf("%s/cm-%04d", ns, i)), wrote[i], false) != nil {
				return false
			}
		}
		return true
	})
	bad := 0
	for i := range n {
		k := fmt.Sprintf("%s/cm-%04d", ns, i)
		if err := checkHistory(log.get(k), wrote[i], exact); err != nil {
			if bad++; bad <= 10 {
				t.Errorf("%s: %v", k, err)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d objects' histories are wrong", bad, n)
	}
}

// TestIntegrationExpiryConverges makes the informer's resourceVersion
// expire for real (its watch held back while PodTemplates, which bypass
// the watch cache, change and etcd is compacted): it relists and its
// handler gets exactly the difference.
func TestIntegrationExpiryConverges(t *testing.T) {
	env := cluster.Get(t)
	ctx, cancel := waitTimeout()
	defer cancel()
	ns := env.Namespace(t)
	direct, _, _ := testClient(t, env, false)
	proxied, wire, proxy := testClient(t, env, true)
	pts := direct.Resource(podTemplatesGVR).Namespace(ns)
	template := func(name string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "PodTemplate",
			"template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}}}
		u.SetName(name)
		return u
	}
	for i := range 5 {
		if _, err := pts.Create(ctx, template(fmt.Sprintf("pt-%d", i)), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	inf := New(proxied.Resource(podTemplatesGVR).Namespace(ns), Options[*unstructured.Unstructured]{MaxBackoff: time.Second})
	rec := newRecorder()
	inf.AddHandler(rec)
	runInformer(t, inf)
	if err := inf.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "5 initial adds", func() bool { return rec.count() == 5 })
	before, _ := rec.snapshot()
	initialRequests := wire.count("list /api/v1/namespaces/"+ns+"/podtemplates") + wire.count("stream /api/v1/namespaces/"+ns+"/podtemplates")

	// The informer is away: its watch is cut and the next one held back.
	wire.pause()
	proxy.DropAll()
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
	wire.unpause()

	want := serverView(ctx, t, pts)
	eventually(t, "the cache to equal the server's list", func() bool { return cmp.Equal(want, cacheView(inf)) })
	eventually(t, "9 events", func() bool { return rec.count() >= 9 })
	got, _ := rec.snapshot()
	for k, v := range before {
		got[k] = got[k][len(v):]
		if len(got[k]) == 0 {
			delete(got, k)
		}
	}
	rv := func(name string) string { return want[ns+"/"+name] }
	wantEvents := map[string][]string{
		ns + "/pt-0": {"update:" + before[ns+"/pt-0"][0][len("add:"):len(before[ns+"/pt-0"][0])-len(":initial")] + ">" + rv("pt-0")},
		ns + "/pt-1": {"delete:" + before[ns+"/pt-1"][0][len("add:"):len(before[ns+"/pt-1"][0])-len(":initial")]},
		ns + "/pt-5": {"add:" + rv("pt-5")},
		ns + "/pt-6": {"add:" + rv("pt-6")},
	}
	if d := cmp.Diff(wantEvents, got); d != "" {
		t.Errorf("events after the expiry (-want +got):\n%s", d)
	}
	relists := wire.count("list /api/v1/namespaces/"+ns+"/podtemplates") + wire.count("stream /api/v1/namespaces/"+ns+"/podtemplates") - initialRequests
	if relists < 1 {
		t.Errorf("%d relists after the expiry, want at least 1", relists)
	}
}

// TestIntegrationPagedList syncs with List instead of a streaming list:
// 1,100 objects come in three pages of at most 500, and the cache equals
// the server's list.
func TestIntegrationPagedList(t *testing.T) {
	env := cluster.Get(t)
	ctx, cancel := waitTimeout()
	defer cancel()
	ns := env.Namespace(t)
	direct, _, _ := testClient(t, env, false)
	c, wire, _ := testClient(t, env, false)
	cms := direct.Resource(configMapsGVR).Namespace(ns)
	var g errgroup.Group
	g.SetLimit(integrationWrite)
	for i := range 1100 {
		g.Go(func() error {
			_, err := cms.Create(ctx, configMap(ns, fmt.Sprintf("cm-%04d", i), nil, map[string]any{"i": strconv.Itoa(i)}), metav1.CreateOptions{})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	inf := New(c.Resource(configMapsGVR).Namespace(ns), Options[*unstructured.Unstructured]{DisableStreamingList: true})
	runInformer(t, inf)
	if err := inf.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(serverView(ctx, t, cms), cacheView(inf)); d != "" {
		t.Errorf("cache (-server +cache):\n%s", d)
	}
	path := "/api/v1/namespaces/" + ns + "/configmaps"
	got := map[string]int{"list": wire.count("list " + path), "stream": wire.count("stream " + path)}
	if d := cmp.Diff(map[string]int{"list": 3, "stream": 0}, got); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
}
