package follow

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// guard bounds waits for things that must happen; reaching it fails the
// test as a hang, it is not a speed target.
const guard = 60 * time.Second

// recordingCache is a discovery.Cached that records which groups it was
// told to invalidate.
type recordingCache struct {
	*discovery.Cached
	mu    sync.Mutex // guards calls
	calls []string   // each Invalidate's groups joined by ","; "*" for all
}

func (c *recordingCache) Invalidate(groups ...string) {
	c.mu.Lock()
	if len(groups) == 0 {
		c.calls = append(c.calls, "*")
	} else {
		c.calls = append(c.calls, strings.Join(groups, ","))
	}
	c.mu.Unlock()
	c.Cached.Invalidate(groups...)
}

func (c *recordingCache) invalidated(group string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, g := range c.calls {
		if g == group {
			return true
		}
	}
	return false
}

// logRecorder is a slog.Handler that keeps every record.
type logRecorder struct {
	mu   sync.Mutex // guards recs
	recs []string   // "LEVEL msg attrs"
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	s := r.Level.String() + " " + r.Message
	r.Attrs(func(a slog.Attr) bool {
		s += " " + a.String()
		return true
	})
	l.mu.Lock()
	l.recs = append(l.recs, s)
	l.mu.Unlock()
	return nil
}

func (l *logRecorder) records() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.recs...)
}

// rig is a Follower running as one user, with its cache, mapper, log and
// the changes it reports; admin creates what the tests need.
type rig struct {
	admin   *dynamic.Client
	cache   *recordingCache
	mapper  *restmapper.Mapper
	f       *Follower
	log     *logRecorder
	mu      sync.Mutex // guards changes
	changes []Change
}

func restClient(t testing.TB, env *cluster.Env, context string) *rest.Client {
	t.Helper()
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: context})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func dynClient(t testing.TB, rc *rest.Client) *dynamic.Client {
	t.Helper()
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newRig(t *testing.T, user string, retry time.Duration) *rig {
	env := cluster.Get(t)
	rc := restClient(t, env, user)
	r := &rig{admin: dynClient(t, restClient(t, env, cluster.AdminContext)), log: &logRecorder{}}
	r.cache = &recordingCache{Cached: discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{})}
	r.mapper = restmapper.New(r.cache, restmapper.Options{})
	f, err := New(Options{Client: dynClient(t, rc), Cache: r.cache, Mapper: r.mapper, Logger: slog.New(r.log), RetryInterval: retry})
	if err != nil {
		t.Fatal(err)
	}
	r.f = f
	f.Subscribe(func(c Change) {
		r.mu.Lock()
		r.changes = append(r.changes, c)
		r.mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		f.Run(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-f.Synced():
	case <-time.After(guard):
		t.Fatal("the Follower never synced")
	}
	if _, err := r.mapper.Resolve(context.Background(), "pods"); err != nil { // warm, as a program would be
		t.Fatal(err)
	}
	return r
}

// waitChange waits for a reported change of group with the given reason.
func (r *rig) waitChange(t *testing.T, group string, reason Reason) Change {
	t.Helper()
	deadline := time.Now().Add(guard)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, c := range r.changes {
			if c.Group == group && c.Reason == reason {
				r.mu.Unlock()
				return c
			}
		}
		r.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no %s change of group %s reported", reason, group)
	return Change{}
}

// resolves reports whether the mapper's current index — no discovery call,
// no refresh on miss — resolves arg.
func (r *rig) resolves(t *testing.T, arg string) bool {
	t.Helper()
	idx, err := r.mapper.Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = idx.Resolve(arg)
	return err == nil
}

func uniqueGroup() string { return fmt.Sprintf("f%d.follow.kubedyn.test", rand.Uint32()) }

var crdGVR = CustomResourceDefinitions

func gadgetVersion(name string, served, storage bool) map[string]any {
	return map[string]any{
		"name": name, "served": served, "storage": storage,
		"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
	}
}

// gadgetCRD returns a CRD of kind Gadget in group.
func gadgetCRD(group string, versions ...any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "gadgets." + group},
		"spec": map[string]any{
			"group": group, "scope": "Namespaced",
			"names":    map[string]any{"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"},
			"versions": versions,
		},
	}}
}

// deleteAtEnd deletes the named object when the test ends.
func deleteAtEnd(t *testing.T, res *dynamic.ResourceHandle, name string) {
	t.Cleanup(func() {
		err := res.Delete(context.Background(), name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("cleanup: deleting %s: %v", name, err)
		}
	})
}
