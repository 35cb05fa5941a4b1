package informer

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// TestIntegrationCompactChurnWithCuts runs two compact informers (the
// default store, and a projection to data) while 600 ConfigMaps are
// created, updated and a third of them deleted, cutting their connection
// at least three times: each ends holding exactly the objects of a fresh
// list, field for field (without managedFields; for the projection,
// restricted to its paths and marked).
func TestIntegrationCompactChurnWithCuts(t *testing.T) {
	env := cluster.Get(t)
	ctx, cancel := waitTimeout()
	defer cancel()
	ns := env.Namespace(t)
	direct, _, _ := testClient(t, env, false)
	proxied, _, proxy := testClient(t, env, true)
	h := proxied.Resource(configMapsGVR).Namespace(ns)
	full := New(h, Options[U]{MaxBackoff: time.Second})
	projected := New(h, Options[U]{MaxBackoff: time.Second, Project: []string{"data"}})
	for _, inf := range []*Informer[U]{full, projected} {
		runInformer(t, inf)
		if err := inf.WaitForSync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var writing atomic.Bool
	writing.Store(true)
	var cuts atomic.Int64
	cutterDone := make(chan struct{})
	go func() {
		defer close(cutterDone)
		for (writing.Load() || cuts.Load() < 3) && ctx.Err() == nil {
			time.Sleep(250 * time.Millisecond)
			if proxy.DropAll() > 0 {
				cuts.Add(1)
			}
		}
	}()
	cms := direct.Resource(configMapsGVR).Namespace(ns)
	var g errgroup.Group
	g.SetLimit(integrationWrite)
	for i := range 600 {
		g.Go(func() error {
			name := fmt.Sprintf("cm-%04d", i)
			c, err := cms.Create(ctx, configMap(ns, name, map[string]string{"i": strconv.Itoa(i)}, map[string]any{"v": "1", "own": fmt.Sprintf("value %d", i)}), metav1.CreateOptions{})
			if err != nil {
				return err
			}
			c.Object["data"] = map[string]any{"v": "2", "own": fmt.Sprintf("value %d, again", i)}
			if _, err := cms.Update(ctx, c, metav1.UpdateOptions{}); err != nil {
				return err
			}
			if i%3 == 0 {
				return cms.Delete(ctx, name, metav1.DeleteOptions{})
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
	l, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantFull, wantProjected := map[string]U{}, map[string]U{}
	for n := range l.Items {
		u := &l.Items[n]
		delete(u.Object["metadata"].(map[string]any), "managedFields")
		wantFull[KeyOf(u).String()] = u
		wantProjected[KeyOf(u).String()] = projectTo(u, "data")
	}
	for _, c := range []struct {
		name string
		inf  *Informer[U]
		want map[string]U
	}{{"default", full, wantFull}, {"projection", projected, wantProjected}} {
		eventually(t, c.name+" informer to equal the list", func() bool { return cmp.Equal(c.want, cacheObjects(c.inf)) })
		if d := cmp.Diff(c.want, cacheObjects(c.inf)); d != "" {
			t.Errorf("%s informer (-list +cache):\n%s", c.name, d)
		}
	}
	t.Logf("%d cuts; %d objects", cuts.Load(), len(l.Items))
}

// cacheObjects returns every object of the informer's cache by key.
func cacheObjects(i *Informer[U]) map[string]U {
	out := map[string]U{}
	for _, o := range i.Lister().List(nil) {
		out[KeyOf(o).String()] = o
	}
	return out
}

// projectTo returns u restricted as a projection to the top-level field
// f keeps it: apiVersion, kind, the projected metadata and f, marked.
func projectTo(u U, f string) U {
	md := u.Object["metadata"].(map[string]any)
	kept := map[string]any{}
	for _, k := range compact.ProjectedMetadata {
		if v, ok := md[k]; ok {
			kept[k] = v
		}
	}
	ann, _ := kept["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
	}
	ann[compact.ProjectionAnnotation] = f
	kept["annotations"] = ann
	out := map[string]any{"apiVersion": u.Object["apiVersion"], "kind": u.Object["kind"], "metadata": kept}
	if v, ok := u.Object[f]; ok {
		out[f] = v
	}
	return &unstructured.Unstructured{Object: out}
}
