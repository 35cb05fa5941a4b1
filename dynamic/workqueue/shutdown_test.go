package workqueue

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// tracker checks that no key is processed by two workers at once and
// counts rounds per key.
type tracker struct {
	mu       sync.Mutex // guards inflight, rounds, overlaps
	inflight map[string]bool
	rounds   map[string]int
	overlaps []string
}

func newTracker() *tracker {
	return &tracker{inflight: map[string]bool{}, rounds: map[string]int{}}
}

func (tr *tracker) begin(k string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.inflight[k] {
		tr.overlaps = append(tr.overlaps, k)
	}
	tr.inflight[k] = true
	tr.rounds[k]++
}

func (tr *tracker) end(k string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.inflight[k] = false
}

func TestConcurrentAddNeverProcessesAKeyTwiceAtOnce(t *testing.T) {
	q := New[string](Options{Clock: newFakeClock()})
	tr := newTracker()
	ctx := context.Background()
	var workers sync.WaitGroup
	for range 8 {
		workers.Go(func() {
			for {
				k, shutdown := q.Get(ctx)
				if shutdown {
					return
				}
				tr.begin(k)
				for range 100 { // widen the window for a second worker
					_ = q.Len()
				}
				tr.end(k)
				q.Done(k)
			}
		})
	}
	var adders sync.WaitGroup
	for a := range 16 {
		adders.Go(func() {
			for i := range 2000 {
				q.Add(fmt.Sprintf("k%d", (a+i)%10))
			}
		})
	}
	adders.Wait()
	if err := q.ShutDownWithDrain(ctx); err != nil {
		t.Fatalf("ShutDownWithDrain: %v", err)
	}
	workers.Wait()
	if len(tr.overlaps) > 0 {
		t.Fatalf("keys processed by two workers at once: %v", tr.overlaps)
	}
	for i := range 10 {
		if k := fmt.Sprintf("k%d", i); tr.rounds[k] == 0 {
			t.Errorf("key %s never processed", k)
		}
	}
}

func TestShutDownWithDrain(t *testing.T) {
	c := newFakeClock()
	q := New[string](Options{Clock: c})
	ctx := context.Background()
	q.Add("a")
	q.Add("b")
	q.Add("c")
	q.AddAfter("late", time.Second)
	k, _ := q.Get(ctx) // "a" is in flight
	q.Add("a")         // re-added while in flight: processed once more

	drained := make(chan error)
	go func() { drained <- q.ShutDownWithDrain(ctx) }()
	for !q.ShuttingDown() {
		time.Sleep(time.Millisecond) // wait for the shutdown to begin; not a timed assertion
	}
	q.Add("refused")
	q.AddAfter("refused", time.Millisecond)
	q.AddRateLimited("refused")
	if p := c.Pending(); len(p) != 0 {
		t.Errorf("pending delays after shutdown = %v, want none", p)
	}

	var got []string
	tr := newTracker()
	var workers sync.WaitGroup
	var mu sync.Mutex
	for range 3 {
		workers.Go(func() {
			for {
				k, shutdown := q.Get(ctx)
				if shutdown {
					return
				}
				tr.begin(k)
				mu.Lock()
				got = append(got, k)
				mu.Unlock()
				tr.end(k)
				q.Done(k)
			}
		})
	}
	select {
	case err := <-drained:
		t.Fatalf("drain returned %v while %q was in flight", err, k)
	default:
	}
	q.Done(k)
	if err := <-drained; err != nil {
		t.Fatalf("ShutDownWithDrain: %v", err)
	}
	workers.Wait()
	want := map[string]int{"a": 1, "b": 1, "c": 1}
	if diff := cmp.Diff(want, tr.rounds); diff != "" {
		t.Errorf("rounds after drain (-want +got):\n%s", diff)
	}
	if _, shutdown := q.Get(ctx); !shutdown {
		t.Error("Get after drain: shutdown=false")
	}
}

func TestShutDownWithDrainGivesUp(t *testing.T) {
	q := New[string](Options{Clock: newFakeClock()})
	q.Add("stuck")
	q.Add("queued")
	k, _ := q.Get(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.ShutDownWithDrain(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("ShutDownWithDrain = %v, want context.Canceled", err)
	}
	if _, shutdown := q.Get(context.Background()); !shutdown {
		t.Error("Get after an abandoned drain handed out a key")
	}
	q.Done(k) // still allowed
	if n := q.Len(); n != 0 {
		t.Errorf("Len = %d after ShutDown, want 0", n)
	}
}

func TestShutDownWakesEveryGet(t *testing.T) {
	q := New[string](Options{Clock: newFakeClock()})
	var n atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, shutdown := q.Get(context.Background()); shutdown {
				n.Add(1)
			}
		})
	}
	q.ShutDown()
	wg.Wait()
	if n.Load() != 50 {
		t.Fatalf("%d of 50 Gets returned shutdown", n.Load())
	}
}

func TestShutDownDropsQueuedAndDelayed(t *testing.T) {
	c := newFakeClock()
	q := New[string](Options{Clock: c})
	q.Add("a")
	q.AddAfter("b", time.Second)
	q.ShutDown()
	c.Advance(time.Hour)
	got := []any{q.Len(), len(c.Pending())}
	if diff := cmp.Diff([]any{0, 0}, got); diff != "" {
		t.Errorf("[Len, pending] after ShutDown (-want +got):\n%s", diff)
	}
}

func TestRun(t *testing.T) {
	c := newFakeClock()
	q := New[string](Options{Clock: c, BaseDelay: time.Second, QPS: -1})
	calls := make(chan string, 10)
	fails := map[string]int{"flaky": 2} // fails twice, then succeeds
	var mu sync.Mutex
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		q.Run(ctx, 2, func(_ context.Context, key string) error {
			mu.Lock()
			defer mu.Unlock()
			calls <- key
			if fails[key] > 0 {
				fails[key]--
				return errors.New("not yet")
			}
			return nil
		})
		close(done)
	}()
	q.Add("flaky")
	var got []string
	got = append(got, <-calls)
	c.WaitPending(1) // retry scheduled after 1s
	c.Advance(time.Second)
	got = append(got, <-calls)
	c.WaitPending(1) // then after 2s
	if diff := cmp.Diff([]time.Duration{2 * time.Second}, c.Pending()); diff != "" {
		t.Errorf("second retry delay (-want +got):\n%s", diff)
	}
	c.Advance(2 * time.Second)
	got = append(got, <-calls)
	q.Add("ok")
	got = append(got, <-calls)
	cancel()
	<-done
	if diff := cmp.Diff([]string{"flaky", "flaky", "flaky", "ok"}, got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if n := q.NumRequeues("flaky"); n != 0 {
		t.Errorf("NumRequeues(flaky) = %d after success, want 0 (forgotten)", n)
	}
}
