package pause

import (
	"context"
	"math/rand/v2"
	"time"
)

// Sleep waits d or until ctx is done; it reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Backoff is an exponential wait with jitter: each wait is drawn uniformly
// from the upper half of the current step, which then doubles up to Max.
// Reset goes back to First. The zero value is not usable; set First and Max.
type Backoff struct {
	First, Max time.Duration
	next       time.Duration // the current step; 0 means First
}

// Next returns the next wait and doubles the step.
func (b *Backoff) Next() time.Duration {
	if b.next == 0 {
		b.next = b.First
	}
	d := b.next/2 + rand.N(b.next/2+1)
	b.next = min(b.next*2, b.Max)
	return d
}

// Reset makes the next wait short again (after progress).
func (b *Backoff) Reset() { b.next = b.First }

// Sleep waits the next wait or until ctx is done; it reports whether the
// wait passed.
func (b *Backoff) Sleep(ctx context.Context) bool { return Sleep(ctx, b.Next()) }
