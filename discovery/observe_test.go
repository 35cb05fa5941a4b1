package discovery

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/rest"
)

// cacheEvents records the DiscoveryCacheEvents an observer sees.
type cacheEvents struct {
	mu  sync.Mutex
	got map[rest.DiscoveryCacheResult]int
}

func (e *cacheEvents) Observe(ev rest.Event) {
	if c, ok := ev.(rest.DiscoveryCacheEvent); ok {
		e.mu.Lock()
		e.got[c.Result]++
		e.mu.Unlock()
	}
}

// TestCacheObserved: the first run of a cache reports one miss per document
// it fetched, a memoised answer reports nothing, and after Invalidate the
// documents the server confirms unchanged are reported revalidated or hit.
func TestCacheObserved(t *testing.T) {
	rec := loadRecording(t)
	f := &fakeServer{rec: rec}
	obs := &cacheEvents{got: map[rest.DiscoveryCacheResult]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client(), MaxRetries: -1,
		WarningHandler: rest.DiscardWarnings, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	c := NewCached(New(rc, Options{Mode: Legacy}), CacheOptions{Now: func() time.Time { return now }})
	ctx := context.Background()
	if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	first := map[rest.DiscoveryCacheResult]int{rest.DiscoveryCacheMiss: int(legacyRunRequests(rec))}
	if diff := cmp.Diff(first, obs.got); diff != "" {
		t.Fatalf("first run's cache events (-want +got):\n%s", diff)
	}
	if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, obs.got); diff != "" {
		t.Fatalf("a memoised answer reported cache events (-want +got):\n%s", diff)
	}
	c.Invalidate()
	if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range obs.got {
		total += n
	}
	if total <= first[rest.DiscoveryCacheMiss] {
		t.Fatalf("the run after Invalidate reported no cache events: %v", obs.got)
	}
	if c.DiskProblem() != nil {
		t.Fatalf("DiskProblem = %v without a disk cache", c.DiskProblem())
	}
}
