package rest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/unstructured"
)

// cborServer answers GETs in CBOR when asked (as kube-apiserver with the
// CBORServingAndStorage gate does), and writes with the status takesCBOR
// decides for CBOR bodies; it records the Content-Type of every write.
type cborServer struct {
	mu        sync.Mutex
	writes    []string
	takesCBOR bool
}

func (s *cborServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		if strings.Contains(r.Header.Get("Accept"), MediaTypeCBOR) {
			w.Header().Set("Content-Type", MediaTypeCBOR)
			b, _ := unstructured.MarshalCBOR(&k8su.Unstructured{Object: map[string]any{"kind": "ConfigMap", "apiVersion": "v1"}})
			w.Write(b)
			return
		}
		w.Header().Set("Content-Type", MediaTypeJSON)
		io.WriteString(w, `{"kind":"ConfigMap","apiVersion":"v1"}`)
		return
	}
	ct := r.Header.Get("Content-Type")
	s.mu.Lock()
	s.writes = append(s.writes, ct)
	s.mu.Unlock()
	if isCBORBody(ct) && !s.takesCBOR {
		w.Header().Set("Content-Type", MediaTypeJSON)
		w.WriteHeader(http.StatusUnsupportedMediaType)
		io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"UnsupportedMediaType","code":415}`)
		return
	}
	io.WriteString(w, `{"kind":"ConfigMap","apiVersion":"v1"}`)
}

func cborWrite(fallback bool) *Request {
	req := &Request{Method: http.MethodPost, Path: "/api/v1/namespaces/ns/configmaps", Body: []byte{0xd9, 0xd9, 0xf7, 0xa0},
		Header: http.Header{"Content-Type": {MediaTypeCBOR}}}
	if fallback {
		req.JSONFallback = func() ([]byte, string, error) { return []byte(`{}`), MediaTypeJSON, nil }
	}
	return req
}

// TestCBORNegotiation: bodies go as CBOR only after a CBOR answer; a 415 to
// a CBOR body is retried once as JSON and remembered for the server; without
// a fallback the 415 is the caller's.
func TestCBORNegotiation(t *testing.T) {
	tests := []struct {
		name        string
		takesCBOR   bool
		fallback    bool
		wantWrites  []string
		wantBodies  bool // CBORBodies after both writes
		want415Errs int
	}{
		{name: "server takes CBOR", takesCBOR: true, fallback: true,
			wantWrites: []string{MediaTypeCBOR, MediaTypeCBOR}, wantBodies: true},
		{name: "415 falls back once and is remembered", fallback: true,
			wantWrites: []string{MediaTypeCBOR, MediaTypeJSON, MediaTypeJSON}},
		{name: "415 without a fallback", wantWrites: []string{MediaTypeCBOR, MediaTypeCBOR}, want415Errs: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &cborServer{takesCBOR: tc.takesCBOR}
			_, cfg := newTLSServer(t, s.serve)
			c := mustClient(t, cfg)
			ctx := context.Background()
			if c.ServedCBOR() || c.CBORBodies() {
				t.Fatal("a new client already trusts CBOR")
			}
			resp, err := c.Do(ctx, &Request{Path: "/api/v1/namespaces/ns/configmaps/a", Header: http.Header{"Accept": {AcceptCBOR}}})
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, resp)
			if !c.ServedCBOR() || !c.CBORBodies() {
				t.Fatal("a CBOR answer was not noted")
			}
			errs415 := 0
			for range 2 {
				resp, err := c.Do(ctx, cborWrite(tc.fallback))
				if apierrors.IsUnsupportedMediaType(err) {
					errs415++
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				readAll(t, resp)
			}
			if diff := cmp.Diff(tc.wantWrites, s.writes); diff != "" {
				t.Errorf("Content-Types written (-want +got):\n%s", diff)
			}
			if got := c.CBORBodies(); got != tc.wantBodies {
				t.Errorf("CBORBodies() = %v, want %v", got, tc.wantBodies)
			}
			if errs415 != tc.want415Errs {
				t.Errorf("%d writes failed with 415, want %d", errs415, tc.want415Errs)
			}
		})
	}
}

// TestCBORStatusError: an error answered in CBOR (the server answers errors
// in the format the request accepts) is the server's Status.
func TestCBORStatusError(t *testing.T) {
	st := &k8su.Unstructured{Object: map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure",
		"message": `configmaps "a" not found`, "reason": "NotFound", "code": int64(404),
		"details": map[string]any{"name": "a", "kind": "configmaps"}}}
	body, err := unstructured.MarshalCBOR(st)
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", MediaTypeCBOR)
		w.WriteHeader(http.StatusNotFound)
		w.Write(body)
	})
	_, err = mustClient(t, cfg).Do(context.Background(), &Request{Path: "/api/v1/namespaces/ns/configmaps/a"})
	want := metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: "Failure", Message: `configmaps "a" not found`, Reason: metav1.StatusReasonNotFound, Code: 404,
		Details: &metav1.StatusDetails{Name: "a", Kind: "configmaps"}}
	se, ok := err.(*apierrors.StatusError)
	if !ok {
		t.Fatalf("err %T %v, want a *StatusError", err, err)
	}
	if diff := cmp.Diff(want, se.ErrStatus); diff != "" {
		t.Errorf("Status (-want +got):\n%s", diff)
	}
}

// TestCBORBodyForLog: a CBOR body is logged as the JSON it stands for,
// redacted like a JSON body; one that cannot be read whole is not shown.
func TestCBORBodyForLog(t *testing.T) {
	secret, err := unstructured.MarshalCBOR(&k8su.Unstructured{Object: map[string]any{"kind": "Secret", "apiVersion": "v1", "data": map[string]any{"a": "c2VjcmV0"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		body     []byte
		complete bool
		want     string
	}{
		{name: "secret", body: secret, complete: true, want: `(CBOR, shown as JSON) {"apiVersion":"v1","data":{"a":"--- REDACTED ---"},"kind":"Secret"}`},
		{name: "cut", body: secret[:10], want: "(10 bytes of CBOR not shown)"},
		{name: "malformed", body: []byte{0xd9, 0xd9, 0xf7, 0xff}, complete: true, want: "(4 bytes of CBOR not shown)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := bodyForLog(tc.body, tc.complete, false); got != tc.want {
				t.Errorf("bodyForLog = %s\nwant %s", got, tc.want)
			}
		})
	}
}
