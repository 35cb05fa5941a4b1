package workqueue

import "time"

// Clock is the time source of a Queue: when now is (for the token bucket)
// and how to run a function later (for AddAfter and backoff). Tests inject
// a fake one so that no test waits for real time.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d, as time.AfterFunc
	// does. stop cancels the call and reports whether it did so before f
	// started.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// realClock is Clock on the time package.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}
