package restmapper

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// fastOpts keeps unit tests that miss from waiting a second each.
var fastOpts = Options{MinRefreshInterval: time.Millisecond}

// countingSource serves a StaticSource that tests can swap, counting calls
// and optionally failing group-versions.
type countingSource struct {
	mu     sync.Mutex
	src    StaticSource
	failGV map[string]bool // group-versions to drop from full runs, with an error
	delay  time.Duration
	full   atomic.Int64
	group  atomic.Int64
}

func (c *countingSource) set(src StaticSource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.src = src
}

func (c *countingSource) ServerGroupsAndResources(ctx context.Context) ([]metav1.APIGroup, []*metav1.APIResourceList, error) {
	c.full.Add(1)
	time.Sleep(c.delay)
	c.mu.Lock()
	src, fail := c.src, c.failGV
	c.mu.Unlock()
	if len(fail) == 0 {
		return src.ServerGroupsAndResources(ctx)
	}
	var lists []*metav1.APIResourceList
	for _, l := range src.Resources {
		if !fail[l.GroupVersion] {
			lists = append(lists, l)
		}
	}
	return src.Groups, lists, errors.New("some group-versions failed")
}

func (c *countingSource) ServerGroupAndResources(ctx context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	c.group.Add(1)
	c.mu.Lock()
	src := c.src
	c.mu.Unlock()
	return src.ServerGroupAndResources(ctx, group)
}

// without returns src minus the groups named.
func without(src StaticSource, groups ...string) StaticSource {
	drop := map[string]bool{}
	for _, g := range groups {
		drop[g] = true
	}
	var out StaticSource
	for _, g := range src.Groups {
		if !drop[g.Name] {
			out.Groups = append(out.Groups, g)
		}
	}
	for _, l := range src.Resources {
		if !drop[groupOf(l.GroupVersion)] {
			out.Resources = append(out.Resources, l)
		}
	}
	return out
}

func TestNewGroupFoundOnFirstTry(t *testing.T) {
	full := loadRecorded(t)
	ctx := context.Background()
	for _, arg := range []string{"widgets", "widgets.rmtest.example.com", "widgets.v1beta1.rmtest.example.com", "Widget.rmtest.example.com"} {
		t.Run(arg, func(t *testing.T) {
			src := &countingSource{src: without(full, "rmtest.example.com")}
			m := New(src, Options{MinRefreshInterval: 50 * time.Millisecond})
			if _, err := m.Resolve(ctx, "pods"); err != nil {
				t.Fatal(err)
			}
			src.set(full) // the CRD is installed after the mapper was built
			mp, err := m.Resolve(ctx, arg)
			if err != nil {
				t.Fatalf("Resolve(%q) after install: %v", arg, err)
			}
			if mp.Resource.Group != "rmtest.example.com" {
				t.Errorf("Resolve(%q) = %v", arg, mp.Resource)
			}
			// A named group reloads only that group; a bare name runs everything.
			wantFull, wantGroup := int64(1), int64(1)
			if arg == "widgets" {
				wantFull, wantGroup = 2, 0
			}
			if f, g := src.full.Load(), src.group.Load(); f != wantFull || g != wantGroup {
				t.Errorf("discovery calls: %d full, %d group; want %d, %d", f, g, wantFull, wantGroup)
			}
			// The group loaded alone is indexed like the others.
			if _, err := m.KindFor(gvr("", "", "wd")); err != nil {
				t.Errorf("KindFor(wd) after group load: %v", err)
			}
		})
	}
}

func TestMissingKindDoesNotStorm(t *testing.T) {
	src := &countingSource{src: loadRecorded(t)}
	m := New(src, Options{MinRefreshInterval: 20 * time.Millisecond, NegativeTTL: time.Minute})
	ctx := context.Background()
	for i := range 1000 {
		if _, err := m.Resolve(ctx, "nosuchkinds"); !meta.IsNoMatchError(err) {
			t.Fatalf("lookup %d: error = %v; want no match", i, err)
		}
		if _, err := m.RESTMapping(groupKind("nosuch.example.com", "NoSuch")); !meta.IsNoMatchError(err) {
			t.Fatalf("lookup %d: error = %v; want no match", i, err)
		}
	}
	if f, g := src.full.Load(), src.group.Load(); f > 2 || g > 1 {
		t.Errorf("2,000 missing lookups made %d full runs and %d group lookups; want at most 2 and 1", f, g)
	}
}

func TestConcurrentMissesShareOneRefresh(t *testing.T) {
	full := loadRecorded(t)
	src := &countingSource{src: without(full, "rmtest.example.com"), delay: 20 * time.Millisecond}
	m := New(src, Options{MinRefreshInterval: time.Millisecond})
	ctx := context.Background()
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	src.set(full)
	var wg sync.WaitGroup
	var fails atomic.Int64
	for range 100 {
		wg.Go(func() {
			if _, err := m.KindFor(gvr("", "", "widgets")); err != nil {
				fails.Add(1)
			}
		})
	}
	wg.Wait()
	if fails.Load() != 0 {
		t.Errorf("%d of 100 concurrent lookups failed", fails.Load())
	}
	if f := src.full.Load(); f != 2 {
		t.Errorf("full runs = %d; want 2 (the first, and one shared refresh)", f)
	}
}

func TestPartialRefreshKeepsLastGoodData(t *testing.T) {
	src := &countingSource{src: loadRecorded(t)}
	m := New(src, fastOpts)
	ctx := context.Background()
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	src.mu.Lock()
	src.failGV = map[string]bool{"rmtest.example.com/v1": true}
	src.mu.Unlock()
	if err := m.Refresh(ctx); err == nil {
		t.Fatal("Refresh with a failing group-version returned no error")
	}
	mp, err := m.Resolve(ctx, "widgets")
	if err != nil || mp.Resource != gvr("rmtest.example.com", "v1", "widgets") {
		t.Errorf("Resolve(widgets) after partial refresh = %v, %v; want the last good v1", mp, err)
	}
}

func TestResetForgetsNegativeEntries(t *testing.T) {
	full := loadRecorded(t)
	src := &countingSource{src: without(full, "rmtest.example.com")}
	m := New(src, Options{MinRefreshInterval: time.Hour, NegativeTTL: time.Hour})
	ctx := context.Background()
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	m.Reset() // lets the next miss refresh at once despite the hour
	if _, err := m.KindFor(gvr("", "", "widgets")); !meta.IsNoMatchError(err) {
		t.Fatalf("KindFor(widgets) before install: %v", err)
	}
	src.set(full)
	if _, err := m.KindFor(gvr("", "", "widgets")); !meta.IsNoMatchError(err) {
		t.Fatalf("KindFor(widgets) within the negative TTL: %v; want a cached no match", err)
	}
	m.Reset()
	if _, err := m.KindFor(gvr("", "", "widgets")); err != nil {
		t.Fatalf("KindFor(widgets) after Reset: %v", err)
	}
}

func TestCancelledWaitReturnsCtxError(t *testing.T) {
	src := &countingSource{src: loadRecorded(t)}
	m := New(src, Options{MinRefreshInterval: time.Hour})
	if err := m.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := m.Resolve(ctx, "nosuchkinds")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Resolve during the refresh interval with a short ctx: %v; want deadline exceeded", err)
	}
}

func groupKind(group, kind string) schema.GroupKind {
	return schema.GroupKind{Group: group, Kind: kind}
}

func TestResetRefreshesHits(t *testing.T) {
	full := loadRecorded(t)
	src := &countingSource{src: full}
	m := New(src, Options{MinRefreshInterval: time.Hour})
	ctx := context.Background()
	if mp, err := m.Resolve(ctx, "gadgets"); err != nil || mp.Resource.Version != "v1beta1" {
		t.Fatalf("Resolve(gadgets) = %v, %v", mp, err)
	}
	// The server now prefers v1alpha1 (say, a CRD was edited).
	changed := StaticSource{Resources: full.Resources}
	for _, g := range full.Groups {
		if g.Name == "rmtest.example.com" {
			g.Versions = append([]metav1.GroupVersionForDiscovery(nil), g.Versions...)
			for _, v := range g.Versions {
				if v.Version == "v1alpha1" {
					g.PreferredVersion = v
				}
			}
		}
		changed.Groups = append(changed.Groups, g)
	}
	src.set(changed)
	if mp, _ := m.Resolve(ctx, "gadgets"); mp.Resource.Version != "v1beta1" {
		t.Fatalf("a hit ran discovery before Reset: %v", mp.Resource)
	}
	m.Reset()
	if mp, err := m.Resolve(ctx, "gadgets"); err != nil || mp.Resource.Version != "v1alpha1" {
		t.Errorf("Resolve(gadgets) after Reset = %v, %v; want the new preferred v1alpha1", mp, err)
	}
	if f := src.full.Load(); f != 2 {
		t.Errorf("full runs = %d; want 2", f)
	}
}

func TestNilSourceIsAnError(t *testing.T) {
	m := New(nil, fastOpts)
	if _, err := m.Resolve(context.Background(), "pods"); err == nil || !strings.Contains(err.Error(), "no Source") {
		t.Errorf("Resolve with a nil Source: %v; want an error naming the missing Source", err)
	}
}

func TestPartialFirstRunStillAnswers(t *testing.T) {
	src := &countingSource{src: loadRecorded(t), failGV: map[string]bool{"rmtest.example.com/v1": true}}
	m := New(src, fastOpts)
	mp, err := m.Resolve(context.Background(), "deployments")
	if err != nil || mp.Resource != gvr("apps", "v1", "deployments") {
		t.Fatalf("Resolve(deployments) on a partial first run = %v, %v", mp, err)
	}
	if err := m.Refresh(context.Background()); err == nil || !strings.Contains(err.Error(), "partial") {
		t.Errorf("Refresh on a partial run: %v; want an error saying it was partial", err)
	}
}
