// Package workqueue is a work queue for controllers: keys (a namespace/name
// string, or any comparable type) go in when something changes, workers take
// them out, and the queue guarantees what a reconcile loop needs.
//
// # Guarantees
//
// De-duplication: a key is queued at most once. Adding a key that is already
// queued does nothing, so a burst of events about one object costs one
// reconcile.
//
// No concurrent processing of one key: Get hands a key to one worker, which
// calls Done when it has finished. A key added again while it is being
// processed is not handed to another worker; it is queued when Done is
// called, so the change that re-added it is seen by a later reconcile.
//
// Order: keys are handed out in the order they became ready.
//
// # Retries and rate limits
//
// AddRateLimited is for a key whose processing failed. It queues the key
// after the longer of two waits:
//
//   - a per-key exponential backoff: Options.BaseDelay (5ms) for the first
//     failure, doubling with each further one, capped at Options.MaxDelay
//     (1000s). Forget resets it when the key finally succeeds; NumRequeues
//     tells how many failures are counted.
//   - an overall token bucket (Options.QPS keys per second, Options.Burst
//     at once; 10 and 100 by default) that keeps a failing dependency from
//     being hammered by every key at once. Reservations are spread out: the
//     n-th key past the burst waits n/QPS.
//
// These are client-go's DefaultControllerRateLimiter semantics (the maximum of
// an item exponential limiter and a bucket limiter). Add and AddAfter are not
// rate limited. AddAfter queues a key after a delay; a key waiting already
// keeps the earlier of its two times.
//
// # Workers and shutdown
//
// Get(ctx) waits for a key; it returns shutdown=true when the queue is shut
// down or ctx is done. Queue.Run runs n workers over a function and does the
// Done/Forget/AddRateLimited bookkeeping:
//
//	q := workqueue.New[string](workqueue.Options{})
//	go q.Run(ctx, 4, func(ctx context.Context, key string) error {
//		return reconcile(ctx, key) // an error retries with backoff
//	})
//
// ShutDown stops at once: Add is refused, queued and delayed keys are dropped,
// Get returns shutdown=true. ShutDownWithDrain stops accepting keys but lets
// the workers finish: Get keeps handing out what is queued, in-flight keys
// finish (and a key re-added while in flight is processed once more), and it
// returns when nothing is queued or processing, or when its ctx gives up.
//
// # Time
//
// All waiting goes through Options.Clock (Now and AfterFunc), so tests drive
// backoff, rate limits and AddAfter with a fake clock and never sleep.
// No timer runs while nothing waits; the queue starts no goroutine of its own.
package workqueue
