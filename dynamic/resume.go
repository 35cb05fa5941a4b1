package dynamic

import (
	"context"
	"errors"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
)

// Annotations on the BOOKMARK events a resumable watch emits itself.
const (
	// InitialEventsEndAnnotation marks the bookmark that follows the initial
	// state (the server's own, for a streaming list, or one made after a
	// List), as the API server marks it: the consumer's view is complete.
	InitialEventsEndAnnotation = listwatch.InitialEventsEndAnnotation
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
	// it (before WatchList, resourceVersionMatch on a watch is invalid), or
	// does not send the bookmark within InitialEventsTimeout, gets a List
	// instead.
	StreamingList bool
	// InitialEventsTimeout bounds the wait for the initial-events-end
	// bookmark (default 60s).
	InitialEventsTimeout time.Duration
	// MaxBackoff caps the wait between reconnection attempts (default 10s;
	// the first wait is 100ms, doubling, with jitter).
	MaxBackoff time.Duration
}

// WatchResumable watches the objects opts selects (its selectors and
// resourceVersion) and survives what ends a plain watch: dropped or hung
// connections and the server's watch timeouts are resumed from the last
// resourceVersion seen (bookmarks are asked for, to keep it fresh), so
// while that resourceVersion is valid no event is lost, duplicated or
// reordered. An event already delivered (an object at a resourceVersion
// already seen) is never delivered again.
//
// When it is no longer valid (410 Expired) the watch lists the collection
// again, emits a BOOKMARK annotated with [RelistAnnotation], then ADDED,
// MODIFIED and DELETED events for what changed between the objects it had
// delivered and the new list, and goes on watching from the list's
// resourceVersion: a consumer that applies every event ends with the
// server's view.
//
// With opts.ResourceVersion "" the watch starts with the current state: an
// ADDED event per object, then a BOOKMARK annotated with
// [InitialEventsEndAnnotation]. Otherwise it starts at opts.ResourceVersion,
// with ro.Known as what the consumer holds.
//
// Failures a retry may mend (a 5xx, an ERROR event with such a code, a
// stream that cannot be decoded) arrive as ERROR events carrying a Status
// that names them, and the watch goes on after a jittered backoff, as it
// does after any reconnect that made no progress. Refusals (401, 403, 404
// — the resource is gone —, 400, 405, 422) end the watch with a last ERROR
// event, after which the channel closes; before the first request has
// succeeded, WatchResumable returns the error itself. The watch ends when
// ctx ends or Stop is called.
func (h *ResourceHandle) WatchResumable(ctx context.Context, opts metav1.ListOptions, ro ResumeOptions) (watch.Interface, error) {
	w := &chanWatch{out: make(chan watch.Event)}
	ctx, w.stop = context.WithCancel(ctx)
	var kind [2]string // apiVersion and kind of the engine's bookmarks, from the lists
	ready := make(chan error, 1)
	var once sync.Once
	lo := listwatch.Options[*unstructured.Unstructured]{
		LabelSelector: opts.LabelSelector, FieldSelector: opts.FieldSelector,
		ResourceVersion: opts.ResourceVersion, StreamingList: ro.StreamingList,
		InitialEventsTimeout: ro.InitialEventsTimeout, MaxBackoff: ro.MaxBackoff,
		FailFirst: true, What: h.what(call{verb: "watch"}),
		Report: h.Observe, Resource: h.gvr, Namespace: h.ns,
		Observe: func(n listwatch.Note) {
			if n.Kind == listwatch.NoteConnected {
				once.Do(func() { ready <- nil })
			}
		},
	}
	if opts.ResourceVersion != "" {
		for i := range ro.Known {
			lo.Known = append(lo.Known, &ro.Known[i])
		}
	}
	go func() {
		defer close(w.out)
		defer w.stop()
		err := listwatch.Run(ctx, h.source(&kind), lo, func(ev listwatch.Event[*unstructured.Unstructured]) bool {
			return w.send(ctx, resumed(ev, kind))
		})
		once.Do(func() { ready <- err })
	}()
	if err := <-ready; err != nil {
		w.stop()
		return nil, err
	}
	return w, nil
}

// source lists and watches h as unstructured objects; the lists' kind is
// recorded in kind, for the bookmarks the engine makes.
func (h *ResourceHandle) source(kind *[2]string) listwatch.Source[*unstructured.Unstructured] {
	return listwatch.UnstructuredSource(func(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
		l, err := h.List(ctx, opts)
		if err == nil {
			kind[0], kind[1] = l.GetAPIVersion(), trimList(l.GetKind())
		}
		return l, err
	}, h.Watch)
}

// resumed turns an engine event into a watch event: a Status for an
// error, a bookmark of the list's kind for the engine's marks.
func resumed(ev listwatch.Event[*unstructured.Unstructured], kind [2]string) watch.Event {
	switch {
	case ev.Type == watch.Error:
		var st apierrors.APIStatus
		status := apierrors.NewInternalError(ev.Err).Status()
		if errors.As(ev.Err, &st) {
			status = st.Status()
		}
		return watch.Event{Type: ev.Type, Object: &status}
	case ev.Type != watch.Bookmark || ev.Mark == listwatch.MarkNone:
		return watch.Event{Type: ev.Type, Object: ev.Object}
	}
	m := &unstructured.Unstructured{Object: map[string]any{}}
	m.SetAPIVersion(kind[0])
	m.SetKind(kind[1])
	m.SetResourceVersion(ev.ResourceVersion)
	switch {
	case ev.Mark == listwatch.MarkRelist:
		m.SetAnnotations(map[string]string{RelistAnnotation: "true"})
	case ev.Initial:
		m.SetAnnotations(map[string]string{InitialEventsEndAnnotation: "true"})
	}
	return watch.Event{Type: watch.Bookmark, Object: m}
}

// trimList turns a list kind into its item kind: "PodList" → "Pod".
func trimList(kind string) string {
	if len(kind) > 4 && kind[len(kind)-4:] == "List" {
		return kind[:len(kind)-4]
	}
	return kind
}
