package listwatch

import (
	"time"

	"github.com/kubedyn/kubedyn/rest"
)

// reportState is what the engine tells Options.Report: the end of the last
// attempt (a reconnect's cause and wait) and the relist under way.
type reportState struct {
	attempts    int           // attempts started
	cause       error         // why the last attempt ended (nil: cleanly)
	wait        time.Duration // the backoff slept before this attempt
	relistCause error         // why the list under way relists; nil: none
	relistStart time.Time
	relistItems int
}

// reportReconnect is called before each attempt: every attempt after the
// first that resumes a watch (rather than listing) is a reconnect.
func (e *engine[T]) reportReconnect() {
	r := &e.report
	r.attempts++
	if r.attempts > 1 && e.rv != "" && e.opts.Report != nil {
		gvr := e.opts.Resource
		e.opts.Report(rest.WatchReconnectEvent{Group: gvr.Group, Version: gvr.Version, Resource: gvr.Resource,
			Namespace: e.opts.Namespace, Cause: r.cause, Backoff: r.wait})
	}
	r.cause, r.wait = nil, 0
}

// ended records why an attempt ended, for the next reconnect's report.
func (e *engine[T]) ended(err error) { e.report.cause = err }

// relistStarted records that the next list follows an expiry.
func (e *engine[T]) relistStarted(cause error) {
	e.report.relistCause, e.report.relistStart, e.report.relistItems = cause, time.Now(), 0
}

// reportRelist is called when a list completes: after an expiry it reports
// the relist with the objects the list held and how long it took.
func (e *engine[T]) reportRelist() {
	r := &e.report
	if r.relistCause == nil {
		return
	}
	if e.opts.Report != nil {
		gvr := e.opts.Resource
		e.opts.Report(rest.RelistEvent{Group: gvr.Group, Version: gvr.Version, Resource: gvr.Resource,
			Namespace: e.opts.Namespace, Cause: r.relistCause, Items: r.relistItems, Duration: time.Since(r.relistStart)})
	}
	r.relistCause = nil
}
