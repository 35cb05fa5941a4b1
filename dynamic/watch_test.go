package dynamic

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
)

// TestWatchEventBound: an event larger than Options.MaxWatchEventBytes
// ends the watch with an ERROR event saying so; smaller ones pass.
func TestWatchEventBound(t *testing.T) {
	small := `{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"1"}}}`
	big := `{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","resourceVersion":"2"},"data":{"x":"` +
		strings.Repeat("y", 1<<20) + `"}}}`
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, small+"\n"+big+"\n")
	}))
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(rc, Options{MaxWatchEventBytes: 64 << 10})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := c.Resource(pods).Namespace("ns").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var got []string
	for ev := range w.ResultChan() {
		if ev.Type == watch.Error {
			got = append(got, "ERROR "+ev.Object.(*metav1.Status).Message)
			continue
		}
		got = append(got, string(ev.Type))
	}
	if len(got) != 2 || got[0] != "ADDED" || !strings.Contains(got[1], "larger than 65536 bytes (Options.MaxWatchEventBytes)") {
		t.Errorf("events %q, want ADDED then an ERROR naming the bound", got)
	}
}
