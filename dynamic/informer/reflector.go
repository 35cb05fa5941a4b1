package informer

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// listAndWatch syncs the cache and follows the server through the
// list-and-watch engine (dynamic/internal/listwatch) until the resource is
// gone, an error that retrying cannot mend, or ctx ends. The engine
// resumes after dropped connections and server timeouts, relists after an
// expiry with the difference, and backs off; every failure but 404 (the
// resource is gone) is retried and logged (RetryUntilGone), as a
// controller waits for its permissions or a server to mend.
func (i *Informer[T]) listAndWatch(ctx context.Context, changed <-chan struct{}) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if changed != nil {
		// The goroutine is gone before this returns, so that it takes no
		// signal meant for waitServed.
		done := make(chan struct{})
		defer func() { cancel(nil); <-done }()
		go func() { defer close(done); i.watchDiscovery(ctx, changed, cancel) }()
	}
	var err error
	if i.csrc.Watch != nil && i.selector() == nil && i.opts.Transform == nil {
		// Compact objects straight from the wire, into the store.
		err = listwatch.Run(ctx, i.csrc, engineOptions(i, heldCompact(i.store)), i.deliverCompact)
	} else {
		err = i.runEngine(ctx, cancel, engineOptions(i, heldTrees(i.store)))
	}
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	return err
}

// engineOptions are the engine's options for informer i, whose store is
// the engine's record (held).
func engineOptions[T Object, E listwatch.Object](i *Informer[T], held listwatch.Held[E]) listwatch.Options[E] {
	return listwatch.Options[E]{
		LabelSelector: i.opts.LabelSelector, FieldSelector: i.opts.FieldSelector,
		StreamingList: !i.opts.DisableStreamingList && !i.streamOff.Load(), InitialEventsTimeout: i.opts.InitialEventsTimeout,
		FirstBackoff: 200 * time.Millisecond, MaxBackoff: i.opts.MaxBackoff,
		Ending: listwatch.RetryUntilGone, Held: held,
		Logger: i.opts.Logger, What: i.what(),
		Report: i.h.Observe, Resource: i.h.GroupVersionResource(), Namespace: i.h.NamespaceName(),
		Observe: func(n listwatch.Note) {
			if n.Kind == listwatch.NoteFallback {
				i.streamOff.Store(true)
			}
		},
	}
}

// deliver applies one event of the engine to the cache.
func (i *Informer[T]) deliver(ev listwatch.Event[T]) bool {
	if isObjectEvent(ev.Type) {
		i.shardApply(ev.Type, ev.Object, ev.Listed)
	} else {
		i.marked(ev.Type, ev.Mark)
	}
	return true
}

// deliverCompact applies one event of the compact engine to the cache.
func (i *Informer[T]) deliverCompact(ev listwatch.Event[*compact.Object]) bool {
	if isObjectEvent(ev.Type) {
		i.applyArrival(ev.Type, compactArrival[T](ev.Object), ev.Listed)
	} else {
		i.marked(ev.Type, ev.Mark)
	}
	return true
}

func isObjectEvent(t watch.EventType) bool {
	return t == watch.Added || t == watch.Modified || t == watch.Deleted
}

// marked handles an event of the engine that carries no object: a sync
// (the engine logs failures; a final one ends Run's attempt).
func (i *Informer[T]) marked(t watch.EventType, m listwatch.Mark) {
	if t == watch.Bookmark && m == listwatch.MarkSynced {
		i.mu.Lock()
		i.syncedLocked()
		i.mu.Unlock()
	}
}

// watchDiscovery ends listAndWatch with a NotFound error when, after a
// Notifier signal, discovery no longer lists the resource.
func (i *Informer[T]) watchDiscovery(ctx context.Context, changed <-chan struct{}, cancel context.CancelCauseFunc) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			if ok, err := i.served(ctx); err == nil && !ok {
				gvr := i.h.GroupVersionResource()
				gone := apierrors.NewNotFound(gvr.GroupResource(), "")
				gone.ErrStatus.Message = fmt.Sprintf("the server no longer serves %s (discovery does not list it)", gvr.GroupResource())
				cancel(gone)
				return
			}
		}
	}
}

// syncedLocked records a completed sync.
func (i *Informer[T]) syncedLocked() {
	if !i.synced {
		i.synced = true
		close(i.syncedCh)
		i.notifyLocked(notification[T]{kind: noteSynced})
	}
	i.setStateLocked(StateSynced, nil)
}

// apply puts one event of the engine of trees into the cache and tells
// the handlers. Adds before the first sync are initial; a DELETED made by
// a relist (listed) tells the cached object.
func (i *Informer[T]) apply(t watch.EventType, obj T, listed bool) {
	a := arrival[T]{key: KeyOf(obj)}
	if t != watch.Deleted || !listed {
		var err error
		if obj, err = i.prepare(obj); err == nil {
			a, err = i.store.keep.arrive(obj)
		}
		if err != nil && t != watch.Deleted {
			i.logDrop(err)
			return
		}
	}
	i.applyArrival(t, a, listed)
}

// applyArrival puts a into the cache and tells the handlers.
func (i *Informer[T]) applyArrival(t watch.EventType, a arrival[T], listed bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.store.mu.Lock()
	n, ok := i.applyLocked(t, a, listed)
	i.store.mu.Unlock()
	if ok {
		i.notifyLocked(n)
	}
}

// applyLocked changes the store, whose lock is held, and returns what to
// tell the handlers (ok false: nothing).
func (i *Informer[T]) applyLocked(t watch.EventType, a arrival[T], listed bool) (n notification[T], ok bool) {
	keep := i.store.keep
	tell := len(i.listeners) > 0
	if t == watch.Deleted {
		old, ok := i.store.deleteLocked(a.key)
		if !ok || !tell {
			return n, false // nothing cached to delete, or no one to tell
		}
		obj, ok := a.handed(keep)
		if listed || !ok {
			obj = keep.unpack(old) // the last state the cache had
		}
		return notification[T]{kind: noteDelete, obj: obj}, true
	}
	// Handlers and index functions read the object handed on.
	var handed T
	if tell || len(i.store.indexer) > 0 {
		handed, _ = a.handed(keep)
	}
	old, existed, err := i.store.putLocked(a.e, handed)
	if err != nil {
		i.logDrop(err)
	}
	if !tell {
		return n, false
	}
	if existed {
		return notification[T]{kind: noteUpdate, old: keep.unpack(old), obj: handed}, true
	}
	return notification[T]{kind: noteAdd, obj: handed, initial: !i.synced}, true
}

// logDrop says an object was not cached as it came (it reads only what
// never changes: no lock).
func (i *Informer[T]) logDrop(err error) {
	if i.opts.Logger != nil {
		i.opts.Logger.Warn("informer: object not cached as it came", "resource", i.what(), "err", err)
	}
}
