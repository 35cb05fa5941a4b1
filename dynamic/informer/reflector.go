package informer

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
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
	err := i.runEngine(ctx, cancel, listwatch.Options[T]{
		LabelSelector: i.opts.LabelSelector, FieldSelector: i.opts.FieldSelector,
		StreamingList: !i.opts.DisableStreamingList, InitialEventsTimeout: i.opts.InitialEventsTimeout,
		FirstBackoff: 200 * time.Millisecond, MaxBackoff: i.opts.MaxBackoff,
		Ending: listwatch.RetryUntilGone, Record: listwatch.RecordKeys,
		Logger: i.opts.Logger, What: i.what(),
		Report: i.h.Observe, Resource: i.h.GroupVersionResource(), Namespace: i.h.NamespaceName(),
	})
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	return err
}

// deliver applies one event of the engine to the cache.
func (i *Informer[T]) deliver(ev listwatch.Event[T]) bool {
	switch ev.Type {
	case watch.Error: // the engine logs failures; a final one ends Run's attempt
	case watch.Bookmark:
		if ev.Mark == listwatch.MarkSynced {
			i.mu.Lock()
			i.syncedLocked()
			i.mu.Unlock()
		}
	default:
		i.shardApply(ev.Type, ev.Object, ev.Listed)
	}
	return true
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

// apply puts one event into the cache and tells the handlers. Adds before
// the first sync are initial; a DELETED made by a relist (listed) tells
// the cached object.
func (i *Informer[T]) apply(t watch.EventType, obj T, listed bool) {
	if t != watch.Deleted || !listed {
		var err error
		if obj, err = i.prepare(obj); err != nil {
			i.logDrop(err)
			return
		}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.store.mu.Lock()
	n, ok := i.applyLocked(t, obj, listed)
	i.store.mu.Unlock()
	if ok {
		i.notifyLocked(n)
	}
}

// applyLocked changes the store, whose lock is held, and returns what to
// tell the handlers (ok false: nothing).
func (i *Informer[T]) applyLocked(t watch.EventType, obj T, listed bool) (n notification[T], ok bool) {
	keep := i.store.keep
	if t == watch.Deleted {
		old, ok := i.store.deleteLocked(KeyOf(obj))
		if !ok {
			return n, false // nothing cached to delete: nothing to tell
		}
		if len(i.listeners) == 0 {
			return n, false // no one to tell
		}
		if listed {
			obj = keep.unpack(old)
		} else if h, err := keep.hand(obj); err == nil {
			obj = h
		} else {
			obj = keep.unpack(old) // the last state the cache had
		}
		return notification[T]{kind: noteDelete, obj: obj}, true
	}
	// Handlers and index functions read the object handed on.
	e, handed, err := keep.pack(obj, len(i.listeners) > 0 || len(i.store.indexer) > 0)
	if err != nil {
		i.logDrop(err)
		return n, false
	}
	old, existed, err := i.store.putLocked(e, handed)
	if err != nil {
		i.logDrop(err)
	}
	if len(i.listeners) == 0 {
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
