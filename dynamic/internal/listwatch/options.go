package listwatch

import (
	"context"
	"log/slog"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
)

// Object is what the engine lists and watches: *unstructured.Unstructured,
// *metav1.PartialObjectMetadata or *compact.Object (package
// unstructured/compact): a runtime.Object, which a watch event carries,
// with the metadata the engine reads.
type Object interface {
	runtime.Object
	GetNamespace() string
	GetName() string
	GetResourceVersion() string
	GetUID() types.UID
}

// Source lists (one page) and watches one resource in one representation;
// watch events carry T, or a *metav1.Status for ERROR.
type Source[T Object] struct {
	List  func(ctx context.Context, opts metav1.ListOptions) (items []T, rv, cont string, err error)
	Watch func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
	// Echo, when set, lists one page and returns its
	// metadata.shardInfo.selector ("" none): how a run with a Shard tells
	// whether the server filtered. Without it a Shard is applied client-side.
	Echo func(ctx context.Context, opts metav1.ListOptions) (string, error)
}

// Ending says which refusals end a run (the policy is in the package doc).
type Ending int

const (
	EndOnRefusal   Ending = iota // 400, 401, 403, 404, 405, 422 end: a CLI
	RetryUntilGone               // only 404 ends, the rest is reported and retried: a controller
	RetryRefusal                 // every refusal is reported and retried
)

// RecordMode says what the engine keeps of what it delivered.
type RecordMode int

const (
	// RecordObjects keeps the last object per key: a DELETED made by a
	// relist carries it.
	RecordObjects RecordMode = iota
	// RecordKeys keeps keys and resourceVersions only (a DELETED made by a
	// relist carries a stub), for users that keep the objects themselves.
	RecordKeys
)

// DefaultInitialEventsTimeout bounds the wait for a streaming list's
// initial-events-end bookmark. A healthy server streams tens of thousands
// of objects in seconds and sends it at once; one that accepts
// sendInitialEvents but never ends the initial state would otherwise keep
// the watch waiting for ever (kubernetes/kubernetes#135895).
const DefaultInitialEventsTimeout = 60 * time.Second

// Options configures one run; the zero value lists by pages, then watches,
// ends on refusals and keeps objects.
type Options[T Object] struct {
	LabelSelector, FieldSelector string
	// ResourceVersion, when set, is where the watch starts, with Known as
	// what the consumer holds then; "" starts with the current state.
	ResourceVersion string
	Known           []T
	// StreamingList lists with a watch with sendInitialEvents; a server
	// that refuses it (400, 422), or does not end it within
	// InitialEventsTimeout (default DefaultInitialEventsTimeout), is listed
	// by pages from then on, logged once.
	StreamingList        bool
	InitialEventsTimeout time.Duration
	// FirstBackoff and MaxBackoff shape the jittered, doubling wait after
	// an attempt that failed or made no progress (defaults 100ms, 10s).
	FirstBackoff, MaxBackoff time.Duration
	Ending                   Ending
	Record                   RecordMode
	// Held, when set, is the consumer's store, which the engine reads as
	// its record (record.go) instead of keeping its own: Record and Known
	// are then unused, and a DELETED after a relist carries the object
	// held.
	Held Held[T]
	// FailFirst ends the run on any error before a request has succeeded,
	// without delivering it (the caller returns it instead).
	FailFirst bool
	// Logger gets one line when attempts start failing, one when they
	// recover, and one when streaming lists are turned off. nil: none.
	Logger *slog.Logger
	// Observe, when set, is told of every connection, failure, relist and
	// fallback. It must not block.
	Observe func(Note)
	// Shard, when set, restricts the run to the shard's objects: sent as
	// ListOptions.ShardSelector when the server echoes it, applied on
	// arrival in every case (shard.go).
	Shard Shard
	What  string // names the resource in errors and logs
	// Report, when set, receives the run's rest.WatchReconnectEvent and
	// rest.RelistEvent, naming Resource and Namespace: the client's
	// rest.Config.Observer (rest.Client.Observe). It must not block.
	Report    func(rest.Event)
	Resource  schema.GroupVersionResource
	Namespace string
}

// Mark tells the engine's own bookmarks apart from the server's (MarkNone).
type Mark int

const (
	MarkNone   Mark = iota
	MarkRelist      // before the events of a relist after an expiry
	MarkSynced      // after every complete list (Initial: the first)
)

// Event is one delivery of the engine: ADDED, MODIFIED and DELETED carry
// Object (Listed when they come from a list's difference), BOOKMARK a
// ResourceVersion (and Object when it is the server's), ERROR Err (Final
// when the run ends with it).
type Event[T Object] struct {
	Type            watch.EventType
	Object          T
	Mark            Mark
	Initial         bool
	ResourceVersion string
	Listed          bool
	Err             error
	Final           bool
}

// NoteKind names what a Note reports.
type NoteKind string

// The notes of a run.
const (
	NoteConnected NoteKind = "connected" // a list or watch request succeeded
	NoteRetry     NoteKind = "retry"     // Wait before the next attempt: the last failed (Err) or made no progress
	NoteRelist    NoteKind = "relist"    // the resourceVersion expired (Err)
	NoteFallback  NoteKind = "fallback"  // streaming lists are off (Err says why)
)

// Note reports a reconnect, relist or fallback to Options.Observe.
type Note struct {
	Kind NoteKind
	What string
	Err  error
	Wait time.Duration
	Mode string // NoteShard: ShardServer or ShardClient
}
