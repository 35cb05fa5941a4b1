package discovery

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestCachedConcurrentOneFetch: 100 goroutines asking at once share one run.
func TestCachedConcurrentOneFetch(t *testing.T) {
	rec := loadRecording(t)
	for _, mode := range []Mode{Aggregated, Legacy} {
		t.Run(mode.String(), func(t *testing.T) {
			f := &fakeServer{rec: rec}
			block := make(chan struct{})
			f.setOverride("/api", func(w http.ResponseWriter, r *http.Request) {
				<-block // hold the run until every goroutine is waiting
				f.mu.Lock()
				delete(f.override, "/api")
				f.mu.Unlock()
				f.ServeHTTP(w, r)
			})
			c := NewCached(New(newFake(t, f), Options{Mode: mode}), CacheOptions{})
			var wg sync.WaitGroup
			errs := make(chan error, 100)
			started := make(chan struct{}, 100)
			for range 100 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					started <- struct{}{}
					_, _, err := c.ServerGroupsAndResources(context.Background())
					errs <- err
				}()
			}
			for range 100 {
				<-started
			}
			close(block)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			want := int64(2)
			if mode == Legacy {
				want = legacyRunRequests(rec)
			}
			// The /api request is counted twice: once by the override, once by the replay.
			if got := f.requests.Load() - 1; got != want {
				t.Errorf("%d requests for 100 callers, want one run's %d", got, want)
			}
		})
	}
}

// TestCachedETag304: after Invalidate, an unchanged server answers the
// aggregated documents with 304 and the result is unchanged.
func TestCachedETag304(t *testing.T) {
	rec := loadRecording(t)
	f := &fakeServer{rec: rec}
	c := NewCached(New(newFake(t, f), Options{}), CacheOptions{})
	ctx := context.Background()
	g1, l1, err := c.ServerGroupsAndResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.requests.Load(); got != 2 {
		t.Fatalf("%d requests for two calls, want 2", got)
	}
	c.Invalidate()
	g2, l2, err := c.ServerGroupsAndResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, got304 := f.requests.Load(), f.notMod.Load(); got != 4 || got304 != 2 {
		t.Errorf("after Invalidate: %d requests, %d answered 304; want 4 and 2", got, got304)
	}
	if d := cmp.Diff([2]any{g1, l1}, [2]any{g2, l2}); d != "" {
		t.Errorf("revalidated result differs:\n%s", d)
	}
}

// TestCachedInvalidateGroup: in legacy mode, invalidating one group
// refetches the roots and that group's lists only.
func TestCachedInvalidateGroup(t *testing.T) {
	rec := loadRecording(t)
	f := &fakeServer{rec: rec}
	c := NewCached(New(newFake(t, f), Options{Mode: Legacy}), CacheOptions{})
	ctx := context.Background()
	if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	before := f.requests.Load()
	c.Invalidate("rec.disctest.example.com")
	if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.requests.Load() - before; got != 2+3 {
		t.Errorf("%d requests after invalidating one group of 3 versions, want 5", got)
	}
}

// TestCachedGroupAfterInvalidate: after Invalidate of one group,
// ServerGroupAndResources of that group reads only that group's legacy
// documents (in every mode), once, and answers as the full run did; other
// groups and a full call are unaffected.
func TestCachedGroupAfterInvalidate(t *testing.T) {
	rec := loadRecording(t)
	sorted := func(p []string) []string { sort.Strings(p); return p }
	for _, mode := range []Mode{Auto, Legacy} {
		t.Run(mode.String(), func(t *testing.T) {
			f := &fakeServer{rec: rec}
			c := NewCached(New(newFake(t, f), Options{Mode: mode}), CacheOptions{})
			ctx := context.Background()
			groups, lists, err := c.ServerGroupsAndResources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			f.takePaths()
			tests := []struct {
				name      string
				group     string
				wantPaths []string
				wantNF    bool
			}{
				{name: "invalidated group", group: "apps", wantPaths: []string{"/apis/apps", "/apis/apps/v1"}},
				{name: "invalidated core group", group: "", wantPaths: []string{"/api", "/api/v1"}},
				{name: "invalidated group of three versions", group: "rec.disctest.example.com",
					wantPaths: []string{"/apis/rec.disctest.example.com", "/apis/rec.disctest.example.com/v1", "/apis/rec.disctest.example.com/v1beta1", "/apis/rec.disctest.example.com/v1alpha1"}},
				{name: "group no longer served", group: "gone.example.com", wantPaths: []string{"/apis/gone.example.com"}, wantNF: true},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					c.Invalidate(tc.group)
					for i := range 2 { // the second call is answered from memory
						g, gl, err := c.ServerGroupAndResources(ctx, tc.group)
						want := tc.wantPaths
						if i == 1 {
							want = nil
						}
						if d := cmp.Diff(sorted(want), sorted(f.takePaths())); d != "" {
							t.Errorf("call %d: requests (-want +got):\n%s", i, d)
						}
						if tc.wantNF {
							if !apierrors.IsNotFound(err) {
								t.Errorf("call %d: error %v, want not found", i, err)
							}
							continue
						}
						if err != nil {
							t.Fatal(err)
						}
						wg, wl, _ := pickGroup(&result{groups: groups, lists: lists}, tc.group, "")
						_, want1 := Normalize([]metav1.APIGroup{*wg}, wl)
						_, got1 := Normalize([]metav1.APIGroup{*g}, gl)
						if d := cmp.Diff(wg.Versions, g.Versions); d != "" {
							t.Errorf("call %d: versions (-full run +one group):\n%s", i, d)
						}
						if d := cmp.Diff(want1, got1); d != "" {
							t.Errorf("call %d: lists (-full run +one group):\n%s", i, d)
						}
					}
				})
			}
			// Other groups still come from the memoised run; a full call
			// runs discovery again.
			if _, _, err := c.ServerGroupAndResources(ctx, "batch"); err != nil || len(f.takePaths()) != 0 {
				t.Errorf("a group not invalidated: err %v or requests made", err)
			}
			if _, _, err := c.ServerGroupsAndResources(ctx); err != nil || len(f.takePaths()) == 0 {
				t.Errorf("a full call after Invalidate of groups: err %v or no requests made", err)
			}
		})
	}
}

// TestCachedStaleWhileError: when a refresh fails, the last good data is
// served and reported with its age.
func TestCachedStaleWhileError(t *testing.T) {
	rec := loadRecording(t)
	tests := []struct {
		name string
		mode Mode
		fail func(f *fakeServer)
		key  string
	}{
		{name: "aggregated group-version goes Stale", mode: Aggregated, key: "groupversion batch/v1",
			fail: func(f *fakeServer) { f.rec = withStale(t, f.rec, "batch", "v1") }},
		{name: "legacy list answers 503", mode: Legacy, key: "application/json /apis/batch/v1?",
			fail: func(f *fakeServer) {
				f.setOverride("/apis/batch/v1", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
			}},
		{name: "aggregated /apis answers 500", mode: Aggregated, key: AcceptAggregated + " /apis?",
			fail: func(f *fakeServer) {
				f.setOverride("/apis", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeServer{rec: rec}
			clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var mu sync.Mutex
			now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
			c := NewCached(New(newFake(t, f), Options{Mode: tc.mode}), CacheOptions{Now: now})
			ctx := context.Background()
			_, want, err := c.ServerGroupsAndResources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tc.fail(f)
			mu.Lock()
			clock = clock.Add(time.Minute)
			mu.Unlock()
			c.Invalidate()
			_, got, err := c.ServerGroupsAndResources(ctx)
			if err != nil {
				t.Fatalf("stale-while-error: %v", err)
			}
			if findResource(got, "batch/v1", "jobs") == nil || len(got) != len(want) {
				t.Errorf("stale data not served: %d lists, want %d", len(got), len(want))
			}
			stale := c.Stale()
			if len(stale) != 1 || stale[0].Key != tc.key || stale[0].Err == nil {
				t.Fatalf("Stale() = %+v, want one entry %q", stale, tc.key)
			}
			if stale[0].Age != time.Minute {
				t.Errorf("age = %v, want 1m", stale[0].Age)
			}
		})
	}
}

// TestDiskCache: a second process revalidates from disk with 304s; a
// corrupt or truncated file is ignored and refetched.
func TestDiskCache(t *testing.T) {
	rec := loadRecording(t)
	tests := []struct {
		name    string
		corrupt func(t *testing.T, path string)
		want304 int64
	}{
		{name: "intact", want304: 2},
		{name: "truncated", want304: 1, corrupt: func(t *testing.T, path string) {
			b, _ := os.ReadFile(path)
			os.WriteFile(path, b[:len(b)/2], 0o600)
		}},
		{name: "garbage", want304: 1, corrupt: func(t *testing.T, path string) {
			os.WriteFile(path, []byte("\x00\xffnot json"), 0o600)
		}},
		{name: "empty", want304: 1, corrupt: func(t *testing.T, path string) {
			os.WriteFile(path, nil, 0o600)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f := &fakeServer{rec: rec}
			rc := newFake(t, f)
			first := NewCached(New(rc, Options{}), CacheOptions{Dir: dir})
			if _, _, err := first.ServerGroupsAndResources(context.Background()); err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
			if len(files) != 2 {
				t.Fatalf("%d cache files, want 2", len(files))
			}
			for _, p := range files {
				if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, %v", p, st.Mode(), err)
				}
			}
			if tc.corrupt != nil {
				tc.corrupt(t, files[0])
			}
			second := NewCached(New(rc, Options{}), CacheOptions{Dir: dir})
			if _, _, err := second.ServerGroupsAndResources(context.Background()); err != nil {
				t.Fatalf("with a %s cache file: %v", tc.name, err)
			}
			if got := f.notMod.Load(); got != tc.want304 {
				t.Errorf("%d answers were 304, want %d", got, tc.want304)
			}
		})
	}
}
