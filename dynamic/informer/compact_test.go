package informer

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// managed returns obj with a managedFields entry and a spec.
func managed(ns, name, rv string) U {
	u := obj(ns, name, rv, map[string]string{"app": "web"})
	u.Object["spec"] = map[string]any{"replicas": int64(3), "template": map[string]any{"image": "nginx"},
		"script": strings.Repeat("echo "+name+"\n", 60)} // long enough to be compressed
	u.Object["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}, "phase": "Up"}
	u.SetManagedFields(nil)
	md := u.Object["metadata"].(map[string]any)
	md["managedFields"] = []any{map[string]any{"manager": "kubectl", "operation": "Update"}}
	return u
}

// withoutManagedFields returns a copy of u without managedFields.
func withoutManagedFields(u U) U {
	c := u.DeepCopy()
	delete(c.Object["metadata"].(map[string]any), "managedFields")
	return c
}

// TestCompactStore checks what the default compact store, KeepManagedFields,
// UncompressedStrings, a projection and StoreTrees hand out through the lister
// and handlers.
func TestCompactStore(t *testing.T) {
	source := managed("ns", "a", "1")
	projected := source.DeepCopy()
	projected.Object = map[string]any{
		"apiVersion": source.Object["apiVersion"], "kind": source.Object["kind"],
		"metadata": map[string]any{"name": "a", "namespace": "ns", "resourceVersion": "1",
			"labels":      map[string]any{"app": "web"},
			"annotations": map[string]any{compact.ProjectionAnnotation: "spec.replicas,status.conditions"}},
		"spec":   map[string]any{"replicas": int64(3)},
		"status": map[string]any{"conditions": source.Object["status"].(map[string]any)["conditions"]},
	}
	tests := []struct {
		name   string
		opts   Options[U]
		want   U
		shared bool // the lister hands out the cached object itself
	}{
		{name: "default drops managedFields", want: withoutManagedFields(source)},
		{name: "keep managedFields", opts: Options[U]{KeepManagedFields: true}, want: source},
		{name: "uncompressed strings", opts: Options[U]{UncompressedStrings: true}, want: withoutManagedFields(source)},
		{name: "projection", opts: Options[U]{Project: []string{"spec.replicas", "status.conditions"}}, want: projected},
		{name: "trees", opts: Options[U]{StoreTrees: true}, want: source, shared: true},
	}
	for _, tc := range tests {
		for _, engine := range []string{"trees", "compact"} {
			if tc.opts.StoreTrees && engine == "compact" {
				continue
			}
			t.Run(tc.name+"/engine="+engine, func(t *testing.T) {
				checkCompactStore(t, tc.opts, source, engine == "compact", tc.want, tc.shared)
			})
		}
	}
}

// checkCompactStore runs an informer over source (with the compact engine
// when compactEngine is set) and checks what its lister and handler get.
func checkCompactStore(t *testing.T, opts Options[U], source U, compactEngine bool, want U, shared bool) {
	var mu sync.Mutex // guards handed
	var handed []U
	inf := newInformer(testHandle(t), opts, newFakeSource(source.DeepCopy()).source())
	if compactEngine {
		withCompactEngine(inf)
	}
	inf.AddHandler(HandlerFuncs[U]{AddFunc: func(o U, _ bool) {
		mu.Lock()
		defer mu.Unlock()
		handed = append(handed, o)
	}})
	runInformer(t, inf)
	eventually(t, "a sync", inf.HasSynced)
	got, ok := inf.Lister().Namespace("ns").Get("a")
	if !ok {
		t.Fatal("not cached")
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("lister (-want +got):\n%s", d)
	}
	eventually(t, "the handler's add", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(handed) == 1
	})
	mu.Lock()
	first := handed[0]
	mu.Unlock()
	if d := cmp.Diff(want, first); d != "" {
		t.Errorf("handler (-want +got):\n%s", d)
	}
	got.SetLabels(map[string]string{"changed": "yes"})
	again, _ := inf.Lister().Get(Key{"ns", "a"})
	if changed := again.GetLabels()["changed"] == "yes"; changed != shared {
		t.Errorf("a change to a listed object shows in the next read: %v, want %v", changed, shared)
	}
}

func TestBadProjectionFailsRun(t *testing.T) {
	inf := newInformer(testHandle(t), Options[U]{Project: []string{"spec..replicas"}}, newFakeSource().source())
	if err := inf.Run(context.Background()); err == nil {
		t.Fatal("Run with an empty path segment gave no error")
	}
}

// TestCompactEqualsTrees runs an informer keeping trees and one keeping
// compact objects over the objects recorded from a real server (and
// variations with data of their own): every object the compact one lists
// equals the trees one's without managedFields.
func TestCompactEqualsTrees(t *testing.T) {
	files, err := filepath.Glob("../../unstructured/testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded objects: %v", err)
	}
	var objs []U
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		o, err := kdu.DecodeObject(bytes.NewReader(data))
		if err != nil || o.GetName() == "" {
			continue // a list, a Status
		}
		for n := range 5 {
			c := o.DeepCopy()
			c.SetNamespace("ns")
			c.SetName(fmt.Sprintf("%s-%d", o.GetName(), n))
			c.SetLabels(map[string]string{"n": strconv.Itoa(n), "file": filepath.Base(f)})
			c.Object["extra"] = map[string]any{"own": fmt.Sprintf("value %d of %s", n, f), "n": int64(n), "f": float64(n) + 0.5,
				"file": strings.Repeat(fmt.Sprintf("line %d of %s\n", n, f), 20)}
			objs = append(objs, c)
		}
	}
	list := func(opts Options[U], compactEngine bool) []U {
		src := newFakeSource()
		for _, o := range objs {
			src.objs[KeyOf(o)] = o.DeepCopy()
		}
		inf := newInformer(testHandle(t), opts, src.source())
		if compactEngine {
			withCompactEngine(inf)
		}
		runInformer(t, inf)
		eventually(t, "a sync", inf.HasSynced)
		return inf.Lister().List(nil)
	}
	trees, kept := list(Options[U]{StoreTrees: true}, false), list(Options[U]{}, false)
	if d := cmp.Diff(kept, list(Options[U]{}, true)); d != "" {
		t.Errorf("compact engine (-trees engine +compact engine):\n%s", d)
	}
	for _, compactEngine := range []bool{false, true} {
		if d := cmp.Diff(kept, list(Options[U]{UncompressedStrings: true}, compactEngine)); d != "" {
			t.Errorf("uncompressed strings, compact engine %v (-compressed +uncompressed):\n%s", compactEngine, d)
		}
	}
	want := make([]U, len(trees))
	for n, o := range trees {
		want[n] = withoutManagedFields(o)
	}
	if len(kept) != len(objs) {
		t.Fatalf("compact informer lists %d objects, want %d", len(kept), len(objs))
	}
	if d := cmp.Diff(want, kept); d != "" {
		t.Errorf("compact informer (-trees +compact):\n%s", d)
	}
}

// withCompactEngine gives inf the compact engine over its fake source, as
// New does over a real handle: the source's watch events are built into
// compact objects on arrival (WatchCompact decodes them from the wire).
func withCompactEngine(inf *Informer[U]) *Informer[U] {
	k, src := inf.store.keep, inf.src
	inf.csrc = listwatch.CompactSource(src, func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
		w, err := src.Watch(ctx, o)
		if err != nil {
			return nil, err
		}
		return compactWatch(w, compact.NewBuilder(k.tab, k.plan)), nil
	}, k.tab, k.plan)
	return inf
}

// compactWatch is w with the objects of its ADDED, MODIFIED and DELETED
// events built by b.
func compactWatch(w watch.Interface, b *compact.Builder) watch.Interface {
	out := make(chan watch.Event)
	pw := watch.NewProxyWatcher(out)
	go func() {
		defer close(out)
		defer w.Stop()
		for {
			var ev watch.Event
			var ok bool
			select {
			case <-pw.StopChan():
				return
			case ev, ok = <-w.ResultChan():
			}
			if !ok {
				return
			}
			if u, isU := ev.Object.(U); isU && ev.Type != watch.Bookmark {
				c, err := b.FromUnstructured(u)
				if err != nil {
					st := apierrors.NewInternalError(err).Status()
					ev = watch.Event{Type: watch.Error, Object: &st}
				} else {
					ev.Object = c
				}
			}
			select {
			case out <- ev:
			case <-pw.StopChan():
				return
			}
		}
	}()
	return pw
}
