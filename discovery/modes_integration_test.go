package discovery

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// serverModes returns the modes env's server can be discovered in, asking
// the server (never its version): Legacy always, Aggregated when the server
// answers /api and /apis with aggregated discovery (1.36, 1.29 by default;
// not 1.29 with the AggregatedDiscoveryEndpoint gate off).
func serverModes(t *testing.T, env *cluster.Env) []Mode {
	t.Helper()
	_, err := New(adminREST(t, env), Options{Mode: Aggregated}).ServerGroups(context.Background())
	switch {
	case err == nil:
		return []Mode{Aggregated, Legacy}
	case errors.Is(err, ErrNotAggregated):
		t.Logf("the server offers no aggregated discovery: testing legacy discovery only (%v)", err)
		return []Mode{Legacy}
	default:
		t.Fatalf("asking the server for aggregated discovery: %v", err)
		return nil
	}
}

// TestIntegrationAutoMode: whatever the server offers, Auto finds it. On a
// server with aggregated discovery, Auto takes its two round trips; on one
// without, Mode Aggregated fails with ErrNotAggregated and Auto answers what
// Legacy answers.
func TestIntegrationAutoMode(t *testing.T) {
	env := cluster.Get(t)
	ctx := context.Background()
	modes := serverModes(t, env)
	rc, ct := countingClient(t, env)
	autoGroups, autoLists, err := New(rc, Options{}).ServerGroupsAndResources(ctx)
	if err != nil && !IsPartial(err) {
		t.Fatal(err)
	}
	if len(modes) == 2 {
		if got := ct.trips.Load(); got != 2 {
			t.Errorf("Auto on a server with aggregated discovery: %d round trips, want 2", got)
		}
		return
	}
	if _, err := New(rc, Options{Mode: Aggregated}).ServerGroups(ctx); !errors.Is(err, ErrNotAggregated) {
		t.Errorf("Mode Aggregated on a legacy-only server: err = %v, want ErrNotAggregated", err)
	}
	legGroups, legLists, err := New(rc, Options{Mode: Legacy}).ServerGroupsAndResources(ctx)
	if err != nil && !IsPartial(err) {
		t.Fatal(err)
	}
	// Built-in groups only: other tests' CRDs come and go meanwhile.
	const builtinOnly = "\x00"
	ag, al := Normalize(ours(autoGroups, autoLists, builtinOnly))
	lg, ll := Normalize(ours(legGroups, legLists, builtinOnly))
	if d := cmp.Diff(lg, ag); d != "" {
		t.Errorf("groups (-legacy +auto):\n%s", d)
	}
	if d := cmp.Diff(ll, al); d != "" {
		t.Errorf("resources (-legacy +auto):\n%s", d)
	}
	if len(al) < 10 {
		t.Errorf("Auto found %d resource lists", len(al))
	}
}
