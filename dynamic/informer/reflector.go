package informer

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"

	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
)

// listAndWatch syncs the cache and follows the watch until the resource is
// gone, an error that retrying cannot mend, or ctx ends. Dropped
// connections and server timeouts resume from the last resourceVersion; an
// expired one relists.
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
	b := newBackoff(i.opts.MaxBackoff)
	var rv string
	var w watch.Interface
	for {
		if cause := context.Cause(ctx); cause != nil {
			return cause
		}
		var err error
		if rv == "" {
			if rv, w, err = i.relist(ctx); err != nil {
				if fatal(err) {
					return err
				}
				i.fail(err)
				b.Sleep(ctx)
				continue
			}
		}
		if w == nil {
			if w, err = i.src.watch(ctx, i.watchOptions(rv)); err != nil {
				if isExpired(err) {
					rv = ""
					continue
				}
				if fatal(err) {
					return err
				}
				i.fail(err)
				b.Sleep(ctx)
				continue
			}
		}
		var progressed bool
		rv, progressed, err = i.consume(ctx, w, rv)
		w.Stop()
		w = nil
		if err != nil {
			if fatal(err) {
				return err
			}
			i.fail(err)
		}
		if progressed {
			b.Reset()
		} else {
			b.Sleep(ctx) // a watch that ends at once must not spin
		}
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

func (i *Informer[T]) listOptions() metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: i.opts.LabelSelector, FieldSelector: i.opts.FieldSelector}
}

func (i *Informer[T]) watchOptions(rv string) metav1.ListOptions {
	o := i.listOptions()
	o.ResourceVersion, o.AllowWatchBookmarks = rv, true
	return o
}

// relist reads the whole collection, by a streaming list when the server
// takes one (the watch then goes on) or by List, and applies the
// difference to the cache.
func (i *Informer[T]) relist(ctx context.Context) (string, watch.Interface, error) {
	i.mu.Lock()
	streaming := !i.opts.DisableStreamingList && !i.streamOff
	i.mu.Unlock()
	if streaming {
		rv, w, err := i.streamingList(ctx)
		if err == nil || !(apierrors.IsBadRequest(err) || apierrors.IsInvalid(err)) {
			return rv, w, err
		}
		i.mu.Lock()
		i.streamOff = true
		if i.opts.Logger != nil {
			i.opts.Logger.Info("informer: the server refuses streaming lists, using List", "resource", i.what(), "err", err)
		}
		i.mu.Unlock()
	}
	rv, err := i.pagedList(ctx)
	return rv, nil, err
}

// pagedList lists in pages of 500 and applies the result.
func (i *Informer[T]) pagedList(ctx context.Context) (string, error) {
	o := i.listOptions()
	o.Limit = 500
	var fresh []T
	var rv string
	for {
		items, listRV, cont, err := i.src.list(ctx, o)
		if err != nil {
			return "", err
		}
		if rv == "" {
			rv = listRV
		}
		for _, obj := range items {
			if obj, err = i.prepare(obj); err == nil {
				fresh = append(fresh, obj)
			} else {
				i.logDrop(err)
			}
		}
		if o.Continue = cont; cont == "" {
			break
		}
	}
	i.replace(fresh)
	return rv, nil
}

// streamingList opens a watch with sendInitialEvents, gathers the initial
// objects until the server's initial-events-end bookmark, applies them and
// returns the open watch.
func (i *Informer[T]) streamingList(ctx context.Context) (string, watch.Interface, error) {
	yes := true
	o := i.watchOptions("")
	o.SendInitialEvents, o.ResourceVersionMatch = &yes, metav1.ResourceVersionMatchNotOlderThan
	w, err := i.src.watch(ctx, o)
	if err != nil {
		return "", nil, err
	}
	var fresh []T
	for {
		ev, ok := next(ctx, w)
		if !ok {
			break
		}
		switch ev.Type {
		case watch.Error:
			w.Stop()
			return "", nil, apierrors.FromObject(ev.Object)
		case watch.Bookmark:
			m, err := meta.Accessor(ev.Object)
			if err != nil || m.GetAnnotations()[dynamic.InitialEventsEndAnnotation] != "true" {
				continue
			}
			i.replace(fresh)
			return m.GetResourceVersion(), w, nil
		case watch.Added, watch.Modified:
			obj, ok := ev.Object.(T)
			if !ok {
				continue
			}
			if obj, err = i.prepare(obj); err == nil {
				fresh = append(fresh, obj)
			} else {
				i.logDrop(err)
			}
		}
	}
	w.Stop()
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	return "", nil, fmt.Errorf("streaming list of %s: the watch ended before the initial-events-end bookmark", i.what())
}

// replace makes the cache equal to fresh, telling the handlers what
// changed: an add for each new key, an update for each object whose
// resourceVersion changed, a delete for each key that is not in fresh.
// Unchanged objects keep their cached copy and cause no call.
func (i *Informer[T]) replace(fresh []T) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.store.mu.Lock()
	initial := !i.synced
	inList := make(map[Key]struct{}, len(fresh))
	var notes []notification[T]
	var errs []error
	for _, obj := range fresh {
		k := KeyOf(obj)
		inList[k] = struct{}{}
		old, ok := i.store.getLocked(k)
		if ok && old.GetResourceVersion() == obj.GetResourceVersion() {
			continue
		}
		if _, _, err := i.store.putLocked(obj); err != nil {
			errs = append(errs, err)
		}
		if ok {
			notes = append(notes, notification[T]{kind: noteUpdate, old: old, obj: obj})
		} else {
			notes = append(notes, notification[T]{kind: noteAdd, obj: obj, initial: initial})
		}
	}
	var gone []T
	i.store.eachLocked("", true, func(obj T) bool {
		if _, ok := inList[KeyOf(obj)]; !ok {
			gone = append(gone, obj)
		}
		return true
	})
	sortObjects(gone)
	for _, obj := range gone {
		i.store.deleteLocked(KeyOf(obj))
		notes = append(notes, notification[T]{kind: noteDelete, obj: obj})
	}
	i.store.mu.Unlock()
	for _, n := range notes {
		i.notifyLocked(n)
	}
	i.syncedLocked()
	if len(errs) > 0 {
		i.logDropLocked(errors.Join(errs...))
	}
}

// syncedLocked records a completed sync.
func (i *Informer[T]) syncedLocked() {
	i.recoveredLocked()
	if !i.synced {
		i.synced = true
		close(i.syncedCh)
		i.notifyLocked(notification[T]{kind: noteSynced})
	}
	i.setStateLocked(StateSynced, nil)
}

// consume applies w's events until it ends. It returns the resourceVersion
// to resume from ("" after an expiry), whether any event came, and the
// error an ERROR event carried.
func (i *Informer[T]) consume(ctx context.Context, w watch.Interface, rv string) (string, bool, error) {
	progressed := false
	for {
		ev, ok := next(ctx, w)
		if !ok {
			return rv, progressed, nil
		}
		progressed = ev.Type != watch.Error || progressed
		switch ev.Type {
		case watch.Error:
			err := apierrors.FromObject(ev.Object)
			if isExpired(err) {
				return "", progressed, nil
			}
			return rv, progressed, err
		case watch.Bookmark:
			if m, err := meta.Accessor(ev.Object); err == nil && m.GetResourceVersion() != "" {
				rv = m.GetResourceVersion()
			}
		case watch.Added, watch.Modified, watch.Deleted:
			obj, ok := ev.Object.(T)
			if !ok {
				continue
			}
			rv = obj.GetResourceVersion()
			i.apply(ev.Type, obj)
		}
	}
}

// next returns w's next event; false when w or ctx has ended.
func next(ctx context.Context, w watch.Interface) (watch.Event, bool) {
	select {
	case ev, ok := <-w.ResultChan():
		return ev, ok
	case <-ctx.Done():
		return watch.Event{}, false
	}
}

// apply puts one watch event into the cache and tells the handlers.
func (i *Informer[T]) apply(t watch.EventType, obj T) {
	obj, err := i.prepare(obj)
	if err != nil {
		i.logDrop(err)
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.recoveredLocked()
	i.store.mu.Lock()
	var n notification[T]
	if t == watch.Deleted {
		_, ok := i.store.deleteLocked(KeyOf(obj))
		n = notification[T]{kind: noteDelete, obj: obj}
		if !ok {
			i.store.mu.Unlock()
			return // nothing cached to delete: nothing to tell
		}
	} else {
		if old, ok := i.store.getLocked(KeyOf(obj)); ok && old.GetResourceVersion() == obj.GetResourceVersion() {
			i.store.mu.Unlock()
			return // already delivered: a change is told once
		}
		old, existed, err := i.store.putLocked(obj)
		if err != nil {
			i.logDropLocked(err)
		}
		n = notification[T]{kind: noteAdd, obj: obj}
		if existed {
			n = notification[T]{kind: noteUpdate, old: old, obj: obj}
		}
	}
	i.store.mu.Unlock()
	i.notifyLocked(n)
}

func (i *Informer[T]) logDrop(err error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.logDropLocked(err)
}

func (i *Informer[T]) logDropLocked(err error) {
	if i.opts.Logger != nil {
		i.opts.Logger.Warn("informer: object not cached as it came", "resource", i.what(), "err", err)
	}
}

// isExpired reports whether err says the resourceVersion is too old.
func isExpired(err error) bool {
	return apierrors.IsResourceExpired(err) || apierrors.IsGone(err)
}

// isGone reports whether err says the resource is no longer served.
func isGone(err error) bool {
	return apierrors.IsNotFound(err)
}

// fatal reports whether retrying the same request cannot help: the
// resource is gone, or the server cannot list or watch it.
func fatal(err error) bool {
	return isGone(err) || apierrors.IsMethodNotSupported(err)
}

// newBackoff returns the wait between failed attempts: 200ms (or max if
// less), doubling with jitter up to max.
func newBackoff(max time.Duration) *pause.Backoff {
	return &pause.Backoff{First: min(200*time.Millisecond, max), Max: max}
}
