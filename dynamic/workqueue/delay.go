package workqueue

import "time"

// AddAfter queues key once d has passed (at once when d <= 0). A key
// already waiting keeps the earlier of its two times; a key already queued
// is not queued twice. After ShutDown AddAfter does nothing.
func (q *Queue[T]) AddAfter(key T, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.addAfterLocked(key, d)
}

func (q *Queue[T]) addAfterLocked(key T, d time.Duration) {
	if q.shutting {
		return
	}
	if d <= 0 {
		q.addLocked(key)
		return
	}
	at := q.opts.Clock.Now().Add(d)
	if w, ok := q.waiting[key]; ok {
		if !at.Before(w.at) {
			return
		}
		w.stop()
	}
	w := &delayed{at: at}
	q.waiting[key] = w
	w.stop = q.opts.Clock.AfterFunc(d, func() { q.fire(key, w) })
}

// fire queues key when its delay w is over, unless w was replaced or
// cancelled meanwhile.
func (q *Queue[T]) fire(key T, w *delayed) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting[key] != w {
		return
	}
	delete(q.waiting, key)
	q.addLocked(key)
}

// stopTimersLocked cancels every pending delay.
func (q *Queue[T]) stopTimersLocked() {
	for k, w := range q.waiting {
		w.stop()
		delete(q.waiting, k)
	}
}

// AddRateLimited queues key after its backoff: BaseDelay·2^n for the n-th
// call since the last Forget (capped at MaxDelay), and no sooner than the
// overall token bucket allows (QPS, Burst) — the longer of the two waits.
// Call it when processing key failed and should be retried.
func (q *Queue[T]) AddRateLimited(key T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shutting {
		return
	}
	q.addAfterLocked(key, q.whenLocked(key))
}

// whenLocked counts one more failure of key and returns how long its retry
// must wait.
func (q *Queue[T]) whenLocked(key T) time.Duration {
	n := q.failures[key]
	q.failures[key] = n + 1
	d := backoff(q.opts.BaseDelay, q.opts.MaxDelay, n)
	if w := q.limit.reserve(q.opts.Clock.Now()); w > d {
		d = w
	}
	return d
}

// Forget clears key's failure count, so its next AddRateLimited waits only
// BaseDelay. Call it when processing key succeeded. It does not remove key
// from the queue.
func (q *Queue[T]) Forget(key T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.failures, key)
}

// NumRequeues returns how many times AddRateLimited was called for key
// since the last Forget.
func (q *Queue[T]) NumRequeues(key T) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.failures[key]
}
