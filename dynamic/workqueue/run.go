package workqueue

import (
	"context"
	"sync"
)

// Run starts workers goroutines (at least one) that take keys from q and
// call fn with each, until ctx is done or the queue has shut down (and,
// after ShutDownWithDrain, drained); it returns when every worker has
// finished its current key. A key for which fn returns nil is forgotten
// (its backoff reset); one for which it returns an error is retried with
// AddRateLimited. fn receives ctx; Run does not shut q down.
func (q *Queue[T]) Run(ctx context.Context, workers int, fn func(ctx context.Context, key T) error) {
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				key, shutdown := q.Get(ctx)
				if shutdown {
					return
				}
				q.process(ctx, key, fn)
			}
		})
	}
	wg.Wait()
}

// process runs fn on one key and records the outcome.
func (q *Queue[T]) process(ctx context.Context, key T, fn func(context.Context, T) error) {
	defer q.Done(key)
	if err := fn(ctx, key); err != nil {
		q.AddRateLimited(key)
		return
	}
	q.Forget(key)
}
