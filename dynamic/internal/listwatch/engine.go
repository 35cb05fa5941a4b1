package listwatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
)

// InitialEventsEndAnnotation marks the server's bookmark that ends the
// initial state of a streaming list.
const InitialEventsEndAnnotation = "k8s.io/initial-events-end"

var (
	errStopped  = errors.New("listwatch: the consumer stopped")
	errFallBack = errors.New("listwatch: no streaming list")
)

// Run lists and watches src, handing every event to deliver, until ctx
// ends (it returns ctx's error), deliver returns false (nil), or an error
// the policy ends on (that error, delivered first as a final ERROR event
// unless Options.FailFirst applies).
func Run[T Object](ctx context.Context, src Source[T], opts Options[T], deliver func(Event[T]) bool) error {
	if opts.InitialEventsTimeout <= 0 {
		opts.InitialEventsTimeout = DefaultInitialEventsTimeout
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 10 * time.Second
	}
	if opts.FirstBackoff <= 0 {
		opts.FirstBackoff = 100 * time.Millisecond
	}
	e := &engine[T]{
		src: src, opts: opts, deliver: deliver,
		rec:     newRecord(opts.Record, opts.Known),
		backoff: pause.Backoff{First: min(opts.FirstBackoff, opts.MaxBackoff), Max: opts.MaxBackoff},
		rv:      opts.ResourceVersion,
		synced:  opts.ResourceVersion != "",
	}
	e.opts.Known = nil
	err := e.run(ctx)
	if errors.Is(err, errStopped) {
		return nil
	}
	return err
}

// engine is the state of one run; only its goroutine touches it.
type engine[T Object] struct {
	src     Source[T]
	opts    Options[T]
	deliver func(Event[T]) bool
	rec     *record[T]
	backoff pause.Backoff

	rv        string // where the next watch starts; "" lists first
	synced    bool   // a complete state has been delivered
	relisting bool   // the next list follows an expiry: MarkRelist first
	streamOff bool   // streaming lists failed: pages from now on
	connected bool   // a request has succeeded
}

// run makes attempts until one ends the run. An attempt that failed or
// made no progress is followed by the next backoff wait; progress resets
// the backoff.
func (e *engine[T]) run(ctx context.Context) error {
	for {
		progressed, err := e.attempt(ctx)
		if errors.Is(err, errStopped) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if progressed {
			e.backoff.Reset()
		}
		if err != nil {
			if err := e.fail(err); err != nil {
				return err
			}
		}
		if err == nil && progressed {
			continue
		}
		wait := e.backoff.Next()
		kind := NoteIdle
		if err != nil {
			kind = NoteFailed
		}
		e.note(Note{Kind: kind, Err: err, Wait: wait})
		if !pause.Sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// fail applies the policy to a failed attempt's error: nil to go on, or
// the error that ends the run.
func (e *engine[T]) fail(err error) error {
	a := classify(err, e.opts.Ending)
	switch {
	case a == relist:
		e.rv, e.relisting = "", e.synced
		e.note(Note{Kind: NoteRelist, Err: err})
		return nil
	case e.opts.FailFirst && !e.connected:
		return err
	case a == end:
		e.deliver(Event[T]{Type: watch.Error, Err: err, Final: true})
		return err
	}
	return e.send(Event[T]{Type: watch.Error, Err: err})
}

// attempt lists when there is no resourceVersion to watch from, then
// watches until the watch ends. It reports whether anything new was
// delivered, and why it ended (nil: the stream closed cleanly).
func (e *engine[T]) attempt(ctx context.Context) (bool, error) {
	if e.rv == "" {
		if e.opts.StreamingList && !e.streamOff {
			progressed, err := e.streamingList(ctx)
			if !errors.Is(err, errFallBack) {
				return progressed, err
			}
		}
		if err := e.pagedList(ctx); err != nil {
			return false, err
		}
	}
	w, err := e.src.Watch(ctx, e.watchOptions(e.rv, false))
	if err != nil {
		return false, err
	}
	e.connect()
	defer w.Stop()
	return e.consume(ctx, w, false)
}

// streamingList opens a watch with sendInitialEvents and consumes it: the
// initial state (bounded by InitialEventsTimeout), then the watch.
func (e *engine[T]) streamingList(ctx context.Context) (bool, error) {
	w, err := e.src.Watch(ctx, e.watchOptions("", true))
	if err != nil {
		if refusesStreaming(err) {
			e.fallBack(fmt.Errorf("the server refuses streaming lists: %w", err))
			return false, errFallBack
		}
		return false, err
	}
	e.connect()
	defer w.Stop()
	if err := e.begin(); err != nil {
		return false, err
	}
	return e.consume(ctx, w, true)
}

// pagedList lists in pages of 500, delivering the difference from what
// was delivered.
func (e *engine[T]) pagedList(ctx context.Context) error {
	o := metav1.ListOptions{LabelSelector: e.opts.LabelSelector, FieldSelector: e.opts.FieldSelector, Limit: 500}
	if err := e.begin(); err != nil {
		return err
	}
	var rv string
	for {
		items, listRV, cont, err := e.src.List(ctx, o)
		if err != nil {
			return err
		}
		e.connect()
		if rv == "" {
			rv = listRV
		}
		for _, obj := range items {
			if _, err := e.object(watch.Added, obj, true); err != nil {
				return err
			}
		}
		if o.Continue = cont; cont == "" {
			return e.end(rv)
		}
	}
}

func (e *engine[T]) watchOptions(rv string, streaming bool) metav1.ListOptions {
	o := metav1.ListOptions{LabelSelector: e.opts.LabelSelector, FieldSelector: e.opts.FieldSelector,
		ResourceVersion: rv, AllowWatchBookmarks: true}
	if streaming {
		yes := true
		o.SendInitialEvents, o.ResourceVersionMatch = &yes, metav1.ResourceVersionMatchNotOlderThan
	}
	return o
}

// consume delivers w's events until it ends; listing says it starts with
// a streaming list's initial state, which must end within
// InitialEventsTimeout.
func (e *engine[T]) consume(ctx context.Context, w watch.Interface, listing bool) (progressed bool, err error) {
	var timeout <-chan time.Time
	if listing {
		t := time.NewTimer(e.opts.InitialEventsTimeout)
		defer t.Stop()
		timeout = t.C
	}
	for {
		var ev watch.Event
		var ok bool
		select {
		case <-ctx.Done():
			return progressed, ctx.Err()
		case <-timeout:
			e.fallBack(fmt.Errorf("no initial-events-end bookmark within %v", e.opts.InitialEventsTimeout))
			return progressed, errFallBack
		case ev, ok = <-w.ResultChan():
		}
		if !ok {
			return progressed, nil
		}
		p, err := e.event(ev, &listing)
		progressed = progressed || p
		if err != nil {
			return progressed, err
		}
		if !listing {
			timeout = nil
		}
	}
}

// event handles one event of a watch; listing is cleared by the
// initial-events-end bookmark.
func (e *engine[T]) event(ev watch.Event, listing *bool) (bool, error) {
	switch ev.Type {
	case watch.Error:
		return false, apierrors.FromObject(ev.Object)
	case watch.Bookmark:
		return e.bookmark(ev, listing)
	case watch.Added, watch.Modified, watch.Deleted:
		obj, ok := ev.Object.(T)
		if !ok {
			return false, fmt.Errorf("%s: a %s event carries a %T", e.opts.What, ev.Type, ev.Object)
		}
		return e.object(ev.Type, obj, *listing)
	}
	return false, fmt.Errorf("%s: unknown watch event type %q", e.opts.What, ev.Type)
}

// object delivers one object if it is new to the consumer. Every object
// enters the engine here.
func (e *engine[T]) object(t watch.EventType, obj T, listing bool) (bool, error) {
	if listing {
		if t = e.rec.listed(obj); t == "" {
			return false, nil
		}
		return true, e.send(Event[T]{Type: t, Object: obj, Listed: true})
	}
	if !e.rec.fresh(t, obj) {
		return false, nil
	}
	e.rv = obj.GetResourceVersion()
	return true, e.send(Event[T]{Type: t, Object: obj})
}

// bookmark moves the resourceVersion on; in a streaming list's initial
// state only the initial-events-end bookmark counts (it ends the list).
func (e *engine[T]) bookmark(ev watch.Event, listing *bool) (bool, error) {
	m, err := meta.Accessor(ev.Object)
	if err != nil {
		return false, fmt.Errorf("%s: a BOOKMARK event carries a %T", e.opts.What, ev.Object)
	}
	rv := m.GetResourceVersion()
	if *listing {
		if m.GetAnnotations()[InitialEventsEndAnnotation] != "true" {
			return false, nil // progress bookmarks of the initial state carry no usable resourceVersion
		}
		*listing = false
		return true, e.end(rv)
	}
	if rv == "" || rv == e.rv {
		return false, nil
	}
	e.rv = rv
	obj, _ := ev.Object.(T)
	return true, e.send(Event[T]{Type: watch.Bookmark, Object: obj, ResourceVersion: rv})
}

// begin starts a list, after MarkRelist when it follows an expiry.
func (e *engine[T]) begin() error {
	e.rec.begin()
	if !e.relisting {
		return nil
	}
	e.relisting = false
	return e.send(Event[T]{Type: watch.Bookmark, Mark: MarkRelist, ResourceVersion: e.rv})
}

// end completes a list: DELETED for what it did not see, then MarkSynced.
func (e *engine[T]) end(rv string) error {
	for _, obj := range e.rec.unlisted(stub[T]) {
		if err := e.send(Event[T]{Type: watch.Deleted, Object: obj, Listed: true}); err != nil {
			return err
		}
	}
	initial := !e.synced
	e.rv, e.synced = rv, true
	return e.send(Event[T]{Type: watch.Bookmark, Mark: MarkSynced, Initial: initial, ResourceVersion: rv})
}

func (e *engine[T]) send(ev Event[T]) error {
	if !e.deliver(ev) {
		return errStopped
	}
	return nil
}

func (e *engine[T]) connect() {
	e.connected = true
	e.note(Note{Kind: NoteConnected})
}

// fallBack turns streaming lists off, saying so once.
func (e *engine[T]) fallBack(err error) {
	if !e.streamOff && e.opts.Logger != nil {
		e.opts.Logger.Info("streaming list failed; listing by pages from now on", "resource", e.opts.What, "err", err)
	}
	e.streamOff = true
	e.note(Note{Kind: NoteFallback, Err: err})
}

// note is the one place where reconnects, relists and fallbacks are told.
func (e *engine[T]) note(n Note) {
	if e.opts.Observe != nil {
		n.What = e.opts.What
		e.opts.Observe(n)
	}
}
