package dynamic

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/rest"
	kdu "github.com/kubedyn/kubedyn/unstructured"
)

// TestCBORBodyFallback: with WireCBOR, a create after a CBOR answer goes
// as CBOR; the server's 415 makes it go again as JSON, and every later
// create goes as JSON at once. Answers are read by their Content-Type.
func TestCBORBodyFallback(t *testing.T) {
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "a", "namespace": "ns"}}
	var mu sync.Mutex
	var sent []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", rest.MediaTypeCBOR)
			b, _ := kdu.MarshalCBOR(&unstructured.Unstructured{Object: cm})
			w.Write(b)
			return
		}
		mu.Lock()
		sent = append(sent, r.Header.Get("Content-Type"))
		mu.Unlock()
		if r.Header.Get("Content-Type") == rest.MediaTypeCBOR {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnsupportedMediaType)
			io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"UnsupportedMediaType","code":415}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"}}`)
	}))
	defer srv.Close()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(rc, Options{Wire: WireCBOR})
	h := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace("ns")
	ctx := context.Background()
	got, err := h.Get(ctx, "a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cm, got.Object); diff != "" {
		t.Errorf("CBOR get (-want +got):\n%s", diff)
	}
	for range 2 {
		if _, err := h.Create(ctx, &unstructured.Unstructured{Object: cm}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{rest.MediaTypeCBOR, "application/json", "application/json"}
	if diff := cmp.Diff(want, sent); diff != "" {
		t.Errorf("Content-Types of the creates (-want +got):\n%s", diff)
	}
}
