package dynamic

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
)

// TestStreamingListFallsBack checks that a server refusing sendInitialEvents
// (as servers before WatchList do, answering 422 to resourceVersionMatch on
// a watch) gets a List, then a watch from its resourceVersion, and no wait
// for a bookmark that never comes.
func TestStreamingListFallsBack(t *testing.T) {
	var requests []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		requests = append(requests, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case q.Get("sendInitialEvents") == "true":
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","code":422,"message":"resourceVersionMatch is forbidden for watch"}`)
		case q.Get("watch") == "true":
			if q.Get("resourceVersion") != "5" {
				t.Errorf("watch from resourceVersion %q, want the list's 5", q.Get("resourceVersion"))
			}
			io.WriteString(w, `{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"ns","resourceVersion":"6"}}}`+"\n")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		default:
			io.WriteString(w, `{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"a","namespace":"ns","resourceVersion":"4"}}]}`)
		}
	}))
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(rc, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := c.Resource(pods).Namespace("ns").WatchResumable(ctx, metav1.ListOptions{}, ResumeOptions{StreamingList: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var got []string
	for len(got) < 3 {
		select {
		case ev := <-w.ResultChan():
			obj := ev.Object.(*unstructured.Unstructured)
			s := string(ev.Type) + " " + obj.GetName()
			if ev.Type == watch.Bookmark {
				s += fmt.Sprint(obj.GetAnnotations(), "@", obj.GetResourceVersion())
			}
			got = append(got, s)
		case <-ctx.Done():
			t.Fatalf("timed out after %v; requests %q", got, requests)
		}
	}
	want := []string{"ADDED a", "BOOKMARK map[k8s.io/initial-events-end:true]@5", "ADDED b"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}
