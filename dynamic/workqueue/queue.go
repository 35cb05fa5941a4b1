package workqueue

import (
	"context"
	"sync"
	"time"
)

// Options tunes a Queue. The zero value gives client-go's default controller
// rate limiting: per-key backoff from 5ms doubling to 1000s, and an overall
// 10 requeues per second with a burst of 100.
type Options struct {
	// BaseDelay is the first per-key backoff of AddRateLimited (default
	// 5ms); each further failure of the same key doubles it.
	BaseDelay time.Duration
	// MaxDelay caps the per-key backoff (default 1000s).
	MaxDelay time.Duration
	// QPS is the overall rate of AddRateLimited, in keys per second, as a
	// token bucket that holds Burst tokens (default 10). A negative QPS
	// turns the overall limit off.
	QPS float64
	// Burst is the token bucket's capacity (default 100).
	Burst int
	// Clock is the time source; nil means the real clock. Tests pass a
	// fake one.
	Clock Clock
}

func (o Options) withDefaults() Options {
	if o.BaseDelay <= 0 {
		o.BaseDelay = 5 * time.Millisecond
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 1000 * time.Second
	}
	if o.MaxDelay < o.BaseDelay {
		o.MaxDelay = o.BaseDelay
	}
	if o.QPS == 0 {
		o.QPS = 10
	}
	if o.Burst <= 0 {
		o.Burst = 100
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	return o
}

// Queue is a de-duplicating work queue of keys for controllers. See the
// package doc for its guarantees. A Queue is safe for concurrent use; make
// one with New.
type Queue[T comparable] struct {
	opts Options

	// mu guards every field below; cond (on mu) wakes Get and
	// ShutDownWithDrain when items arrive, finish or the queue shuts down.
	mu         sync.Mutex
	cond       sync.Cond
	ready      ring[T]        // keys to hand out, in order
	dirty      map[T]struct{} // keys that need processing (queued, or re-added while processing)
	processing map[T]struct{} // keys handed out by Get and not yet Done
	waiting    map[T]*delayed // keys added with a delay, not yet due
	failures   map[T]int      // AddRateLimited count since the last Forget
	limit      bucket         // overall rate of AddRateLimited
	shutting   bool           // ShutDown or ShutDownWithDrain was called: Add is refused
	draining   bool           // ShutDownWithDrain: Get still hands out queued keys
}

// delayed is one pending AddAfter of a key.
type delayed struct {
	at   time.Time   // when the key becomes ready
	stop func() bool // cancels the clock's timer
}

// New returns an empty Queue.
func New[T comparable](opts Options) *Queue[T] {
	opts = opts.withDefaults()
	q := &Queue[T]{
		opts:       opts,
		dirty:      map[T]struct{}{},
		processing: map[T]struct{}{},
		waiting:    map[T]*delayed{},
		failures:   map[T]int{},
		limit:      newBucket(opts.QPS, opts.Burst, opts.Clock.Now()),
	}
	q.cond.L = &q.mu
	return q
}

// Add queues key unless it is already queued. A key being processed (handed
// out by Get, not yet Done) is queued again when Done is called, so it is
// never processed by two workers at once. After ShutDown Add does nothing.
func (q *Queue[T]) Add(key T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.addLocked(key)
}

func (q *Queue[T]) addLocked(key T) {
	if q.shutting {
		return
	}
	if _, ok := q.dirty[key]; ok {
		return
	}
	q.dirty[key] = struct{}{}
	if _, ok := q.processing[key]; ok {
		return // Done queues it
	}
	q.ready.push(key)
	q.cond.Signal()
}

// Get waits for a key and hands it out; the caller must call Done(key) when
// it has finished with it. shutdown is true, and key the zero value, when
// the queue has shut down (after ShutDownWithDrain, once nothing queued is
// left) or ctx is done: the worker should return.
func (q *Queue[T]) Get(ctx context.Context) (key T, shutdown bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ready.len() == 0 && ctx.Done() != nil {
		// About to wait: be woken when ctx ends. (The fast path, a key
		// ready at once, allocates nothing.)
		stop := context.AfterFunc(ctx, func() {
			q.mu.Lock()
			q.cond.Broadcast()
			q.mu.Unlock()
		})
		defer stop()
	}
	// While draining, an idle worker waits for the keys still processing:
	// one of them may have been re-added and come back at Done.
	for q.ready.len() == 0 && (!q.shutting || (q.draining && len(q.processing) > 0)) && ctx.Err() == nil {
		q.cond.Wait()
	}
	if ctx.Err() != nil || q.ready.len() == 0 || (q.shutting && !q.draining) {
		var zero T
		return zero, true
	}
	key = q.ready.pop()
	q.processing[key] = struct{}{}
	delete(q.dirty, key)
	return key, false
}

// Done marks key as finished. If it was added again while being processed
// it is queued now.
func (q *Queue[T]) Done(key T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.processing, key)
	if _, ok := q.dirty[key]; ok {
		if q.shutting && !q.draining {
			delete(q.dirty, key)
		} else {
			q.ready.push(key)
			q.cond.Signal()
		}
	}
	if len(q.processing) == 0 {
		q.cond.Broadcast() // ShutDownWithDrain may be waiting
	}
}

// Len returns the number of keys ready to be handed out (not those
// processing or waiting for a delay).
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.ready.len()
}

// ShuttingDown reports whether ShutDown or ShutDownWithDrain was called.
func (q *Queue[T]) ShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shutting
}

// ShutDown stops the queue at once: Add is refused from now on, keys still
// queued or waiting for a delay are dropped, and every Get returns
// shutdown=true. Keys being processed may still be passed to Done.
func (q *Queue[T]) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shutting, q.draining = true, false
	q.stopTimersLocked()
	for q.ready.len() > 0 {
		delete(q.dirty, q.ready.pop())
	}
	q.ready.clear()
	q.cond.Broadcast()
}

// ShutDownWithDrain stops accepting keys (Add, AddAfter and AddRateLimited
// are refused and pending delays dropped) but lets the workers finish: Get
// keeps handing out the keys already queued, and returns shutdown=true once
// none is left. It returns when no key is queued or processing, or when ctx
// is done — then it shuts the queue down at once (see ShutDown) and returns
// ctx's error.
func (q *Queue[T]) ShutDownWithDrain(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	if !q.shutting {
		q.shutting, q.draining = true, true
	}
	q.stopTimersLocked()
	q.cond.Broadcast()
	for (q.ready.len() > 0 || len(q.processing) > 0) && ctx.Err() == nil {
		q.cond.Wait()
	}
	q.mu.Unlock()
	if err := ctx.Err(); err != nil {
		q.ShutDown()
		return err
	}
	q.mu.Lock()
	q.draining = false
	q.cond.Broadcast()
	q.mu.Unlock()
	return nil
}
