package informer

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
	"github.com/kubedyn/kubedyn/dynamic/shard"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// State is where an informer is in its life.
type State int

const (
	// StateStarting: listing, before the first sync (or before the sync
	// that follows the resource's return).
	StateStarting State = iota
	// StateSynced: the cache holds the server's state and follows it.
	StateSynced
	// StateGone: the server no longer serves the resource (its CRD was
	// deleted): the cache was emptied, with an OnDelete per object, and the
	// informer waits for the resource to come back.
	StateGone
	// StateStopped: Run returned.
	StateStopped
)

// String returns the state's name: "starting", "synced", "gone" or
// "stopped".
func (s State) String() string {
	if names := []string{"starting", "synced", "gone", "stopped"}; s >= 0 && int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Options configures an informer. The zero value is a working default.
type Options[T Object] struct {
	// LabelSelector and FieldSelector narrow what is listed and watched.
	LabelSelector, FieldSelector string
	// Shard, when set, restricts the informer to the objects whose key
	// (uid or namespace) hashes into its ranges, filtered by the server
	// when it echoes the selector and here otherwise; SetShard changes the
	// ranges (shard.go). An empty Selector holds nothing.
	Shard *shard.Selector
	// Indexers are extra indices, read with [Lister.ByIndex]. Listing one
	// namespace needs none.
	Indexers Indexers[T]
	// Transform is applied to every object before it is cached and handed
	// to handlers (after a decode, before Lean). It may change obj in place
	// and return it, but must keep its namespace, name and
	// resourceVersion, by which the cache recognises changes. An error
	// leaves the object out and is logged. A compact informer then keeps
	// the result in compact form (Go values a decoder does not make, such
	// as a map[string]string, become their JSON form; a struct is an
	// error). Prefer Project to a Transform that only drops fields: it
	// marks what it dropped, and without a Transform the compact store is
	// decoded straight from the wire, with no tree made while syncing.
	Transform func(obj T) (T, error)
	// Lean drops managedFields and interns strings (keys and values
	// shared between objects are stored once), after Transform: see
	// [LeanUnstructured] and [LeanMetadata]. It applies to the objects an
	// informer keeps as they are (metadata informers, StoreTrees): the
	// compact store of full-object informers is leaner already.
	Lean bool
	// KeepManagedFields keeps metadata.managedFields in a full-object
	// informer's compact store, which drops them by default.
	KeepManagedFields bool
	// Project makes a full-object informer keep a projection of each
	// object: apiVersion, kind, the metadata fields in
	// compact.ProjectedMetadata (name, namespace, uid, resourceVersion,
	// labels, annotations, ownerReferences, generation, deletionTimestamp,
	// finalizers) and these field paths only, dot-separated object keys
	// such as "spec.replicas" or "status.conditions". Every object it
	// hands out (listers, handlers) carries the annotation
	// "kubedyn.io/projection" (compact.ProjectionAnnotation) naming the
	// paths, so that nobody takes it for the whole object. A path with an
	// empty segment makes Run fail at once.
	Project []string
	// UncompressedStrings keeps every string value of a full-object
	// informer's compact store as it is. By default each string value of
	// 256 bytes or more (a config file, a script, a certificate) is kept
	// Huffman-coded when that saves at least a quarter of it, and decoded
	// on each read that includes it: less memory for a little more CPU
	// per read (see the package doc).
	UncompressedStrings bool
	// StoreTrees makes a full-object informer keep decoded trees, as
	// before the compact store: listers then hand out the cached objects
	// themselves (read-only, no cost per read), at about 5 to 20 times the
	// memory per object. Project, KeepManagedFields and UncompressedStrings
	// do not apply.
	StoreTrees bool
	// ResyncPeriod, when positive, calls every handler's OnUpdate(obj, obj)
	// for every cached object at this period.
	ResyncPeriod time.Duration
	// DisableStreamingList always lists with List. By default the initial
	// state, and the state after an expiry, come from a watch with
	// sendInitialEvents (a streaming list), and a server that refuses it
	// (400 or 422), or does not end it within InitialEventsTimeout, gets
	// List from then on (logged once).
	DisableStreamingList bool
	// InitialEventsTimeout bounds the wait for a streaming list's
	// initial-events-end bookmark (default 60s).
	InitialEventsTimeout time.Duration
	// MaxBackoff caps the wait between attempts after an error (default
	// 30s; the first wait is 200ms, doubling, with jitter).
	MaxBackoff time.Duration
	// Discovery, when set, is asked whether the resource is served again
	// after it disappeared, and whether it is still served when Notifier
	// says its group changed. A *discovery.Client fits (not a
	// *discovery.Cached, unless the Notifier invalidates it). When nil, the
	// informer asks the resource itself (a List with limit 1).
	Discovery ResourceDiscovery
	// Notifier, when set, tells the informer at once that its group may
	// have changed, instead of waiting for the next poll.
	Notifier Notifier
	// GonePoll caps the interval at which a gone resource is polled
	// (default 1 minute; the first poll is after 1s, doubling).
	GonePoll time.Duration
	// Logger gets one line per transition (synced, failing, recovered,
	// gone, served again, stopped). nil logs nothing.
	Logger *slog.Logger
}

// ResourceDiscovery says what a group-version serves; *discovery.Client and
// *discovery.Cached implement it. A 404 means the group-version is gone.
type ResourceDiscovery interface {
	ServerResourcesForGroupVersion(ctx context.Context, groupVersion string) (*metav1.APIResourceList, error)
}

// Notifier tells informers that what an API group serves may have changed
// (a CRD was created, established or deleted; an APIService changed), so an
// informer whose resource is gone retries at once and one whose resource
// left discovery stops without waiting for its watch to fail.
//
// Subscribe returns a channel that receives a value after each change of
// group (sends may be coalesced: the channel should have a buffer of 1 and
// the sender should not block), and a func that ends the subscription.
// Informers call it once when Run starts and cancel when it returns.
type Notifier interface {
	Subscribe(group string) (changed <-chan struct{}, cancel func())
}

// Informer keeps an in-memory cache of one resource's objects in step with
// the server and calls handlers on every change. Make one with [New] or
// [NewMetadata] (or through a [Factory]), add handlers, then Run it.
type Informer[T Object] struct {
	h    *dynamic.ResourceHandle
	opts Options[T]
	src  listwatch.Source[T]
	// csrc, set for a compact store, decodes objects straight into compact
	// form: the engine then uses it, unless the informer is sharded or has
	// a Transform (which read trees).
	csrc  listwatch.Source[*compact.Object]
	store *store[T]
	shard sharder // Options.Shard's state (shard.go)
	// streamOff is set once a streaming list failed: every later run of the
	// engine (after the resource was gone and is back) lists by pages, as
	// the one log line ("from now on") said.
	streamOff atomic.Bool
	// optErr says the options cannot be used: Run fails with it.
	optErr error

	mu        sync.Mutex // guards listeners, state, stateErr, synced, started
	listeners []*listener[T]
	state     State
	stateErr  error
	synced    bool
	started   bool
	syncedCh  chan struct{}
}

// New returns an informer of the objects of h (in h's namespace, or in all
// namespaces when h has none).
func New(h *dynamic.ResourceHandle, opts Options[*unstructured.Unstructured]) *Informer[*unstructured.Unstructured] {
	i := newInformer(h, opts, listwatch.UnstructuredSource(h.List, h.Watch))
	if k := i.store.keep; k.b != nil {
		i.csrc = listwatch.CompactSource(i.src, func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return h.WatchCompact(ctx, o, k.tab, k.plan)
		}, k.tab, k.plan)
	}
	return i
}

// NewMetadata returns an informer of the metadata of h's objects
// (*metav1.PartialObjectMetadata: apiVersion, kind and metadata, no spec or
// status), listed and watched with the server's metadata view, for
// consumers that need only names, labels, owners or finalizers.
func NewMetadata(h *dynamic.ResourceHandle, opts Options[*metav1.PartialObjectMetadata]) *Informer[*metav1.PartialObjectMetadata] {
	return newInformer(h, opts, listwatch.MetadataSource(h.ListMetadata, h.WatchMetadata))
}

func newInformer[T Object](h *dynamic.ResourceHandle, opts Options[T], src listwatch.Source[T]) *Informer[T] {
	opts.MaxBackoff = cmp.Or(max(opts.MaxBackoff, 0), 30*time.Second)
	opts.GonePoll = cmp.Or(max(opts.GonePoll, 0), time.Minute)
	i := &Informer[T]{h: h, opts: opts, src: src, store: newStore(opts.Indexers), syncedCh: make(chan struct{})}
	if _, full := any(*new(T)).(*unstructured.Unstructured); full && !opts.StoreTrees {
		// Full objects are kept in compact form.
		i.store.keep, i.optErr = newKeeper[T](compact.Options{
			KeepManagedFields: opts.KeepManagedFields, Project: opts.Project, UncompressedStrings: opts.UncompressedStrings,
		})
	}
	return i
}

// GroupVersionResource returns the informer's resource.
func (i *Informer[T]) GroupVersionResource() schema.GroupVersionResource {
	return i.h.GroupVersionResource()
}

// Lister returns a lister reading the informer's cache.
func (i *Informer[T]) Lister() Lister[T] { return Lister[T]{s: i.store} }

// HasSynced reports whether the cache has held the server's state once.
// It stays true afterwards, also while the resource is gone; see State.
func (i *Informer[T]) HasSynced() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.synced
}

// WaitForSync waits until HasSynced or ctx ends (then returns an error
// naming the resource and ctx's error).
func (i *Informer[T]) WaitForSync(ctx context.Context) error {
	select {
	case <-i.syncedCh:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for %s informer to sync: %w", i.what(), ctx.Err())
	}
}

// State returns the informer's state and, for StateGone, the error that
// told the informer its resource is gone.
func (i *Informer[T]) State() (State, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.state, i.stateErr
}

// AddHandler adds a handler. It first receives OnAdd(obj, true) for every
// cached object, then every change, in order. Handlers can be added before
// or while the informer runs.
func (i *Informer[T]) AddHandler(h Handler[T]) *Registration {
	l := newListener(h)
	i.mu.Lock()
	i.store.mu.RLock()
	for _, obj := range i.store.snapshotLocked() {
		l.push(notification[T]{kind: noteAdd, obj: obj, initial: true})
	}
	i.store.mu.RUnlock()
	if i.synced {
		l.push(notification[T]{kind: noteSynced})
	}
	if i.state != StateStarting {
		l.push(notification[T]{kind: noteState, state: i.state, err: i.stateErr})
	}
	if i.state == StateStopped {
		l.close(false) // Run has returned: the replay is all there is
	} else {
		i.listeners = append(i.listeners, l)
	}
	i.mu.Unlock()
	go l.run()
	return &Registration{synced: l.synced.Load, remove: func() { i.removeListener(l) }}
}

func (i *Informer[T]) removeListener(l *listener[T]) {
	i.mu.Lock()
	i.listeners = slices.DeleteFunc(i.listeners, func(x *listener[T]) bool { return x == l })
	i.mu.Unlock()
	l.close(true)
}

// notifyLocked queues n for every handler.
func (i *Informer[T]) notifyLocked(n notification[T]) {
	for _, l := range i.listeners {
		l.push(n)
	}
}

// Run lists and watches until ctx ends, keeping the cache in step, and
// returns ctx's error. It survives dropped connections, server timeouts,
// expired resourceVersions (by relisting and delivering the difference)
// and the resource's disappearance (StateGone until it is served again).
// An informer runs once: a second Run returns an error at once. Run
// returns after every handler has been given every queued notification.
func (i *Informer[T]) Run(ctx context.Context) error {
	i.mu.Lock()
	if i.started {
		i.mu.Unlock()
		return fmt.Errorf("run %s informer: it already ran", i.what())
	}
	i.started = true
	i.mu.Unlock()
	defer i.finish()
	if i.optErr != nil {
		return fmt.Errorf("run %s informer: %w", i.what(), i.optErr)
	}
	changed, cancel := i.subscribe()
	defer cancel()
	if i.opts.ResyncPeriod > 0 {
		stop := i.resyncEvery(ctx, i.opts.ResyncPeriod)
		defer stop()
	}
	for ctx.Err() == nil {
		// The engine retries every failure but the resource's absence.
		if err := i.listAndWatch(ctx, changed); ctx.Err() == nil && apierrors.IsNotFound(err) {
			i.gone(err)
			i.waitServed(ctx, changed)
		}
	}
	return ctx.Err()
}

// finish marks the informer stopped and waits for its handlers to drain.
func (i *Informer[T]) finish() {
	i.mu.Lock()
	i.setStateLocked(StateStopped, nil)
	ls := i.listeners
	i.listeners = nil
	i.mu.Unlock()
	for _, l := range ls {
		l.close(false)
	}
	for _, l := range ls {
		<-l.done
	}
}

func (i *Informer[T]) subscribe() (<-chan struct{}, func()) {
	if i.opts.Notifier == nil {
		return nil, func() {}
	}
	return i.opts.Notifier.Subscribe(i.h.GroupVersionResource().Group)
}

// setStateLocked records a state change, tells the handlers and logs it.
func (i *Informer[T]) setStateLocked(s State, err error) {
	if i.state == s {
		return
	}
	i.state, i.stateErr = s, err
	i.notifyLocked(notification[T]{kind: noteState, state: s, err: err})
	if i.opts.Logger != nil {
		attrs := []any{"resource", i.what(), "state", s.String()}
		if err != nil {
			attrs = append(attrs, "err", err)
		}
		i.opts.Logger.Info("informer "+s.String(), attrs...)
	}
}

func (i *Informer[T]) what() string {
	gvr := i.h.GroupVersionResource()
	s := gvr.Resource + "." + gvr.Version
	if gvr.Group != "" {
		s += "." + gvr.Group
	}
	if ns := i.h.NamespaceName(); ns != "" {
		s += " in namespace " + ns
	}
	return s
}

// resyncEvery starts the periodic resync; stop ends it.
func (i *Informer[T]) resyncEvery(ctx context.Context, period time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				i.resync()
			}
		}
	}()
	return func() { cancel(); <-done }
}

func (i *Informer[T]) resync() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.state != StateSynced {
		return
	}
	i.store.mu.RLock()
	defer i.store.mu.RUnlock()
	for _, obj := range i.store.snapshotLocked() {
		i.notifyLocked(notification[T]{kind: noteUpdate, old: obj, obj: obj})
	}
}

// prepare runs Transform and Lean on a decoded object.
func (i *Informer[T]) prepare(obj T) (T, error) {
	if i.opts.Transform != nil {
		var err error
		if obj, err = i.opts.Transform(obj); err != nil {
			return obj, fmt.Errorf("transform %s %s: %w", i.what(), KeyOf(obj), err)
		}
	}
	if i.opts.Lean && i.store.keep.b == nil {
		leanObject(obj)
	}
	return obj, nil
}
