package discovery

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// countingTransport counts round trips and new connections and adds the
// admin token: a caller's own HTTP client under rest.Config.HTTPClient.
type countingTransport struct {
	base  http.RoundTripper
	token string
	trips atomic.Int64
	dials atomic.Int64

	mu     sync.Mutex     // guards byPath
	byPath map[string]int // round trips per URL path
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.trips.Add(1)
	c.mu.Lock()
	if c.byPath == nil {
		c.byPath = map[string]int{}
	}
	c.byPath[r.URL.Path]++
	c.mu.Unlock()
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+c.token)
	return c.base.RoundTrip(r)
}

// requests returns the round trips to path since the last reset, and resets.
func (c *countingTransport) requests(path string) int {
	return c.takePaths()[path]
}

// takePaths returns the round trips per path since the last reset, and resets.
func (c *countingTransport) takePaths() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.byPath
	c.byPath = nil
	return m
}

func countingClient(t *testing.T, env *cluster.Env) (*rest.Client, *countingTransport) {
	t.Helper()
	base, ok := env.HTTPClient().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("env.HTTPClient's transport is %T", env.HTTPClient().Transport)
	}
	tr := base.Clone()
	ct := &countingTransport{base: tr, token: env.Admin.Token}
	d := &net.Dialer{}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		ct.dials.Add(1)
		return d.DialContext(ctx, network, addr)
	}
	tr.ForceAttemptHTTP2 = true
	rc, err := rest.NewClient(&rest.Config{Host: env.Server, HTTPClient: &http.Client{Transport: ct}})
	if err != nil {
		t.Fatal(err)
	}
	return rc, ct
}

// TestIntegrationRoundTripsAndConnections: on a caller's counting client,
// aggregated discovery takes 2 round trips and legacy discovery one per
// document, each on a single connection.
func TestIntegrationRoundTripsAndConnections(t *testing.T) {
	env := cluster.Get(t)
	for _, mode := range serverModes(t, env) {
		t.Run(mode.String(), func(t *testing.T) {
			rc, ct := countingClient(t, env)
			groups, lists, err := New(rc, Options{Mode: mode}).ServerGroupsAndResources(context.Background())
			if err != nil && !IsPartial(err) {
				t.Fatal(err)
			}
			want := int64(2)
			if mode == Legacy {
				want = 2 + int64(len(lists)) // failed group-versions add their (retried) requests
			}
			if got := ct.trips.Load(); mode == Aggregated && got != want || mode == Legacy && got < want {
				t.Errorf("%d round trips, want %d", got, want)
			}
			if got := ct.dials.Load(); got != 1 {
				t.Errorf("%d new connections, want 1", got)
			}
			t.Logf("%v: %d groups, %d lists, %d round trips, %d connections", mode, len(groups), len(lists), ct.trips.Load(), ct.dials.Load())
		})
	}
}
