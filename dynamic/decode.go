package dynamic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
)

// The wire format: every body this package reads or writes is JSON decoded
// and encoded here, so the codec can change in one place.

// decodeObject reads one object.
func decodeObject(r io.Reader) (*unstructured.Unstructured, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("%w (body %q)", err, rest.Snippet(data, 200))
	}
	return obj, nil
}

// decodeList reads one list.
func decodeList(r io.Reader) (*unstructured.UnstructuredList, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	list := &unstructured.UnstructuredList{}
	if err := list.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("%w (body %q)", err, rest.Snippet(data, 200))
	}
	return list, nil
}

// encode writes obj as JSON.
func encode(obj *unstructured.Unstructured) ([]byte, error) {
	var buf bytes.Buffer
	if err := unstructured.UnstructuredJSONScheme.Encode(obj, &buf); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// newEventReader returns a function that reads the next event of a watch
// stream: io.EOF at a clean end. ERROR events carry a *metav1.Status,
// others an *unstructured.Unstructured.
func newEventReader(r io.Reader) func() (watch.Event, error) {
	return newEventReaderOf(r, func(raw []byte) (runtime.Object, error) { return decodeObject(bytes.NewReader(raw)) })
}

// newEventReaderOf is newEventReader with objects decoded by decode.
func newEventReaderOf(r io.Reader, decode func([]byte) (runtime.Object, error)) func() (watch.Event, error) {
	dec := json.NewDecoder(r)
	return func() (watch.Event, error) {
		var raw struct {
			Type   watch.EventType `json:"type"`
			Object json.RawMessage `json:"object"`
		}
		if err := dec.Decode(&raw); err != nil {
			if err == io.EOF {
				return watch.Event{}, io.EOF
			}
			return watch.Event{}, err
		}
		switch raw.Type {
		case watch.Added, watch.Modified, watch.Deleted, watch.Bookmark:
			obj, err := decode(raw.Object)
			if err != nil {
				return watch.Event{}, fmt.Errorf("%s event: %w", raw.Type, err)
			}
			return watch.Event{Type: raw.Type, Object: obj}, nil
		case watch.Error:
			status := &metav1.Status{}
			if err := json.Unmarshal(raw.Object, status); err != nil {
				return watch.Event{}, fmt.Errorf("ERROR event: %w (object %q)", err, rest.Snippet(raw.Object, 200))
			}
			return watch.Event{Type: watch.Error, Object: status}, nil
		default:
			return watch.Event{}, fmt.Errorf("unknown watch event type %q", raw.Type)
		}
	}
}
