package listwatch

import (
	"cmp"
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
	opts.InitialEventsTimeout = cmp.Or(max(opts.InitialEventsTimeout, 0), DefaultInitialEventsTimeout)
	opts.MaxBackoff = cmp.Or(max(opts.MaxBackoff, 0), 10*time.Second)
	e := &engine[T]{
		src: src, opts: opts, deliver: deliver,
		rec:     newRecord(opts.Record, opts.Known, opts.Held),
		backoff: pause.Backoff{First: min(cmp.Or(max(opts.FirstBackoff, 0), 100*time.Millisecond), opts.MaxBackoff), Max: opts.MaxBackoff},
		rv:      opts.ResourceVersion, synced: opts.ResourceVersion != "",
	}
	e.opts.Known = nil
	if err := e.run(ctx); !errors.Is(err, errStopped) {
		return err
	}
	return nil
}

// engine is the state of one run; only its goroutine touches it.
type engine[T Object] struct {
	src     Source[T]
	opts    Options[T]
	deliver func(Event[T]) bool
	rec     *record[T]
	backoff pause.Backoff

	rv        string      // where the next watch starts; "" lists first
	synced    bool        // a complete state has been delivered
	relisting bool        // the next list follows an expiry: MarkRelist first
	streamOff bool        // streaming lists failed: pages from now on
	shard     shardState  // the shard's selector and mode (shard.go)
	report    reportState // what Options.Report is told next (report.go)
	connected bool        // a request has succeeded
	failing   bool        // a failure was logged and nothing has progressed since
}

// run makes attempts until one ends the run. An attempt that failed or
// made no progress is followed by the next backoff wait; progress resets
// the backoff.
func (e *engine[T]) run(ctx context.Context) error {
	for {
		e.reportReconnect()
		progressed, err := e.attempt(ctx)
		e.ended(err)
		switch {
		case errors.Is(err, errStopped):
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		case progressed:
			e.backoff.Reset()
			e.log(false, nil)
		}
		if err != nil {
			if err := e.fail(err); err != nil {
				return err
			}
		} else if progressed {
			continue
		}
		n := Note{Kind: NoteRetry, Err: err, Wait: e.backoff.Next()}
		e.note(n)
		e.report.wait = n.Wait
		if !pause.Sleep(ctx, n.Wait) {
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
		e.relistStarted(err)
		return nil
	case e.opts.FailFirst && !e.connected:
		return err
	case a == end:
		e.deliver(Event[T]{Type: watch.Error, Err: err, Final: true})
		return err
	}
	e.log(true, err)
	return e.send(Event[T]{Type: watch.Error, Err: err})
}

// log says once when attempts start failing, and once when one progresses
// again.
func (e *engine[T]) log(failing bool, err error) {
	if e.failing != failing && e.opts.Logger != nil {
		if failing {
			e.opts.Logger.Warn("list/watch failing, retrying", "resource", e.opts.What, "err", err)
		} else {
			e.opts.Logger.Info("list/watch recovered", "resource", e.opts.What)
		}
	}
	e.failing = failing
}

// attempt lists when there is no resourceVersion to watch from (by a
// streaming list, whose watch goes on, or by pages), then watches until
// the watch ends. It reports whether anything new was delivered, and why
// it ended (nil: the stream closed cleanly).
func (e *engine[T]) attempt(ctx context.Context) (bool, error) {
	if err := e.detectShard(ctx); err != nil {
		return false, err
	}
	streaming := e.rv == "" && e.opts.StreamingList && !e.streamOff
	if e.rv == "" && !streaming {
		if err := e.pagedList(ctx); err != nil {
			return false, err
		}
	}
	o := metav1.ListOptions{LabelSelector: e.opts.LabelSelector, FieldSelector: e.opts.FieldSelector,
		ResourceVersion: e.rv, AllowWatchBookmarks: true, ShardSelector: e.shard.wire}
	if streaming {
		yes := true
		o.SendInitialEvents, o.ResourceVersionMatch = &yes, metav1.ResourceVersionMatchNotOlderThan
	}
	w, err := e.src.Watch(ctx, o)
	if streaming && refusesStreaming(err) {
		e.fallBack(fmt.Errorf("the server refuses streaming lists: %w", err))
		return e.attempt(ctx)
	}
	if err != nil {
		return false, err
	}
	e.connect()
	defer w.Stop()
	if streaming {
		if err := e.begin(); err != nil {
			return false, err
		}
	}
	progressed, err := e.consume(ctx, w, streaming)
	if errors.Is(err, errFallBack) {
		w.Stop()
		p, err := e.attempt(ctx)
		return progressed || p, err
	}
	return progressed, err
}

// pagedList lists in pages of 500, delivering the difference from what
// was delivered.
func (e *engine[T]) pagedList(ctx context.Context) error {
	o := metav1.ListOptions{LabelSelector: e.opts.LabelSelector, FieldSelector: e.opts.FieldSelector, Limit: 500,
		ShardSelector: e.shard.wire}
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
		rv = cmp.Or(rv, listRV)
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
		if obj, ok := ev.Object.(T); ok {
			return e.object(ev.Type, obj, *listing)
		}
		return false, fmt.Errorf("%s: a %s event carries a %T", e.opts.What, ev.Type, ev.Object)
	}
	return false, fmt.Errorf("%s: unknown watch event type %q", e.opts.What, ev.Type)
}

// object delivers one object if it is new to the consumer. Every object
// enters the engine here.
func (e *engine[T]) object(t watch.EventType, obj T, listing bool) (bool, error) {
	t, drop := e.shardFilter(t, obj, listing)
	if drop {
		return false, nil
	}
	if listing {
		t = e.rec.listed(obj)
		e.report.relistItems++
	} else if e.rec.fresh(t, obj) {
		e.rv = obj.GetResourceVersion()
	} else {
		t = ""
	}
	if t == "" {
		return false, nil
	}
	return true, e.send(Event[T]{Type: t, Object: obj, Listed: listing})
}

// bookmark moves the resourceVersion on; in a streaming list's initial
// state only the initial-events-end bookmark counts (it ends the list).
func (e *engine[T]) bookmark(ev watch.Event, listing *bool) (bool, error) {
	m, err := meta.Accessor(ev.Object)
	if err != nil {
		return false, fmt.Errorf("%s: a BOOKMARK event carries a %T", e.opts.What, ev.Object)
	}
	rv := m.GetResourceVersion()
	switch {
	case *listing && m.GetAnnotations()[InitialEventsEndAnnotation] == "true":
		*listing = false
		return true, e.end(rv)
	case *listing, rv == "", rv == e.rv:
		return false, nil // the initial state's progress bookmarks carry no usable resourceVersion
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
	e.reportRelist()
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
