package workqueue

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// script runs steps against q and returns what the observing steps saw:
//
//	add K | after K DURATION | limited K | done K | forget K | advance DURATION
//	get        → the key handed out, or "-" when none is ready
//	len        → "len=N"
//	requeues K → "K:N"
//	pending    → "pending=[...]" (the fake clock's live delays)
func script(t *testing.T, q *Queue[string], c *fakeClock, steps []string) []string {
	t.Helper()
	var got []string
	for _, s := range steps {
		f := strings.Fields(s)
		switch f[0] {
		case "add":
			q.Add(f[1])
		case "after":
			q.AddAfter(f[1], mustDuration(t, f[2]))
		case "limited":
			q.AddRateLimited(f[1])
		case "done":
			q.Done(f[1])
		case "forget":
			q.Forget(f[1])
		case "advance":
			c.Advance(mustDuration(t, f[1]))
		case "get":
			if q.Len() == 0 {
				got = append(got, "-")
				continue
			}
			k, shutdown := q.Get(context.Background())
			if shutdown {
				k = "shutdown"
			}
			got = append(got, k)
		case "len":
			got = append(got, fmt.Sprintf("len=%d", q.Len()))
		case "requeues":
			got = append(got, fmt.Sprintf("%s:%d", f[1], q.NumRequeues(f[1])))
		case "pending":
			got = append(got, fmt.Sprintf("pending=%v", c.Pending()))
		default:
			t.Fatalf("bad step %q", s)
		}
	}
	return got
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("bad duration %q: %v", s, err)
	}
	return d
}

func TestQueueDedupe(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  []string
	}{
		{
			name:  "duplicate adds queue once, in first-add order",
			steps: []string{"add a", "add b", "add a", "add a", "len", "get", "get", "get"},
			want:  []string{"len=2", "a", "b", "-"},
		},
		{
			name:  "a key added while processing waits for Done",
			steps: []string{"add a", "get", "add a", "len", "get", "done a", "len", "get"},
			want:  []string{"a", "len=0", "-", "len=1", "a"},
		},
		{
			name:  "many adds while processing give one more round",
			steps: []string{"add a", "get", "add a", "add a", "add a", "done a", "get", "done a", "get"},
			want:  []string{"a", "a", "-"},
		},
		{
			name:  "done without re-add does not requeue",
			steps: []string{"add a", "get", "done a", "len", "get"},
			want:  []string{"a", "len=0", "-"},
		},
		{
			name:  "other keys flow while one is processing",
			steps: []string{"add a", "add b", "get", "add a", "get", "get", "done a", "get"},
			want:  []string{"a", "b", "-", "a"},
		},
		{
			name:  "key can be added again after its round",
			steps: []string{"add a", "get", "done a", "add a", "get"},
			want:  []string{"a", "a"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newFakeClock()
			q := New[string](Options{Clock: c})
			got := script(t, q, c, tc.steps)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("steps %q (-want +got):\n%s", tc.steps, diff)
			}
		})
	}
}

func TestQueueAddAfter(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  []string
	}{
		{
			name:  "not ready before its time, ready at it",
			steps: []string{"after a 10ms", "advance 9ms", "get", "advance 1ms", "get"},
			want:  []string{"-", "a"},
		},
		{
			name:  "zero delay is an Add",
			steps: []string{"after a 0s", "pending", "get"},
			want:  []string{"pending=[]", "a"},
		},
		{
			name:  "an earlier time replaces a later one",
			steps: []string{"after a 10ms", "after a 2ms", "pending", "advance 2ms", "get", "pending"},
			want:  []string{"pending=[2ms]", "a", "pending=[]"},
		},
		{
			name:  "a later time is ignored",
			steps: []string{"after a 2ms", "after a 10ms", "pending", "advance 2ms", "get", "advance 8ms", "get"},
			want:  []string{"pending=[2ms]", "a", "-"},
		},
		{
			name:  "a delayed key already queued is not queued twice",
			steps: []string{"add a", "after a 1ms", "advance 1ms", "len", "get", "get"},
			want:  []string{"len=1", "a", "-"},
		},
		{
			name:  "keys come out in the order they fall due",
			steps: []string{"after a 3ms", "after b 1ms", "after c 2ms", "advance 5ms", "get", "get", "get"},
			want:  []string{"b", "c", "a"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newFakeClock()
			q := New[string](Options{Clock: c})
			got := script(t, q, c, tc.steps)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("steps %q (-want +got):\n%s", tc.steps, diff)
			}
		})
	}
}

func TestGetContextDone(t *testing.T) {
	q := New[string](Options{Clock: newFakeClock()})
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan bool)
	go func() {
		_, shutdown := q.Get(ctx)
		res <- shutdown
	}()
	cancel()
	if !<-res {
		t.Fatal("Get with a cancelled ctx returned shutdown=false")
	}
	q.Add("a") // the queue itself is fine
	if k, shutdown := q.Get(context.Background()); shutdown || k != "a" {
		t.Fatalf("Get = %q, %v; want a, false", k, shutdown)
	}
}

func TestIntKeys(t *testing.T) {
	type key struct{ ns, name string }
	q := New[key](Options{})
	q.Add(key{"a", "x"})
	q.Add(key{"a", "x"})
	q.Add(key{"b", "x"})
	var got []key
	for q.Len() > 0 {
		k, _ := q.Get(context.Background())
		got = append(got, k)
		q.Done(k)
	}
	want := []key{{"a", "x"}, {"b", "x"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(key{})); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}
