package shard

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func lease(name, id, rv string, claimed Ranges) peerLease {
	return peerLease{name: name, identity: id, rv: rv, seconds: 4, claimed: claimed}
}

func TestObserve(t *testing.T) {
	prev := view{
		"g-a": {lease: lease("g-a", "a", "1", nil), observedAt: t0},
		"g-b": {lease: lease("g-b", "b", "5", nil), observedAt: t0},
		"g-c": {lease: lease("g-c", "c", "7", nil), observedAt: t0},
	}
	now := t0.Add(3 * time.Second)
	got := observe(prev, []peerLease{
		lease("g-a", "a", "1", nil),          // unchanged: keeps its time
		lease("g-b", "b", "6", Ranges{Full}), // renewed: stamped now
		lease("g-d", "d", "9", nil),          // new: stamped now
	}, now) // g-c deleted: gone
	want := view{
		"g-a": {lease: lease("g-a", "a", "1", nil), observedAt: t0},
		"g-b": {lease: lease("g-b", "b", "6", Ranges{Full}), observedAt: now},
		"g-d": {lease: lease("g-d", "d", "9", nil), observedAt: now},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(peer{}, peerLease{})); diff != "" {
		t.Errorf("observe (-want +got):\n%s", diff)
	}
}

func TestLive(t *testing.T) {
	p := peer{lease: lease("g-a", "a", "1", nil), observedAt: t0} // 4s
	tests := []struct {
		name  string
		after time.Duration
		want  bool
	}{
		{name: "just seen", after: 0, want: true},
		{name: "a moment before expiry", after: 4*time.Second - time.Nanosecond, want: true},
		{name: "at expiry", after: 4 * time.Second, want: false},
		{name: "long gone", after: time.Hour, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.live(t0.Add(tc.after)); got != tc.want {
				t.Errorf("live after %v = %v, want %v", tc.after, got, tc.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	half, thirds := Split(2), Split(3)
	fresh := func(ls ...peerLease) view {
		v := view{}
		for _, l := range ls {
			v[l.name] = peer{lease: l, observedAt: t0}
		}
		return v
	}
	tests := []struct {
		name string
		view view
		hold holding
		now  time.Time
		want plan
	}{
		{
			name: "alone: claims everything, serves nothing yet",
			view: fresh(lease("g-b", "b", "1", nil)),
			now:  t0,
			want: plan{target: Ranges{Full}, claimed: Ranges{Full}},
		},
		{
			name: "a second member joined: release its half at once",
			view: fresh(lease("g-a", "a", "2", nil), lease("g-b", "b", "7", Ranges{Full})),
			hold: holding{serving: Ranges{Full}, claimed: Ranges{Full}},
			now:  t0,
			want: plan{target: Ranges{half[1]}, serving: Ranges{half[1]}, claimed: Ranges{half[1]}},
		},
		{
			name: "joining beside a holder: wait for its release",
			view: fresh(lease("g-a", "a", "2", Ranges{Full})),
			now:  t0,
			want: plan{target: Ranges{half[1]}, claimed: nil},
		},
		{
			name: "the holder released: claim",
			view: fresh(lease("g-a", "a", "3", Ranges{half[0]})),
			now:  t0,
			want: plan{target: Ranges{half[1]}, claimed: Ranges{half[1]}},
		},
		{
			name: "the holder's lease expired: its claim no longer counts, nor its membership",
			view: fresh(lease("g-a", "a", "2", Ranges{Full})),
			now:  t0.Add(4 * time.Second),
			want: plan{target: Ranges{Full}, claimed: Ranges{Full}},
		},
		{
			name: "a written claim is kept while another claims the same",
			view: fresh(lease("g-a", "a", "2", Ranges{half[1]})),
			hold: holding{claimed: Ranges{half[1]}},
			now:  t0,
			want: plan{target: Ranges{half[1]}, claimed: Ranges{half[1]}},
		},
		{
			name: "three members, middle share, part still held by a neighbour",
			view: fresh(lease("g-a", "a", "1", Ranges{{Start: 0, Last: thirds[1].Start + 9}}), lease("g-c", "c", "1", Ranges{thirds[2]})),
			hold: holding{serving: Ranges{half[1]}, claimed: Ranges{half[1]}},
			now:  t0,
			want: plan{
				target:  Ranges{thirds[1]},
				serving: Ranges{{Start: half[1].Start, Last: thirds[1].Last}},
				claimed: Ranges{{Start: thirds[1].Start + 10, Last: thirds[1].Last}},
			},
		},
		{
			name: "an unreadable lease claims everything: nothing taken",
			view: fresh(peerLease{name: "g-x", rv: "1", seconds: 4, claimed: Ranges{Full}}),
			now:  t0,
			want: plan{target: Ranges{Full}, claimed: nil},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := decide(tc.view, "b", tc.hold, tc.now)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(plan{})); diff != "" {
				t.Errorf("decide (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPromote(t *testing.T) {
	half := Split(2)
	tests := []struct {
		name string
		view view
		hold holding
		want Ranges
	}{
		{
			name: "no rival claim: serve the claim",
			view: view{"g-a": {lease: lease("g-a", "a", "1", Ranges{half[0]}), observedAt: t0}},
			hold: holding{claimed: Ranges{half[1]}},
			want: Ranges{half[1]},
		},
		{
			name: "a rival claims the same: serve nothing more",
			view: view{"g-a": {lease: lease("g-a", "a", "1", Ranges{Full}), observedAt: t0}},
			hold: holding{claimed: Ranges{half[1]}},
			want: nil,
		},
		{
			name: "a rival claims part: serve the rest",
			view: view{"g-a": {lease: lease("g-a", "a", "1", Ranges{{Start: half[1].Start, Last: half[1].Start + 99}, half[0]}), observedAt: t0}},
			hold: holding{claimed: Ranges{half[1]}},
			want: Ranges{{Start: half[1].Start + 100, Last: half[1].Last}},
		},
		{
			name: "a claim outside the new target is not served",
			view: view{
				"g-a": {lease: lease("g-a", "a", "1", nil), observedAt: t0},
				"g-c": {lease: lease("g-c", "c", "1", nil), observedAt: t0},
			},
			hold: holding{claimed: Ranges{half[1]}},
			want: Ranges{{Start: half[1].Start, Last: Split(3)[1].Last}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, promote(tc.view, "b", tc.hold, t0)); diff != "" {
				t.Errorf("promote (-want +got):\n%s", diff)
			}
		})
	}
}
