package memserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// watcher is one open watch: the store pushes every event of its
// group-resource; the watch handler filters and writes them.
type watcher struct {
	gr     schema.GroupResource
	notify chan struct{} // one pending wake-up
	done   chan struct{} // closed by stop

	mu      sync.Mutex // guards queue and stopped
	queue   []event
	stopped bool
}

func newWatcher(gr schema.GroupResource) *watcher {
	return &watcher{gr: gr, notify: make(chan struct{}, 1), done: make(chan struct{})}
}

// push queues ev without blocking the writer.
func (w *watcher) push(ev event) {
	w.mu.Lock()
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// take returns and clears the queue.
func (w *watcher) take() []event {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.queue
	w.queue = nil
	return q
}

// stop ends the watch; the handler closes the stream.
func (w *watcher) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.stopped = true
		close(w.done)
	}
}

// stopAllWatchers ends every open watch (a fault, and Close).
func (s *store) stopAllWatchers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for w := range s.watchers {
		w.stop()
		delete(s.watchers, w)
	}
}

func (s *store) removeWatcher(w *watcher) {
	s.mu.Lock()
	delete(s.watchers, w)
	s.mu.Unlock()
	w.stop()
}

// watchEvent is one line of the watch stream.
type watchEvent struct {
	Type   watch.EventType `json:"type"`
	Object json.RawMessage `json:"object"`
}

// watch answers GET ?watch=true on a collection.
func (c *call) watch() error {
	o, err := c.parseListOptions(true)
	if err != nil {
		return err
	}
	v, err := c.view()
	if err != nil {
		return err
	}
	st := c.s.store
	w := newWatcher(c.gr())
	st.mu.Lock()
	initial, replay, startRV, startErr := c.watchStartLocked(o)
	if startErr == nil {
		st.watchers[w] = struct{}{}
	}
	st.mu.Unlock()
	defer st.removeWatcher(w)
	ws := &watchStream{c: c, m: matcher{labels: o.labels, fields: o.fields, res: c.res}, table: v == viewTable, meta: v == viewMeta}
	c.flushWarnings()
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Transfer-Encoding", "chunked")
	c.w.WriteHeader(http.StatusOK)
	if startErr != nil {
		st := statusOf(startErr)
		b, _ := json.Marshal(st)
		ws.write(watch.Error, b)
		return nil
	}
	for _, e := range initial {
		ws.send(event{typ: watch.Added, key: e.key, obj: e.obj, rv: startRV})
	}
	if o.initial != nil && *o.initial && o.bookmark {
		ws.bookmark(startRV, true)
	}
	for _, ev := range replay {
		ws.send(ev)
	}
	ws.flush()
	ws.lastRV = startRV
	if n := len(replay); n > 0 {
		ws.lastRV = replay[n-1].rv
	}
	return ws.loop(w, o)
}

// watchStartLocked decides what a new watch sees first: the current
// objects as ADDED events (no resourceVersion, "0", or sendInitialEvents),
// or the events after the resourceVersion asked for.
func (c *call) watchStartLocked(o *listOpts) (initial []kv, replay []event, rv uint64, err error) {
	st := c.s.store
	sendInitial := o.initial != nil && *o.initial
	if (o.rvSet == "" || o.rvSet == "0") && (o.initial == nil || sendInitial) || sendInitial {
		snap, err := st.snapshotLocked(c.gr(), c.ns, 0)
		return snap, nil, st.readRVLocked(), err
	}
	if o.rvSet == "" || o.rvSet == "0" {
		return nil, nil, st.rv, nil
	}
	evs, err := st.eventsAfterLocked(c.gr(), o.rv)
	return nil, evs, o.rv, err
}

// watchStream writes filtered events of one watch.
type watchStream struct {
	c     *call
	m     matcher
	table bool
	meta  bool
	// headersSent: Table events after the first carry no column
	// definitions, as kube-apiserver's watch encoder sends them.
	headersSent bool
	lastRV      uint64
}

func (ws *watchStream) write(typ watch.EventType, obj []byte) {
	b, _ := json.Marshal(watchEvent{Type: typ, Object: obj})
	b = append(b, '\n')
	_, _ = ws.c.w.Write(b)
}

func (ws *watchStream) flush() {
	if f, ok := ws.c.w.(http.Flusher); ok {
		f.Flush()
	}
}

// send writes ev if it concerns this watch, turning selector transitions
// into ADDED and DELETED as the watch cache does.
func (ws *watchStream) send(ev event) {
	if ws.c.ns != "" && ev.key.ns != ws.c.ns {
		return
	}
	typ := ev.typ
	objRaw := ev.obj
	if !ws.m.everything() {
		newOK := ws.m.matches(mustDecode(ev.obj))
		oldOK := ev.prev != nil && ws.m.matches(mustDecode(ev.prev))
		switch {
		case typ == watch.Deleted:
			if !oldOK && !newOK {
				return
			}
		case typ == watch.Added && !newOK:
			return
		case typ == watch.Modified && !oldOK && !newOK:
			return
		case typ == watch.Modified && !oldOK:
			typ = watch.Added
		case typ == watch.Modified && !newOK:
			// The watch cache sends the previous content (which matched)
			// at the event's resourceVersion.
			typ = watch.Deleted
			prev := mustDecode(ev.prev)
			setMeta(prev, "resourceVersion", strconv.FormatUint(ev.rv, 10))
			objRaw = mustEncode(prev)
		}
	}
	obj := ws.c.present(objRaw)
	if ws.meta {
		obj = partialMeta(obj)
	}
	if ws.table {
		obj = ws.c.tableEvent(obj, ws.headersSent)
		ws.headersSent = true
	}
	ws.write(typ, obj)
}

// bookmark writes a BOOKMARK at rv, marking the end of initial events when
// asked.
func (ws *watchStream) bookmark(rv uint64, initialEnd bool) {
	md := metav1.ObjectMeta{ResourceVersion: strconv.FormatUint(rv, 10)}
	if initialEnd {
		md.Annotations = map[string]string{metav1.InitialEventsAnnotationKey: "true"}
	}
	b, _ := json.Marshal(map[string]any{"kind": ws.c.res.kind, "apiVersion": ws.c.res.gvr.GroupVersion().String(), "metadata": md})
	ws.write(watch.Bookmark, b)
}

// loop streams live events until the client leaves, the timeout passes or
// the watch is cut.
func (ws *watchStream) loop(w *watcher, o *listOpts) error {
	var timeout <-chan time.Time
	if o.timeout > 0 {
		t := time.NewTimer(time.Duration(o.timeout) * time.Second)
		defer t.Stop()
		timeout = t.C
	}
	var bookmarks <-chan time.Time
	if o.bookmark {
		t := time.NewTicker(ws.c.s.opts.BookmarkInterval)
		defer t.Stop()
		bookmarks = t.C
	}
	ctx := ws.c.r.Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.done:
			ws.drain(w) // events committed before the cut still go out
			return nil
		case <-timeout:
			return nil
		case <-bookmarks:
			ws.c.s.store.mu.RLock()
			rv := ws.c.s.store.rv
			ws.c.s.store.mu.RUnlock()
			ws.bookmark(max(rv, ws.lastRV), false)
			ws.flush()
		case <-w.notify:
			ws.drain(w)
		}
	}
}

// drain writes the queued events.
func (ws *watchStream) drain(w *watcher) {
	for _, ev := range w.take() {
		if ev.rv <= ws.lastRV {
			continue
		}
		ws.send(ev)
		ws.lastRV = ev.rv
	}
	ws.flush()
}
