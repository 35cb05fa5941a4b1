package dynamic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// Watch starts a watch of the objects opts selects (opts.Watch is set for
// you) and returns it once the server has accepted it. Events carry
// *unstructured.Unstructured objects (bookmarks too, with only
// metadata.resourceVersion and annotations set) except ERROR events, which
// carry the server's *metav1.Status: an expired resourceVersion arrives as
// an ERROR event with code 410 and reason Expired, which
// apierrors.IsResourceExpired(apierrors.FromObject(ev.Object)) recognises.
// The result channel closes when the server ends the watch (its timeout,
// a dropped connection), when ctx ends, or after Stop.
func (h *ResourceHandle) Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	opts.Watch = true
	return h.watch(ctx, call{verb: "watch", method: http.MethodGet, query: listQuery(opts)}, newEventReader)
}

// WatchCompact is Watch with the object of each ADDED, MODIFIED and DELETED
// event decoded straight from the wire into a *compact.Object keeping what
// plan says and sharing t's strings, never built as a tree: what a compact
// cache (the informer's default store) keeps. BOOKMARK and ERROR events
// are as Watch's. A CBOR stream is decoded into trees, then built.
func (h *ResourceHandle) WatchCompact(ctx context.Context, opts metav1.ListOptions, t *compact.Table, plan *compact.Plan) (watch.Interface, error) {
	opts.Watch = true
	return h.watch(ctx, call{verb: "watch", method: http.MethodGet, query: listQuery(opts)}, func(contentType string, r io.Reader) func() (watch.Event, error) {
		return newCompactEventReader(contentType, r, compact.NewBuilder(t, plan))
	})
}

// WatchMetadata is Watch with only the objects' metadata: events carry
// *metav1.PartialObjectMetadata (ERROR events still *metav1.Status).
func (h *ResourceHandle) WatchMetadata(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	opts.Watch = true
	c := call{verb: "watch metadata", method: http.MethodGet, query: listQuery(opts), accept: acceptMetadata}
	return h.watch(ctx, c, viewEvents[metav1.PartialObjectMetadata]("PartialObjectMetadata"))
}

// WatchTable is Watch with each event's object rendered by the server as a
// *metav1.Table of one row (the columns kubectl get -w prints). The first
// event's Table carries the ColumnDefinitions, later ones none. Bookmarks
// are Tables too: their row's object is a PartialObjectMetadata holding the
// resourceVersion (and the initial-events-end annotation). ERROR events
// carry a *metav1.Status.
func (h *ResourceHandle) WatchTable(ctx context.Context, opts metav1.ListOptions, tableOpts metav1.TableOptions) (watch.Interface, error) {
	opts.Watch = true
	q := listQuery(opts)
	addIncludeObject(q, tableOpts)
	c := call{verb: "watch table", method: http.MethodGet, query: q, accept: acceptTable}
	return h.watch(ctx, c, viewEvents[metav1.Table]("Table"))
}

// viewEvents returns a watch event reader whose objects are meta.k8s.io
// views of kind want, decoded into *T.
func viewEvents[T any, PT interface {
	*T
	runtime.Object
}](want string) func(string, io.Reader) func() (watch.Event, error) {
	return func(_ string, r io.Reader) func() (watch.Event, error) {
		return newEventReaderOf(r, func(raw []byte) (runtime.Object, error) {
			v := PT(new(T))
			if err := json.Unmarshal(raw, v); err != nil {
				return nil, err
			}
			if gvk := v.GetObjectKind().GroupVersionKind(); gvk.Kind != want || gvk.GroupVersion().String() != "meta.k8s.io/v1" {
				return nil, fmt.Errorf("the server sent %s %s, not meta.k8s.io/v1 %s (it cannot render this view)", gvk.GroupVersion(), gvk.Kind, want)
			}
			return v, nil
		})
	}
}

// watch starts the watch c and reads its events with the reader newReader
// makes for the stream's Content-Type, each event bounded by the client's
// MaxWatchEventBytes.
func (h *ResourceHandle) watch(ctx context.Context, c call, newReader func(contentType string, r io.Reader) func() (watch.Event, error)) (watch.Interface, error) {
	ctx, cancel := context.WithCancel(ctx)
	resp, err := h.send(ctx, c)
	if err != nil {
		cancel()
		return nil, err
	}
	w := &chanWatch{out: make(chan watch.Event), stop: cancel}
	body := &eventBody{r: resp.Body, max: h.c.maxEvent}
	go w.stream(ctx, resp.Body, body, newReader(resp.Header.Get("Content-Type"), body), h.what(c))
	return w, nil
}

// chanWatch is a watch.Interface fed by one goroutine until its context
// ends; Stop cancels it. It is safe to call Stop more than once and from
// any goroutine.
type chanWatch struct {
	out  chan watch.Event
	stop context.CancelFunc
}

// Stop ends the watch.
func (w *chanWatch) Stop() { w.stop() }

// ResultChan returns the events; it is closed when the watch ends.
func (w *chanWatch) ResultChan() <-chan watch.Event { return w.out }

// send delivers ev; false when the watch was stopped.
func (w *chanWatch) send(ctx context.Context, ev watch.Event) bool {
	select {
	case w.out <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

// stream delivers the events next reads from the response body rc until
// the stream ends. A stream that carries what cannot be decoded, or an
// event larger than the bound, ends with one ERROR event naming it; a
// clean end of stream, a failed connection (reset, or dropped after
// unanswered HTTP/2 pings), Stop and ctx's end close the channel without
// one, as client-go's watchers do. Stop closes the stream at once.
func (w *chanWatch) stream(ctx context.Context, rc io.Closer, body *eventBody, next func() (watch.Event, error), what string) {
	defer close(w.out)
	defer w.stop()
	defer rc.Close()
	defer context.AfterFunc(ctx, func() { rc.Close() })()
	for {
		body.n = 0
		ev, err := next()
		if err != nil {
			if errors.Is(err, io.EOF) || body.rerr != nil || ctx.Err() != nil {
				return
			}
			status := apierrors.NewInternalError(fmt.Errorf("%s: decode the watch stream: %w", what, err)).Status()
			ev = watch.Event{Type: watch.Error, Object: &status}
		}
		if !w.send(ctx, ev) || err != nil {
			return
		}
	}
}

// eventBody reads a watch stream, failing once more than max bytes were
// read for one event (n is reset before each; the decoder's read-ahead
// makes the bound approximate, by its buffer), and keeping the first error
// of the connection itself.
type eventBody struct {
	r    io.Reader
	n    int64
	max  int64 // <= 0: no bound
	rerr error // a read error other than io.EOF: the connection failed
}

func (b *eventBody) Read(p []byte) (int, error) {
	if b.max > 0 && b.n > b.max {
		return 0, fmt.Errorf("a watch event larger than %d bytes (Options.MaxWatchEventBytes)", b.max)
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && b.rerr == nil {
		b.rerr = err
	}
	return n, err
}
