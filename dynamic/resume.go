package dynamic

import (
	"context"
	"errors"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
)

// Annotations on the BOOKMARK events a resumable watch emits itself.
const (
	// InitialEventsEndAnnotation marks the bookmark that follows the initial
	// state (the server's own, for a streaming list, or one made after a
	// List), as the API server marks it: the consumer's view is complete.
	InitialEventsEndAnnotation = "k8s.io/initial-events-end"
	// RelistAnnotation marks the bookmark emitted after the watch's
	// resourceVersion expired and the collection was listed again. The
	// ADDED, MODIFIED and DELETED events that follow it turn what the watch
	// had delivered before into the new list.
	RelistAnnotation = "dynamic.kubedyn.io/relisted"
)

// ResumeOptions tunes [ResourceHandle.WatchResumable].
type ResumeOptions struct {
	// Known are the objects the consumer already holds as of
	// opts.ResourceVersion (from its own List). After an expiry they are
	// what the synthesised difference starts from. Ignored when
	// opts.ResourceVersion is "".
	Known []unstructured.Unstructured
	// StreamingList gets the initial state (opts.ResourceVersion "") as a
	// watch with sendInitialEvents=true, ended by the server's
	// initial-events-end bookmark, instead of a List. A server that refuses
	// it (before WatchList, resourceVersionMatch on a watch is invalid)
	// gets a List instead, so there is no wait for a bookmark that never
	// comes.
	StreamingList bool
	// MaxBackoff caps the wait between reconnection attempts (default 10s;
	// the first wait is 100ms, doubling, with jitter).
	MaxBackoff time.Duration
}

// WatchResumable watches the objects opts selects and survives what ends a
// plain watch: dropped connections and the server's watch timeouts are
// resumed from the last resourceVersion seen (bookmarks are asked for, to
// keep it fresh), so while that resourceVersion is valid no event is lost,
// duplicated or reordered.
//
// When it is no longer valid (the server sends an ERROR event with code
// 410, reason Expired) the watch lists the collection again, emits a
// BOOKMARK annotated with [RelistAnnotation], then ADDED, MODIFIED and
// DELETED events for what changed between the objects it had delivered and
// the new list, and goes on watching from the list's resourceVersion: a
// consumer that applies every event ends with the server's view.
//
// With opts.ResourceVersion "" the watch starts with the current state: an
// ADDED event per object, then a BOOKMARK annotated with
// [InitialEventsEndAnnotation]. Otherwise it starts at opts.ResourceVersion,
// with ro.Known as what the consumer holds.
//
// Errors that a retry cannot mend (403, 401, 404 — the resource is gone —,
// 400, 422) end the watch with an ERROR event carrying the Status; the
// first attempt's are returned by WatchResumable itself. The watch ends
// when ctx ends or Stop is called.
func (h *ResourceHandle) WatchResumable(ctx context.Context, opts metav1.ListOptions, ro ResumeOptions) (watch.Interface, error) {
	if ro.MaxBackoff <= 0 {
		ro.MaxBackoff = 10 * time.Second
	}
	opts.Watch, opts.AllowWatchBookmarks = true, true
	opts.Limit, opts.Continue = 0, ""
	r := &resumer{
		h: h, opts: opts, ro: ro,
		out:   make(chan watch.Event),
		known: map[string]*unstructured.Unstructured{},
	}
	ctx, r.cancel = context.WithCancel(ctx)
	first, err := r.start(ctx)
	if err != nil {
		r.cancel()
		return nil, err
	}
	go r.run(ctx, first)
	return r, nil
}

// resumer is the state of one resumable watch. Only its run goroutine
// touches known, rv, synced and pending.
type resumer struct {
	h      *ResourceHandle
	opts   metav1.ListOptions // the caller's, with Watch and bookmarks on
	ro     ResumeOptions
	out    chan watch.Event
	cancel context.CancelFunc // ends the watch: Stop, or run on its way out

	known   map[string]*unstructured.Unstructured // namespace/name → last object delivered
	rv      string                                // resourceVersion to resume from
	synced  bool                                  // the initial state has been delivered
	pending []watch.Event                         // events of a List, not yet delivered
}

// Stop ends the watch.
func (r *resumer) Stop() {
	r.cancel()
}

// ResultChan returns the events; it is closed when the watch ends.
func (r *resumer) ResultChan() <-chan watch.Event { return r.out }

// start makes the first request: a streaming list, or what reconnect does.
// Events a List queues are delivered by run, before the watch's.
func (r *resumer) start(ctx context.Context) (watch.Interface, error) {
	if r.opts.ResourceVersion != "" {
		r.rv, r.synced = r.opts.ResourceVersion, true
		for i := range r.ro.Known {
			o := &r.ro.Known[i]
			r.known[objectKey(o)] = o
		}
	} else if r.ro.StreamingList {
		yes := true
		o := r.opts
		o.SendInitialEvents, o.ResourceVersion, o.ResourceVersionMatch = &yes, "", metav1.ResourceVersionMatchNotOlderThan
		w, err := r.h.Watch(ctx, o)
		if err == nil || !(apierrors.IsBadRequest(err) || apierrors.IsInvalid(err)) {
			return w, err
		}
	}
	return r.reconnect(ctx)
}

// reconnect starts the next watch: from the last resourceVersion, after a
// List when there is none yet or when it has expired.
func (r *resumer) reconnect(ctx context.Context) (watch.Interface, error) {
	if !r.synced {
		if err := r.list(ctx, false); err != nil {
			return nil, err
		}
	}
	w, err := r.watchFrom(ctx, r.rv)
	if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
		if err := r.list(ctx, true); err != nil {
			return nil, err
		}
		return r.watchFrom(ctx, r.rv)
	}
	return w, err
}

func (r *resumer) watchFrom(ctx context.Context, rv string) (watch.Interface, error) {
	o := r.opts
	o.ResourceVersion, o.ResourceVersionMatch, o.SendInitialEvents = rv, "", nil
	return r.h.Watch(ctx, o)
}

// run delivers events until the watch ends, reconnecting and relisting as
// needed.
func (r *resumer) run(ctx context.Context, w watch.Interface) {
	defer close(r.out)
	defer r.cancel()
	backoff := pause.Backoff{First: 100 * time.Millisecond, Max: r.ro.MaxBackoff}
	for {
		if w == nil {
			var err error
			if w, err = r.reconnect(ctx); err != nil {
				if !r.retryable(ctx, err) || !backoff.Sleep(ctx) {
					return
				}
				continue
			}
		}
		if !r.flush(ctx) {
			w.Stop()
			return
		}
		expired, progressed := r.consume(ctx, w)
		w.Stop()
		w = nil
		if progressed {
			backoff.Reset()
		}
		if ctx.Err() != nil {
			return
		}
		// An interrupted initial stream is listed again too: its events
		// are not in resourceVersion order, so there is nothing to resume.
		if expired || !r.synced {
			if err := r.list(ctx, true); err != nil && !r.retryable(ctx, err) {
				return
			}
		}
	}
}

// retryable reports whether the watch should try again after err. It ends
// the watch with an ERROR event when not.
func (r *resumer) retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		switch {
		case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err), apierrors.IsNotFound(err),
			apierrors.IsBadRequest(err), apierrors.IsInvalid(err), apierrors.IsMethodNotSupported(err):
			status := se.Status()
			r.send(ctx, watch.Event{Type: watch.Error, Object: &status})
			return false
		}
	}
	return true
}

// send delivers one event; false when the watch was stopped.
func (r *resumer) send(ctx context.Context, ev watch.Event) bool {
	select {
	case r.out <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

// flush delivers the events a List left pending.
func (r *resumer) flush(ctx context.Context) bool {
	for len(r.pending) > 0 {
		if !r.send(ctx, r.pending[0]) {
			return false
		}
		r.pending[0] = watch.Event{}
		r.pending = r.pending[1:]
	}
	r.pending = nil
	return true
}

// consume delivers w's events, tracking what was delivered. It returns
// when w ends, telling whether it ended because its resourceVersion
// expired, and whether any event came.
func (r *resumer) consume(ctx context.Context, w watch.Interface) (expired, progressed bool) {
	for ev := range w.ResultChan() {
		switch ev.Type {
		case watch.Error:
			err := apierrors.FromObject(ev.Object)
			return apierrors.IsResourceExpired(err) || apierrors.IsGone(err), progressed
		case watch.Bookmark:
			obj, ok := ev.Object.(*unstructured.Unstructured)
			if !ok {
				continue
			}
			if !r.synced {
				if obj.GetAnnotations()[InitialEventsEndAnnotation] != "true" {
					continue // progress bookmarks of the initial stream carry no usable resourceVersion
				}
				r.synced = true
			}
			r.rv = obj.GetResourceVersion()
		case watch.Added, watch.Modified, watch.Deleted:
			obj, ok := ev.Object.(*unstructured.Unstructured)
			if !ok {
				continue
			}
			if ev.Type == watch.Deleted {
				delete(r.known, objectKey(obj))
			} else {
				r.known[objectKey(obj)] = obj
			}
			if r.synced {
				r.rv = obj.GetResourceVersion()
			}
		}
		progressed = true
		if !r.send(ctx, ev) {
			return false, progressed
		}
	}
	return false, progressed
}

// list reads the whole collection and queues the events that turn what was
// delivered into the list: after a BOOKMARK annotated with RelistAnnotation
// when relist is set, and followed by one annotated with
// InitialEventsEndAnnotation when the initial state had not been delivered.
func (r *resumer) list(ctx context.Context, relist bool) error {
	o := metav1.ListOptions{LabelSelector: r.opts.LabelSelector, FieldSelector: r.opts.FieldSelector, Limit: 500}
	var items []unstructured.Unstructured
	var listRV, apiVersion, kind string
	for {
		page, err := r.h.List(ctx, o)
		if err != nil {
			return err
		}
		if listRV == "" {
			listRV = page.GetResourceVersion()
			apiVersion, kind = page.GetAPIVersion(), page.GetKind()
		}
		items = append(items, page.Items...)
		if o.Continue = page.GetContinue(); o.Continue == "" {
			break
		}
	}
	mark := func(annotation string) watch.Event {
		m := &unstructured.Unstructured{Object: map[string]any{}}
		m.SetAPIVersion(apiVersion)
		m.SetKind(trimList(kind))
		m.SetResourceVersion(listRV)
		m.SetAnnotations(map[string]string{annotation: "true"})
		return watch.Event{Type: watch.Bookmark, Object: m}
	}
	var events []watch.Event
	if relist {
		events = append(events, mark(RelistAnnotation))
	}
	events = append(events, diff(r.known, items)...)
	if !r.synced {
		events = append(events, mark(InitialEventsEndAnnotation))
	}
	next := make(map[string]*unstructured.Unstructured, len(items))
	for i := range items {
		next[objectKey(&items[i])] = &items[i]
	}
	r.known, r.rv, r.synced = next, listRV, true
	r.pending = append(r.pending, events...)
	return nil
}

// diff returns the events that turn known into items: ADDED and MODIFIED
// in the list's order, then DELETED in key order.
func diff(known map[string]*unstructured.Unstructured, items []unstructured.Unstructured) []watch.Event {
	var events []watch.Event
	inList := make(map[string]bool, len(items))
	for i := range items {
		obj := &items[i]
		k := objectKey(obj)
		inList[k] = true
		old, ok := known[k]
		switch {
		case !ok:
			events = append(events, watch.Event{Type: watch.Added, Object: obj})
		case old.GetResourceVersion() != obj.GetResourceVersion():
			events = append(events, watch.Event{Type: watch.Modified, Object: obj})
		}
	}
	var gone []string
	for k := range known {
		if !inList[k] {
			gone = append(gone, k)
		}
	}
	sort.Strings(gone)
	for _, k := range gone {
		events = append(events, watch.Event{Type: watch.Deleted, Object: known[k]})
	}
	return events
}

func objectKey(o *unstructured.Unstructured) string {
	return o.GetNamespace() + "/" + o.GetName()
}

// trimList turns a list kind into its item kind: "PodList" → "Pod".
func trimList(kind string) string {
	if len(kind) > 4 && kind[len(kind)-4:] == "List" {
		return kind[:len(kind)-4]
	}
	return kind
}
