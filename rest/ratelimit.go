package rest

import (
	"context"
	"sync"
	"time"
)

// tokenBucket is the optional client-side rate limiter (Config.QPS/Burst).
// A nil *tokenBucket never waits.
type tokenBucket struct {
	qps   float64
	burst float64

	mu     sync.Mutex // guards tokens and last
	tokens float64    // may go negative: waiters that reserved a future token
	last   time.Time
}

func newTokenBucket(qps float32, burst int) *tokenBucket {
	if qps <= 0 {
		return nil
	}
	b := float64(max(burst, 1))
	return &tokenBucket{qps: float64(qps), burst: b, tokens: b, last: time.Now()}
}

// wait takes one token, sleeping until it is available or ctx is done. A
// token reserved by a waiter whose ctx ends is given back.
func (tb *tokenBucket) wait(ctx context.Context) error {
	if tb == nil {
		return nil
	}
	d := tb.reserve(time.Now())
	if err := sleepCtx(ctx, d); err != nil {
		tb.mu.Lock()
		tb.tokens++
		tb.mu.Unlock()
		return err
	}
	return nil
}

// reserve takes a token and returns how long until it is really available.
func (tb *tokenBucket) reserve(now time.Time) time.Duration {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if now.After(tb.last) {
		tb.tokens = min(tb.burst, tb.tokens+now.Sub(tb.last).Seconds()*tb.qps)
		tb.last = now
	}
	tb.tokens--
	if tb.tokens >= 0 {
		return 0
	}
	return time.Duration(-tb.tokens / tb.qps * float64(time.Second))
}
