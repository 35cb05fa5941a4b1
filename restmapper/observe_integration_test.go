package restmapper

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationObserverSeesRefreshesAndRequests: one observer, given to
// the rest.Config and to the Mapper, sees each refresh of a scripted run on
// the real control plane, and every HTTP request discovery made for it.
func TestIntegrationObserverSeesRefreshesAndRequests(t *testing.T) {
	env := cluster.Get(t)
	base, ok := env.HTTPClient().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("env.HTTPClient's transport is %T", env.HTTPClient().Transport)
	}
	tr := base.Clone()
	t.Cleanup(tr.CloseIdleConnections)
	var sent atomic.Int64
	var mu sync.Mutex
	var log []string // "refresh: REASON" or "request"
	var requests int64
	obs := rest.ObserverFunc(func(ev rest.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case rest.MapperRefreshEvent:
			log = append(log, "refresh: "+ev.Reason)
		case rest.RequestEvent:
			requests++
			if len(log) == 0 || log[len(log)-1] != "requests" {
				log = append(log, "requests")
			}
		}
	})
	rc, err := rest.NewClient(&rest.Config{Host: env.Server, Observer: obs,
		HTTPClient: &http.Client{Transport: countingRT{next: tr, n: &sent, token: env.Admin.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	src := discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{})
	m := New(src, Options{Observer: obs})
	ctx := context.Background()
	if _, err := m.Resolve(ctx, "deployments"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Resolve(ctx, "nosuchthings.apps"); err == nil {
		t.Fatal("nosuchthings.apps resolved")
	}
	if err := m.Refresh(ctx); err != nil && !discovery.IsPartial(err) {
		t.Fatal(err)
	}
	want := []string{
		"requests", "refresh: first use",
		"requests", "refresh: no match in group apps",
		"requests", "refresh: Refresh",
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
	if requests != sent.Load() {
		t.Errorf("the observer saw %d requests, the transport sent %d", requests, sent.Load())
	}
}
