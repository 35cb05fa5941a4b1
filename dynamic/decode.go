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
)

// The wire format: every body this package reads or writes is JSON decoded
// and encoded here, with package unstructured's single-pass decoder and
// encoder (equal to apimachinery's UnstructuredJSONScheme, several times
// faster).

// decodeObject reads one object.
func decodeObject(r io.Reader) (*unstructured.Unstructured, error) {
	return kdu.DecodeObject(r)
}

// decodeList reads one whole list into memory (package unstructured's
// DecodeListFunc is the form that hands over items as they are decoded).
func decodeList(r io.Reader) (*unstructured.UnstructuredList, error) {
	return kdu.DecodeList(r)
}

// encode writes obj as JSON.
func encode(obj *unstructured.Unstructured) ([]byte, error) {
	return kdu.Marshal(obj)
}

// newEventReader returns a function that reads the next event of a watch
// stream in one pass: io.EOF at a clean end. ERROR events carry a
// *metav1.Status, others an *unstructured.Unstructured.
func newEventReader(r io.Reader) func() (watch.Event, error) {
	dec := kdu.NewDecoder(r)
	return func() (watch.Event, error) {
		typ, obj, err := dec.NextEventObject()
		if err != nil {
			return watch.Event{}, err
		}
		switch t := watch.EventType(typ); t {
		case watch.Added, watch.Modified, watch.Deleted, watch.Bookmark:
			return watch.Event{Type: t, Object: obj}, nil
		case watch.Error:
			status := &metav1.Status{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, status); err != nil {
				return watch.Event{}, fmt.Errorf("ERROR event without a Status: %w", err)
			}
			return watch.Event{Type: watch.Error, Object: status}, nil
		default:
			return watch.Event{}, fmt.Errorf("unknown watch event type %q", typ)
		}
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
		switch t := watch.EventType(typ); t {
		case watch.Added, watch.Modified, watch.Deleted, watch.Bookmark:
			obj, err := decode(raw)
			if err != nil {
				return watch.Event{}, fmt.Errorf("%s event: %w", t, err)
			}
			return watch.Event{Type: t, Object: obj}, nil
		case watch.Error:
			status := &metav1.Status{}
			if err := json.Unmarshal(raw, status); err != nil {
				return watch.Event{}, fmt.Errorf("ERROR event: %w (object %q)", err, rest.Snippet(raw, 200))
			}
			return watch.Event{Type: watch.Error, Object: status}, nil
		default:
			return watch.Event{}, fmt.Errorf("unknown watch event type %q", typ)
		}
	}
}
