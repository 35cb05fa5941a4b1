package follow

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

// lateMapper is a Mapper whose discovery shows group ex.com only from the
// showAfter-th RefreshGroup on, as a server whose discovery lags its watch
// events does. showAfter < 0 never shows it.
type lateMapper struct {
	mu        sync.Mutex // guards refreshes, resets
	refreshes int
	resets    int
	showAfter int
}

func (m *lateMapper) RefreshGroup(context.Context, string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refreshes++
	return nil
}

func (m *lateMapper) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resets++
}

func (m *lateMapper) Index(context.Context) (*restmapper.Index, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.showAfter < 0 || m.refreshes < m.showAfter {
		return restmapper.NewIndex(nil, nil), nil
	}
	return restmapper.NewIndex(
		[]metav1.APIGroup{{Name: "ex.com", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "ex.com/v1", Version: "v1"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "ex.com/v1", Version: "v1"}}},
		[]*metav1.APIResourceList{{GroupVersion: "ex.com/v1", APIResources: []metav1.APIResource{{Name: "gadgets", Kind: "Gadget", Namespaced: true}}}},
	), nil
}

// countingInvalidator records Invalidate calls.
type countingInvalidator struct {
	mu    sync.Mutex // guards calls
	calls []string
}

func (c *countingInvalidator) Invalidate(groups ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, strings.Join(groups, ","))
}

func TestProcessConfirms(t *testing.T) {
	gadgets := schema.GroupVersionResource{Group: "ex.com", Version: "v1", Resource: "gadgets"}
	tests := []struct {
		name          string
		showAfter     int
		timeout       time.Duration
		changes       int // changes enqueued at once for the group
		wantErr       string
		wantRefreshes func(n int) bool
	}{
		{name: "shown at once", showAfter: 1, timeout: time.Minute, changes: 1, wantRefreshes: func(n int) bool { return n == 1 }},
		{name: "discovery lags: refreshed until shown", showAfter: 4, timeout: time.Minute, changes: 1, wantRefreshes: func(n int) bool { return n == 4 }},
		{name: "merged changes are told together", showAfter: 2, timeout: time.Minute, changes: 3, wantRefreshes: func(n int) bool { return n >= 2 }},
		{name: "never shown: told with an error", showAfter: -1, timeout: 100 * time.Millisecond, changes: 1,
			wantErr:       `follow: discovery of group "ex.com" did not show the change within 100ms: resource gadgets.v1.ex.com not served yet`,
			wantRefreshes: func(n int) bool { return n >= 2 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &lateMapper{showAfter: tc.showAfter}
			inv := &countingInvalidator{}
			rc, err := rest.NewClient(&rest.Config{Host: "https://127.0.0.1:1"}) // never dialled
			if err != nil {
				t.Fatal(err)
			}
			dc, err := dynamic.New(rc, dynamic.Options{})
			if err != nil {
				t.Fatal(err)
			}
			f, err := New(Options{Client: dc, Cache: inv, Mapper: m, ConfirmTimeout: tc.timeout})
			if err != nil {
				t.Fatal(err)
			}
			told := make(chan Change, 10)
			f.Subscribe(func(c Change) { told <- c })
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				f.queue.Run(ctx, 1, f.process)
				close(done)
			}()
			defer func() { cancel(); <-done }()
			var exp expectation
			exp.want(gadgets, true)
			for range tc.changes {
				f.enqueue(Change{Group: "ex.com", Reason: CRDEstablished, Object: "customresourcedefinitions/gadgets.ex.com", Resources: []schema.GroupVersionResource{{Group: "ex.com", Version: "v1", Resource: "gadgets"}}}, exp)
			}
			var got []string
			for range tc.changes {
				select {
				case c := <-told:
					got = append(got, errString(c.Err))
				case <-time.After(time.Minute):
					t.Fatal("no change told")
				}
			}
			want := make([]string, tc.changes)
			for i := range want {
				want[i] = tc.wantErr
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("errors told (-want +got):\n%s", diff)
			}
			m.mu.Lock()
			n := m.refreshes
			m.mu.Unlock()
			if !tc.wantRefreshes(n) {
				t.Errorf("%d refreshes", n)
			}
			inv.mu.Lock()
			defer inv.mu.Unlock()
			if len(inv.calls) != n || inv.calls[0] != "ex.com" {
				t.Errorf("cache invalidations %q, want one of ex.com per refresh (%d)", inv.calls, n)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.pend) != 0 {
				t.Errorf("pending groups left: %d", len(f.pend))
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
