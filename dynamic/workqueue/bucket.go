package workqueue

import (
	"math"
	"time"
)

// bucket is a token bucket: it holds up to burst tokens and gains qps of
// them per second. Reserving a token when none is left is allowed: the
// balance goes negative and the reservation is told how long to wait until
// its token exists, so n reservations made at once are spread 1/qps apart
// after the burst. It is pure (the caller passes the time) and not safe for
// concurrent use; the Queue calls it under its mutex.
type bucket struct {
	qps    float64 // tokens gained per second; <= 0 means no limit
	burst  float64 // capacity
	tokens float64 // balance at last; negative while reservations wait
	last   time.Time
}

func newBucket(qps float64, burst int, now time.Time) bucket {
	if burst < 1 {
		burst = 1
	}
	return bucket{qps: qps, burst: float64(burst), tokens: float64(burst), last: now}
}

// reserve takes one token at now and returns how long the caller must wait
// before using it (0 when one was in the bucket).
func (b *bucket) reserve(now time.Time) time.Duration {
	if b.qps <= 0 {
		return 0
	}
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.qps)
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(math.Ceil(-b.tokens / b.qps * float64(time.Second)))
}

// backoff returns base·2^failures, capped at max (and never overflowing).
func backoff(base, max time.Duration, failures int) time.Duration {
	if failures < 0 {
		failures = 0
	}
	if failures >= 62 {
		return max
	}
	d := float64(base) * math.Exp2(float64(failures))
	if d >= float64(max) {
		return max
	}
	return time.Duration(d)
}
