package dynamic

import (
	"bytes"
	"errors"
	"io"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// FuzzWatchStream reads arbitrary bytes as a watch stream, bounded per
// event, with the full-object readers (JSON and cbor-seq) and the metadata
// reader: no panic, every
// event is of a known type with the object its type promises, and the
// reading ends (io.EOF or an error) without looping.
func FuzzWatchStream(f *testing.F) {
	f.Add([]byte(`{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"1"}}}` + "\n" +
		`{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","code":410,"reason":"Expired"}}`))
	f.Add([]byte(`{"type":"BOOKMARK","object":{"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata","metadata":{"resourceVersion":"9"}}}garbage`))
	f.Add([]byte(`{"type":"MODIFIED","object":{"kind":"X","apiVersion":"v1","data":"` + string(bytes.Repeat([]byte("y"), 600)) + `"}}`))
	meta := viewEvents[metav1.PartialObjectMetadata]("PartialObjectMetadata")
	f.Fuzz(func(t *testing.T, data []byte) {
		readers := []struct {
			contentType string
			newReader   func(string, io.Reader) func() (watch.Event, error)
		}{{"application/json", newEventReader}, {"application/cbor-seq", newEventReader}, {"application/json", meta}}
		for _, rd := range readers {
			body := &eventBody{r: bytes.NewReader(data), max: 512}
			next := rd.newReader(rd.contentType, body)
			for n := 0; ; n++ {
				body.n = 0
				if n > len(data) {
					t.Fatalf("%d events from %d bytes", n, len(data))
				}
				ev, err := next()
				if errors.Is(err, io.EOF) || err != nil {
					break
				}
				switch ev.Type {
				case watch.Error:
					if _, ok := ev.Object.(*metav1.Status); !ok {
						t.Fatalf("ERROR event with a %T", ev.Object)
					}
				case watch.Added, watch.Modified, watch.Deleted, watch.Bookmark:
					switch ev.Object.(type) {
					case *unstructured.Unstructured, *metav1.PartialObjectMetadata:
					default:
						t.Fatalf("%s event with a %T", ev.Type, ev.Object)
					}
				default:
					t.Fatalf("event of type %q", ev.Type)
				}
			}
		}
	})
}
