package workqueue

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		name     string
		base     time.Duration
		max      time.Duration
		failures []int
		want     []time.Duration
	}{
		{
			name:     "doubles from base",
			base:     5 * time.Millisecond,
			max:      time.Hour,
			failures: []int{0, 1, 2, 3, 10},
			want:     []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 5120 * time.Millisecond},
		},
		{
			name:     "capped at max",
			base:     time.Second,
			max:      10 * time.Second,
			failures: []int{3, 4, 5, 100},
			want:     []time.Duration{8 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second},
		},
		{
			name:     "huge counts do not overflow",
			base:     time.Millisecond,
			max:      1000 * time.Second,
			failures: []int{61, 62, 63, 1 << 30},
			want:     []time.Duration{1000 * time.Second, 1000 * time.Second, 1000 * time.Second, 1000 * time.Second},
		},
		{
			name:     "negative count is the first failure",
			base:     time.Millisecond,
			max:      time.Second,
			failures: []int{-1},
			want:     []time.Duration{time.Millisecond},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []time.Duration
			for _, n := range tc.failures {
				got = append(got, backoff(tc.base, tc.max, n))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("backoff (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBucket(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		qps   float64
		burst int
		at    []time.Duration // reservation times after t0
		want  []time.Duration
	}{
		{
			name:  "burst then spread at 1/qps",
			qps:   10,
			burst: 2,
			at:    []time.Duration{0, 0, 0, 0},
			want:  []time.Duration{0, 0, 100 * time.Millisecond, 200 * time.Millisecond},
		},
		{
			name:  "tokens come back with time, up to the burst",
			qps:   10,
			burst: 2,
			at:    []time.Duration{0, 0, time.Hour, time.Hour, time.Hour},
			want:  []time.Duration{0, 0, 0, 0, 100 * time.Millisecond},
		},
		{
			name:  "a partial refill shortens the wait",
			qps:   1,
			burst: 1,
			at:    []time.Duration{0, 0, 500 * time.Millisecond},
			want:  []time.Duration{0, time.Second, 1500 * time.Millisecond},
		},
		{
			name:  "no limit",
			qps:   -1,
			burst: 1,
			at:    []time.Duration{0, 0, 0},
			want:  []time.Duration{0, 0, 0},
		},
		{
			name:  "burst below one is one",
			qps:   2,
			burst: 0,
			at:    []time.Duration{0, 0},
			want:  []time.Duration{0, 500 * time.Millisecond},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBucket(tc.qps, tc.burst, t0)
			var got []time.Duration
			for _, at := range tc.at {
				got = append(got, b.reserve(t0.Add(at)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddRateLimited(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		steps []string
		want  []string
	}{
		{
			name: "backoff grows per failure and is capped",
			opts: Options{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, QPS: -1},
			steps: []string{
				"limited a", "pending", "advance 1ms", "get", "done a",
				"limited a", "pending", "advance 2ms", "get", "done a",
				"limited a", "pending", "advance 4ms", "get", "done a",
				"limited a", "pending", "requeues a",
			},
			want: []string{
				"pending=[1ms]", "a",
				"pending=[2ms]", "a",
				"pending=[4ms]", "a",
				"pending=[4ms]", "a:4",
			},
		},
		{
			name: "not ready one tick early",
			opts: Options{BaseDelay: 8 * time.Millisecond, QPS: -1},
			steps: []string{
				"limited a", "limited a", "advance 7ms", "get", "advance 1ms", "get",
			},
			want: []string{"-", "a"},
		},
		{
			name: "forget resets the backoff",
			opts: Options{BaseDelay: time.Millisecond, QPS: -1},
			steps: []string{
				"limited a", "advance 1ms", "limited a", "pending", "requeues a",
				"forget a", "requeues a", "advance 1h", "limited a", "pending",
			},
			want: []string{"pending=[2ms]", "a:2", "a:0", "pending=[1ms]"},
		},
		{
			name: "keys back off independently",
			opts: Options{BaseDelay: time.Millisecond, QPS: -1},
			steps: []string{
				"limited a", "advance 1ms", "limited a", "advance 2ms", "limited a", "limited b", "pending",
			},
			want: []string{"pending=[1ms 4ms]"},
		},
		{
			name: "the overall bucket delays keys past the burst",
			opts: Options{BaseDelay: time.Nanosecond, QPS: 10, Burst: 2},
			steps: []string{
				"limited a", "limited b", "limited c", "limited d", "pending",
				"advance 1ns", "len", "advance 100ms", "len", "get", "get", "get", "advance 100ms", "get",
			},
			want: []string{
				"pending=[1ns 1ns 100ms 200ms]",
				"len=2", "len=3", "a", "b", "c", "d",
			},
		},
		{
			name: "the longer of backoff and bucket wins",
			opts: Options{BaseDelay: 300 * time.Millisecond, QPS: 10, Burst: 1},
			steps: []string{
				"limited a", "limited b", "limited c", "limited d", "limited e", "pending",
			},
			want: []string{"pending=[300ms 300ms 300ms 300ms 400ms]"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newFakeClock()
			tc.opts.Clock = c
			q := New[string](tc.opts)
			got := script(t, q, c, tc.steps)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("steps %q (-want +got):\n%s", tc.steps, diff)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	got := Options{}.withDefaults()
	got.Clock = nil
	want := Options{BaseDelay: 5 * time.Millisecond, MaxDelay: 1000 * time.Second, QPS: 10, Burst: 100}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}
