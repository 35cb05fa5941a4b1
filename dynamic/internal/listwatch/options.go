package listwatch

import (
	"context"
	"log/slog"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
)

// Object is what the engine lists and watches: *unstructured.Unstructured
// or *metav1.PartialObjectMetadata.
type Object interface {
	metav1.Object
	runtime.Object
}

// Source lists and watches one resource in one representation.
type Source[T Object] struct {
	// List reads one page.
	List func(ctx context.Context, opts metav1.ListOptions) (items []T, rv, cont string, err error)
	// Watch starts a watch; its events carry T (bookmarks too) or, for
	// ERROR, a *metav1.Status.
	Watch func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// Ending says which refusals end a run (see the policy in the package doc).
type Ending int

const (
	// EndOnRefusal ends on 400, 401, 403, 404, 405 and 422: a CLI.
	EndOnRefusal Ending = iota
	// RetryDenied reports 401 and 403 and retries them with backoff; the
	// others end: a controller, whose permissions may be granted later.
	RetryDenied
	// RetryRefusal reports every refusal and retries it with backoff.
	RetryRefusal
)

// RecordMode says what the engine keeps of what it delivered.
type RecordMode int

const (
	// RecordObjects keeps the last object delivered per key: a DELETED
	// event synthesised after a relist carries it.
	RecordObjects RecordMode = iota
	// RecordKeys keeps only keys and resourceVersions: a synthesised
	// DELETED event carries a stub with namespace, name and the last
	// resourceVersion. For users that keep the objects themselves.
	RecordKeys
)

// DefaultInitialEventsTimeout bounds the wait for the initial-events-end
// bookmark of a streaming list. A healthy API server streams tens of
// thousands of objects in a few seconds and sends the bookmark at once; a
// server (or an aggregated API server) that accepts sendInitialEvents but
// never ends the initial state would otherwise keep the watch waiting for
// ever (kubernetes/kubernetes#135895).
const DefaultInitialEventsTimeout = 60 * time.Second

// Options configures one run. The zero value lists, then watches, ends on
// refusals and keeps objects.
type Options[T Object] struct {
	// LabelSelector and FieldSelector narrow what is listed and watched.
	LabelSelector, FieldSelector string
	// ResourceVersion, when set, is where the watch starts; Known are then
	// the objects the consumer holds as of it. "" starts with the current
	// state: an event per object, then a MarkSynced bookmark.
	ResourceVersion string
	Known           []T
	// StreamingList gets the state as a watch with sendInitialEvents. A
	// server that refuses it (400, 422), or does not end it within
	// InitialEventsTimeout, is listed by pages from then on (logged once).
	StreamingList bool
	// InitialEventsTimeout bounds the wait for the initial-events-end
	// bookmark (default DefaultInitialEventsTimeout).
	InitialEventsTimeout time.Duration
	// FirstBackoff and MaxBackoff shape the wait after an attempt that
	// failed or made no progress (defaults 100ms and 10s; jittered,
	// doubling).
	FirstBackoff, MaxBackoff time.Duration
	// Ending is the ending of refusals.
	Ending Ending
	// Record is what is kept of what was delivered.
	Record RecordMode
	// FailFirst ends the run on any error before the first request
	// succeeds, without delivering it (the caller returns it instead).
	FailFirst bool
	// Logger gets the one line saying the engine lists by pages because
	// streaming lists failed. nil logs nothing.
	Logger *slog.Logger
	// Observe, when set, is told of every connection, failure, relist and
	// fallback (see Note). It must not block.
	Observe func(Note)
	// What names the resource in errors and logs.
	What string
}

// Mark tells the engine's own bookmarks apart from the server's.
type Mark int

const (
	// MarkNone: a bookmark from the server.
	MarkNone Mark = iota
	// MarkRelist comes before the events of a relist after an expiry.
	MarkRelist
	// MarkSynced comes after every complete list: the events so far turn
	// what was delivered into the server's state.
	MarkSynced
)

// Event is one delivery of the engine.
type Event[T Object] struct {
	Type watch.EventType
	// Object is the object of ADDED, MODIFIED and DELETED events, and of a
	// server's BOOKMARK; zero for the engine's own bookmarks.
	Object T
	// Mark tells the engine's bookmarks apart; Initial is set on the first
	// MarkSynced.
	Mark    Mark
	Initial bool
	// ResourceVersion is a bookmark's.
	ResourceVersion string
	// Listed is set on events that come from a list's difference.
	Listed bool
	// Err and Final are an ERROR event's: Final when the run ends with it.
	Err   error
	Final bool
}

// NoteKind names what a Note reports.
type NoteKind string

// The notes of a run.
const (
	NoteConnected NoteKind = "connected" // a list or watch request succeeded
	NoteFailed    NoteKind = "failed"    // an attempt failed; Err says why, Wait how long until the next
	NoteIdle      NoteKind = "idle"      // an attempt made no progress; Wait until the next
	NoteRelist    NoteKind = "relist"    // the resourceVersion expired: listing again
	NoteFallback  NoteKind = "fallback"  // streaming lists are off: Err says why
)

// Note reports a reconnect, relist or fallback to Options.Observe.
type Note struct {
	Kind NoteKind
	What string
	Err  error
	Wait time.Duration
}
