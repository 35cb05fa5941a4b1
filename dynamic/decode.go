package dynamic

import (
	"encoding/json"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// The wire format: every body this package reads is decoded here by its
// Content-Type, CBOR or JSON, with package unstructured's single-pass
// decoders (which build the same trees); bodies are written as JSON by
// encode, or as CBOR (see wire.go).

// decodeObject reads one object sent as contentType, declaring length
// bytes (-1: unknown). A single object is read whole and decoded in place:
// the streaming decoders' read buffer and intern tables, which pay on lists
// and watches, would cost several times the object (about 77 KB for a
// ConfigMap's answer). rest bounds what the body may hold.
func decodeObject(contentType string, length int64, r io.Reader) (*unstructured.Unstructured, error) {
	doc, err := readBody(r, length)
	if err != nil {
		return nil, err
	}
	if rest.IsCBOR(contentType) {
		return kdu.DecodeCBORObjectBytes(doc)
	}
	obj, _, err := kdu.DecodeObjectBytes(doc)
	return obj, err
}

// maxBodyPrealloc caps what a declared length makes readBody allocate
// before the bytes arrive: memory grows with what was really sent.
const maxBodyPrealloc = 64 << 10

// readBody reads r to its end into one buffer, sized by the declared
// length (up to maxBodyPrealloc) so that a body that declares its length
// is read with one allocation.
func readBody(r io.Reader, length int64) ([]byte, error) {
	b := make([]byte, 0, min(max(length+1, 512), maxBodyPrealloc)) // +1: the read that sees the end
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// decodeList reads one whole list sent as contentType into memory (package
// unstructured's DecodeListFunc is the form that hands over items as they
// are decoded).
func decodeList(contentType string, r io.Reader) (*unstructured.UnstructuredList, error) {
	if rest.IsCBOR(contentType) {
		return kdu.DecodeCBORList(r)
	}
	return kdu.DecodeList(r)
}

// encode writes obj as JSON.
func encode(obj *unstructured.Unstructured) ([]byte, error) {
	return kdu.Marshal(obj)
}

// newEventReader returns a function that reads the next event of a watch
// stream sent as contentType (application/cbor-seq or JSON) in one pass:
// io.EOF at a clean end. ERROR events carry a *metav1.Status, others an
// *unstructured.Unstructured.
func newEventReader(contentType string, r io.Reader) func() (watch.Event, error) {
	next := kdu.NewDecoder(r).NextEventObject
	if rest.IsCBOR(contentType) {
		next = kdu.NewCBORDecoder(r).NextEventObject
	}
	return func() (watch.Event, error) {
		typ, obj, err := next()
		if err != nil {
			return watch.Event{}, err
		}
		return eventOf(typ, func() (runtime.Object, error) { return obj, nil }, func(st *metav1.Status) error {
			return runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, st)
		})
	}
}

// newCompactEventReader is newEventReader building the objects of ADDED,
// MODIFIED and DELETED events with b: from the JSON wire in one pass, from
// CBOR's trees.
func newCompactEventReader(contentType string, r io.Reader, b *compact.Builder) func() (watch.Event, error) {
	if rest.IsCBOR(contentType) {
		next := newEventReader(contentType, r)
		return func() (watch.Event, error) {
			ev, err := next()
			if u, ok := ev.Object.(*unstructured.Unstructured); ok && err == nil && ev.Type != watch.Bookmark {
				if ev.Object, err = b.FromUnstructured(u); err != nil {
					return watch.Event{}, fmt.Errorf("%s event: %w", ev.Type, err)
				}
			}
			return ev, err
		}
	}
	d := kdu.NewDecoder(r)
	return func() (watch.Event, error) {
		typ, obj, tree, err := d.NextEventCompact(b)
		if err != nil {
			return watch.Event{}, err
		}
		return eventOf(typ, func() (runtime.Object, error) {
			if obj != nil {
				return obj, nil
			}
			return tree, nil
		}, func(st *metav1.Status) error {
			return runtime.DefaultUnstructuredConverter.FromUnstructured(tree.Object, st)
		})
	}
}

// newEventReaderOf is newEventReader with objects decoded from their raw
// JSON by decode (for views such as PartialObjectMetadata).
func newEventReaderOf(r io.Reader, decode func([]byte) (runtime.Object, error)) func() (watch.Event, error) {
	dec := kdu.NewDecoder(r)
	return func() (watch.Event, error) {
		typ, raw, err := dec.NextEvent()
		if err != nil {
			return watch.Event{}, err
		}
		return eventOf(typ, func() (runtime.Object, error) { return decode(raw) }, func(st *metav1.Status) error {
			if err := json.Unmarshal(raw, st); err != nil {
				return fmt.Errorf("%w (object %q)", err, rest.Snippet(raw, 200))
			}
			return nil
		})
	}
}

// eventOf makes the event of type typ: its object from obj, or for ERROR
// a Status from status.
func eventOf(typ string, obj func() (runtime.Object, error), status func(*metav1.Status) error) (watch.Event, error) {
	switch t := watch.EventType(typ); t {
	case watch.Added, watch.Modified, watch.Deleted, watch.Bookmark:
		o, err := obj()
		if err != nil {
			return watch.Event{}, fmt.Errorf("%s event: %w", t, err)
		}
		return watch.Event{Type: t, Object: o}, nil
	case watch.Error:
		st := &metav1.Status{}
		if err := status(st); err != nil {
			return watch.Event{}, fmt.Errorf("ERROR event without a Status: %w", err)
		}
		return watch.Event{Type: watch.Error, Object: st}, nil
	}
	return watch.Event{}, fmt.Errorf("unknown watch event type %q", typ)
}
