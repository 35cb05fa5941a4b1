package leader

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func TestDecide(t *testing.T) {
	held := func(holder string, dur int32, transitions int32) Record {
		return Record{HolderIdentity: holder, LeaseDurationSeconds: dur, AcquireTime: at(-100), RenewTime: at(-1), LeaseTransitions: transitions}
	}
	tests := []struct {
		name string
		obs  observation
		now  time.Time
		want decision
	}{
		{
			name: "no lease: create it",
			obs:  observation{},
			now:  at(0),
			want: decision{act: actCreate, next: Record{HolderIdentity: "me", LeaseDurationSeconds: 15, AcquireTime: at(0), RenewTime: at(0)}},
		},
		{
			name: "held by me: renew, keeping acquireTime and transitions",
			obs:  observation{exists: true, rec: held("me", 15, 3), observedAt: at(-1)},
			now:  at(0),
			want: decision{act: actRenew, next: Record{HolderIdentity: "me", LeaseDurationSeconds: 15, AcquireTime: at(-100), RenewTime: at(0), LeaseTransitions: 3}},
		},
		{
			name: "held by me with no acquireTime: renew and set it",
			obs:  observation{exists: true, rec: Record{HolderIdentity: "me", LeaseDurationSeconds: 15}, observedAt: at(-1)},
			now:  at(0),
			want: decision{act: actRenew, next: Record{HolderIdentity: "me", LeaseDurationSeconds: 15, AcquireTime: at(0), RenewTime: at(0)}},
		},
		{
			name: "held by another, observed recently: wait",
			obs:  observation{exists: true, rec: held("other", 15, 3), observedAt: at(-14.9)},
			now:  at(0),
			want: decision{act: actWait},
		},
		{
			name: "held by another, unchanged for exactly its duration: take over",
			obs:  observation{exists: true, rec: held("other", 15, 3), observedAt: at(-15)},
			now:  at(0),
			want: decision{act: actAcquire, next: Record{HolderIdentity: "me", LeaseDurationSeconds: 15, AcquireTime: at(0), RenewTime: at(0), LeaseTransitions: 4}},
		},
		{
			name: "the holder's duration counts, not mine",
			obs:  observation{exists: true, rec: held("other", 60, 0), observedAt: at(-30)},
			now:  at(0),
			want: decision{act: actWait},
		},
		{
			name: "renewTime long ago but first observed now: wait (clock skew safety)",
			obs:  observation{exists: true, rec: Record{HolderIdentity: "other", LeaseDurationSeconds: 15, RenewTime: at(-3600)}, observedAt: at(0)},
			now:  at(0),
			want: decision{act: actWait},
		},
		{
			name: "released (no holder): take it at once",
			obs:  observation{exists: true, rec: Record{LeaseDurationSeconds: 1, LeaseTransitions: 7}, observedAt: at(0)},
			now:  at(0),
			want: decision{act: actAcquire, next: Record{HolderIdentity: "me", LeaseDurationSeconds: 15, AcquireTime: at(0), RenewTime: at(0), LeaseTransitions: 8}},
		},
		{
			name: "zero duration held by another: expired",
			obs:  observation{exists: true, rec: Record{HolderIdentity: "other"}, observedAt: at(0)},
			now:  at(0),
			want: decision{act: actAcquire, next: Record{HolderIdentity: "me", LeaseDurationSeconds: 15, AcquireTime: at(0), RenewTime: at(0), LeaseTransitions: 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := decide(tc.obs, "me", 15, tc.now)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(decision{})); diff != "" {
				t.Errorf("decide (-want +got):\n%s", diff)
			}
		})
	}
}

func TestObserve(t *testing.T) {
	rec := Record{HolderIdentity: "other", LeaseDurationSeconds: 15, RenewTime: at(0)}
	renewed := rec
	renewed.RenewTime = at(2)
	tests := []struct {
		name string
		prev observation
		rec  Record
		rv   string
		now  time.Time
		want time.Time // observedAt
	}{
		{name: "first read", prev: observation{}, rec: rec, rv: "1", now: at(5), want: at(5)},
		{name: "unchanged keeps the old time", prev: observation{exists: true, rec: rec, rv: "1", observedAt: at(5)}, rec: rec, rv: "1", now: at(9), want: at(5)},
		{name: "renewed moves it", prev: observation{exists: true, rec: rec, rv: "1", observedAt: at(5)}, rec: renewed, rv: "2", now: at(9), want: at(9)},
		{name: "new resourceVersion alone moves it", prev: observation{exists: true, rec: rec, rv: "1", observedAt: at(5)}, rec: rec, rv: "2", now: at(9), want: at(9)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := observe(tc.prev, tc.rec, tc.rv, tc.now)
			if diff := cmp.Diff(tc.want, got.observedAt); diff != "" {
				t.Errorf("observedAt (-want +got):\n%s", diff)
			}
		})
	}
}

// TestElection plays several candidates against one lease through the pure
// functions with a shared fake clock: at most one holds the lease at any
// time, and a dead leader is replaced only after the lease duration.
func TestElectionSimulation(t *testing.T) {
	type cand struct {
		id   string
		obs  observation
		dead bool
	}
	lease := observation{} // what the server holds (rv counts writes)
	rv := 0
	cands := []*cand{{id: "a"}, {id: "b"}, {id: "c"}}
	var holders []string
	lastRenew := map[string]time.Time{}
	for step := 0; step < 200; step++ {
		now := at(float64(step) * 0.5)
		if step == 60 {
			cands[0].dead, cands[1].dead = true, true // whoever leads may be among them
		}
		for _, c := range cands {
			if c.dead {
				continue
			}
			if lease.exists {
				c.obs = observe(c.obs, lease.rec, lease.rv, now)
			}
			d := decide(c.obs, c.id, 10, now)
			if d.act == actWait {
				continue
			}
			if d.act == actAcquire && lease.exists && lease.rec.HolderIdentity != "" {
				if last, ok := lastRenew[lease.rec.HolderIdentity]; ok && now.Sub(last) < 10*time.Second {
					t.Fatalf("step %d: %s took over from %s only %v after its last renewal", step, c.id, lease.rec.HolderIdentity, now.Sub(last))
				}
			}
			rv++
			lease = observation{exists: true, rec: d.next, rv: strconv.Itoa(rv)}
			c.obs = observe(c.obs, lease.rec, lease.rv, now)
			lastRenew[c.id] = now
		}
		if n := len(holders); n == 0 || holders[n-1] != lease.rec.HolderIdentity {
			holders = append(holders, lease.rec.HolderIdentity)
		}
	}
	want := []string{"a", "c"}
	if diff := cmp.Diff(want, holders); diff != "" {
		t.Errorf("holders over time (-want +got):\n%s", diff)
	}
	if lease.rec.LeaseTransitions != 1 {
		t.Errorf("transitions = %d, want 1", lease.rec.LeaseTransitions)
	}
}
