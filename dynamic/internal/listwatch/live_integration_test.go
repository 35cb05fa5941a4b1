package listwatch_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/follow"
	"github.com/kubedyn/kubedyn/dynamic/informer"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/test/faultproxy"
)

// The same faults on the real control plane, through each user of the
// engine: connection cuts during object changes, a forced expiry, a
// permission revoked while watching, and a hung connection.

var (
	podTemplates = schema.GroupVersionResource{Version: "v1", Resource: "podtemplates"}
	crds         = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
)

// live is what a user delivered on the real server, per object, in order.
type live struct {
	mu       sync.Mutex // guards every field
	seq      map[string][]string
	errs     []string
	synced   bool
	relisted bool
	ended    bool
}

func (l *live) add(obj, what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq[obj] = append(l.seq[obj], what)
}

func (l *live) set(f func(l *live)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(l)
}

// wait polls cond (under l's lock) until it holds or bound passes.
func (l *live) wait(t *testing.T, what string, bound time.Duration, cond func(l *live) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		l.mu.Lock()
		ok := cond(l)
		l.mu.Unlock()
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > bound {
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("%s: not within %v; delivered %v; reported %q", what, bound, l.seq, l.errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (l *live) Enabled(context.Context, slog.Level) bool { return true }
func (l *live) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *live) WithGroup(string) slog.Handler            { return l }
func (l *live) Handle(_ context.Context, r slog.Record) error {
	s := r.Message
	r.Attrs(func(a slog.Attr) bool { s += " " + a.String(); return true })
	l.set(func(l *live) { l.errs = append(l.errs, s) })
	return nil
}

// liveUser is one user of the engine on the real server: it watches
// podtemplates in ns, or (follow) CRDs cluster-wide.
type liveUser struct {
	name  string
	crds  bool
	start func(ctx context.Context, t *testing.T, c *dynamic.Client, ns string, l *live)
}

var liveUsers = []liveUser{
	{name: "WatchResumable", start: func(ctx context.Context, t *testing.T, c *dynamic.Client, ns string, l *live) {
		w, err := c.Resource(podTemplates).Namespace(ns).WatchResumable(ctx, metav1.ListOptions{}, dynamic.ResumeOptions{StreamingList: true, MaxBackoff: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer l.set(func(l *live) { l.ended = true })
			for ev := range w.ResultChan() {
				switch ev.Type {
				case watch.Error:
					l.set(func(l *live) { l.errs = append(l.errs, ev.Object.(*metav1.Status).Message) })
				case watch.Bookmark:
					a := ev.Object.(*unstructured.Unstructured).GetAnnotations()
					l.set(func(l *live) {
						l.synced = l.synced || a[dynamic.InitialEventsEndAnnotation] == "true"
						l.relisted = l.relisted || a[dynamic.RelistAnnotation] == "true"
					})
				default:
					l.add(ev.Object.(*unstructured.Unstructured).GetName(), change(ev.Type, ev.Object.(*unstructured.Unstructured)))
				}
			}
		}()
	}},
	{name: "informer", start: func(ctx context.Context, t *testing.T, c *dynamic.Client, ns string, l *live) {
		inf := informer.New(c.Resource(podTemplates).Namespace(ns), informer.Options[*unstructured.Unstructured]{MaxBackoff: time.Second, Logger: slog.New(l)})
		inf.AddHandler(informer.HandlerFuncs[*unstructured.Unstructured]{
			AddFunc:    func(u *unstructured.Unstructured, _ bool) { l.add(u.GetName(), change(watch.Added, u)) },
			UpdateFunc: func(_, u *unstructured.Unstructured) { l.add(u.GetName(), change(watch.Modified, u)) },
			DeleteFunc: func(u *unstructured.Unstructured) { l.add(u.GetName(), change(watch.Deleted, u)) },
		})
		go func() { _ = inf.Run(ctx) }()
		go func() {
			if inf.WaitForSync(ctx) == nil {
				l.set(func(l *live) { l.synced = true })
			}
		}()
	}},
	{name: "follow", crds: true, start: func(ctx context.Context, t *testing.T, c *dynamic.Client, ns string, l *live) {
		f, err := follow.New(follow.Options{Client: c, Logger: slog.New(l), RetryInterval: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		f.Subscribe(func(ch follow.Change) {
			if strings.HasSuffix(ch.Group, ns) && strings.HasPrefix(ch.Object, "customresourcedefinitions/") {
				l.add(strings.TrimPrefix(ch.Object, "customresourcedefinitions/"), string(ch.Reason))
			}
		})
		go func() { _ = f.Run(ctx) }()
		go func() {
			select {
			case <-f.Synced():
				l.set(func(l *live) { l.synced = true })
			case <-ctx.Done():
			}
		}()
	}},
}

func change(t watch.EventType, u *unstructured.Unstructured) string {
	if t == watch.Deleted {
		return "DELETED"
	}
	return string(t) + "@" + u.GetResourceVersion()
}

// rig is one case's setting: a namespace, an admin client, a client
// through a fault proxy (impersonating user when set), a running user.
type rig struct {
	ns     string
	env    *cluster.Env
	admin  *dynamic.Client
	proxy  *faultproxy.Proxy
	client *dynamic.Client
	l      *live

	changes  atomic.Int64 // labels written by update, for distinct values
	relisted atomic.Int64 // relists the client through the proxy reported
}

func newRig(t *testing.T, impersonate string) *rig {
	env := cluster.Get(t)
	r := &rig{ns: env.Namespace(t), env: env, l: &live{seq: map[string][]string{}}}
	r.admin = client(t, env, env.Server, "", nil)
	p, err := faultproxy.Start(strings.TrimPrefix(env.Server, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	r.proxy = p
	r.client = client(t, env, "https://"+p.Addr(), impersonate, rest.ObserverFunc(func(e rest.Event) {
		if _, ok := e.(rest.RelistEvent); ok {
			r.relisted.Add(1)
		}
	}))
	return r
}

func client(t *testing.T, env *cluster.Env, host, impersonate string, o rest.Observer) *dynamic.Client {
	rc, err := rest.NewClient(&rest.Config{Host: host, TLS: rest.TLSConfig{CAData: env.CAData}, BearerToken: env.Admin.Token,
		Impersonate: rest.Impersonation{UserName: impersonate}, WarningHandler: rest.DiscardWarnings, Observer: o})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run starts u and waits for its first sync.
func (r *rig) run(t *testing.T, u liveUser) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	u.start(ctx, t, r.client, r.ns, r.l)
	r.l.wait(t, "the first sync", time.Minute, func(l *live) bool { return l.synced })
}

// object is the name of the i-th object the case writes: a podtemplate in
// the namespace, or a CRD in a group named after it.
func (r *rig) object(u liveUser, i int) string {
	if u.crds {
		return fmt.Sprintf("gadgets.g%d.%s", i, r.ns)
	}
	return fmt.Sprintf("pt-%04d", i)
}

func (r *rig) handle(u liveUser) *dynamic.ResourceHandle {
	if u.crds {
		return r.admin.Resource(crds)
	}
	return r.admin.Resource(podTemplates).Namespace(r.ns)
}

// create writes the i-th object and returns what the user must deliver
// for it.
func (r *rig) create(ctx context.Context, t *testing.T, u liveUser, i int) (string, error) {
	name := r.object(u, i)
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "PodTemplate",
		"metadata": map[string]any{"name": name},
		"template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}}}
	if u.crds {
		group := strings.TrimPrefix(name, "gadgets.")
		obj = &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			"metadata": map[string]any{"name": name},
			"spec": map[string]any{"group": group, "scope": "Namespaced",
				"names":    map[string]any{"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"},
				"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true, "schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object"}}}}}}}
		t.Cleanup(func() { _ = r.handle(u).Delete(context.Background(), name, metav1.DeleteOptions{}) })
	}
	created, err := r.handle(u).Create(ctx, obj, metav1.CreateOptions{})
	if err != nil || u.crds {
		return string(follow.CRDEstablished), err
	}
	return change(watch.Added, created), nil
}

// update relabels the i-th object (a new value each time, so each call is
// a change). Follow reports nothing for it: a label is not discovery.
func (r *rig) update(ctx context.Context, u liveUser, i int) (string, error) {
	patch := fmt.Sprintf(`{"metadata":{"labels":{"changed":"c%d"}}}`, r.changes.Add(1))
	p, err := r.handle(u).Patch(ctx, r.object(u, i), "application/merge-patch+json", []byte(patch), metav1.PatchOptions{})
	if err != nil || u.crds {
		return "", err
	}
	return change(watch.Modified, p), nil
}

func (r *rig) remove(ctx context.Context, u liveUser, i int) (string, error) {
	err := r.handle(u).Delete(ctx, r.object(u, i), metav1.DeleteOptions{})
	if u.crds {
		return string(follow.CRDDeleted), err
	}
	return "DELETED", err
}

// established waits until the CRDs with the given indexes are Established
// on the server (read by the admin client, not through the proxy).
func (r *rig) established(ctx context.Context, t *testing.T, u liveUser, is ...int) {
	t.Helper()
	for _, i := range is {
		for {
			crd, err := r.handle(u).Get(ctx, r.object(u, i), metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			if slices.ContainsFunc(conds, func(c any) bool {
				m, _ := c.(map[string]any)
				return m["type"] == "Established" && m["status"] == "True"
			}) {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("CRD %s not Established: %v", r.object(u, i), ctx.Err())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// must returns a function that fails t on err, else returns s.
func must(t *testing.T) func(s string, err error) string {
	return func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

// converge waits until the user delivered exactly want, then compares.
func (r *rig) converge(t *testing.T, want map[string][]string, bound time.Duration) {
	t.Helper()
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	deadline := time.Now().Add(bound)
	for !cmp.Equal(want, r.l.seq) && time.Now().Before(deadline) {
		r.l.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
		r.l.mu.Lock()
	}
	if d := cmp.Diff(want, r.l.seq); d != "" {
		t.Errorf("delivered per object (-want +got: a missing line is lost, an extra one duplicated or reordered):\n%s", d)
	}
}

func uniqueUser() string { return fmt.Sprintf("kubedyn-lw-%d", rand.Uint32()) }
