package rest

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// newTLSServer starts an HTTP/2-capable TLS test server for h and returns a
// Config trusting it.
func newTLSServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *Config) {
	t.Helper()
	return newServer(t, true, h)
}

func newServer(t *testing.T, http2 bool, h http.HandlerFunc) (*httptest.Server, *Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = http2
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv, &Config{Host: srv.URL, TLS: TLSConfig{CAData: ca}, WarningHandler: DiscardWarnings}
}

func mustClient(t *testing.T, cfg *Config) *Client {
	t.Helper()
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readAll(t *testing.T, r *Response) string {
	t.Helper()
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// recorded holds response bodies recorded from the real kube-apiserver
// (see testdata/README.md).
func recorded(t *testing.T, name string) []byte {
	t.Helper()
	data, err := testdataFS.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDoSendsRequest(t *testing.T) {
	var got struct {
		method, path, query, ua, accept, ctype, body, proto string
	}
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.query = r.Method, r.URL.Path, r.URL.RawQuery
		got.ua, got.accept, got.ctype, got.body, got.proto = r.UserAgent(), r.Header.Get("Accept"), r.Header.Get("Content-Type"), string(b), r.Proto
		w.Write([]byte(`{}`))
	})
	cfg.Host += "/prefix/"
	cfg.UserAgent = "test-agent/1"
	c := mustClient(t, cfg)
	resp, err := c.Do(context.Background(), &Request{
		Method: "POST", Path: "/api/v1/namespaces/ns/configmaps", Query: url.Values{"fieldManager": {"m"}},
		Body: []byte(`{"a":1}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	want := got
	want.method, want.path, want.query = "POST", "/prefix/api/v1/namespaces/ns/configmaps", "fieldManager=m"
	want.ua, want.accept, want.ctype, want.body, want.proto = "test-agent/1", "application/json", "application/json", `{"a":1}`, "HTTP/2.0"
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(want)); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestDoRejectsRelativePath(t *testing.T) {
	c := mustClient(t, &Config{Host: "https://127.0.0.1:1"})
	if _, err := c.Do(context.Background(), &Request{Path: "api/v1"}); err == nil || !strings.Contains(err.Error(), "absolute") {
		t.Fatalf("Do with relative path = %v", err)
	}
}

func TestDoStatusErrors(t *testing.T) {
	tests := []struct {
		name     string
		code     int
		ctype    string
		body     []byte
		check    func(error) bool
		wantMsgs []string
	}{
		{name: "recorded NotFound Status", code: 404, ctype: "application/json", body: recorded(t, "status-notfound.json"),
			check: apierrors.IsNotFound, wantMsgs: []string{`configmaps "missing" not found`}},
		{name: "recorded Forbidden Status", code: 403, ctype: "application/json", body: recorded(t, "status-forbidden.json"),
			check: apierrors.IsForbidden, wantMsgs: []string{"forbidden"}},
		{name: "recorded AlreadyExists Status", code: 409, ctype: "application/json", body: recorded(t, "status-alreadyexists.json"),
			check: apierrors.IsAlreadyExists, wantMsgs: []string{"already exists"}},
		{name: "Gone Expired Status", code: 410, ctype: "application/json",
			body:  []byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}`),
			check: apierrors.IsResourceExpired, wantMsgs: []string{"too old resource version"}},
		{name: "HTML 404 from a proxy", code: 404, ctype: "text/html", body: []byte("<html><body>nothing here</body></html>"),
			check: apierrors.IsNotFound, wantMsgs: []string{"GET /api/v1/x: HTTP 404 Not Found", "text/html", "nothing here"}},
		{name: "plain 502", code: 502, ctype: "text/plain", body: []byte("upstream connect error\n"),
			check: func(err error) bool { return apierrors.ReasonForError(err) == "" || true }, wantMsgs: []string{"HTTP 502 Bad Gateway", "upstream connect error"}},
		{name: "empty 401", code: 401, check: apierrors.IsUnauthorized, wantMsgs: []string{"HTTP 401 Unauthorized with an empty body"}},
		{name: "garbage body truncated", code: 400, ctype: "application/octet-stream", body: []byte("\x00\x01" + strings.Repeat("x", 5000)),
			check: apierrors.IsBadRequest, wantMsgs: []string{"(truncated)", "\ufffd\ufffdxxx"}},
		{name: "JSON that is not a Status", code: 422, ctype: "application/json", body: []byte(`{"kind":"Pod"}`),
			check: apierrors.IsInvalid, wantMsgs: []string{"not a Status", `{\"kind\":\"Pod\"}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(tc.code)
				w.Write(tc.body)
			})
			cfg.MaxRetries = -1
			_, err := mustClient(t, cfg).Do(context.Background(), &Request{Path: "/api/v1/x"})
			var se *apierrors.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("Do error %T %v, want *apierrors.StatusError", err, err)
			}
			if !tc.check(err) {
				t.Errorf("predicate false for %v (reason %q)", err, apierrors.ReasonForError(err))
			}
			if int(se.ErrStatus.Code) != tc.code {
				t.Errorf("code %d, want %d", se.ErrStatus.Code, tc.code)
			}
			for _, m := range tc.wantMsgs {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q lacks %q", err, m)
				}
			}
			if len(err.Error()) > 700 {
				t.Errorf("error is %d bytes long; the snippet must be truncated", len(err.Error()))
			}
		})
	}
}

func TestDoRetries(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		responses  []int // status per attempt; the last one repeats
		retryAfter string
		maxRetries int
		noRetry5xx bool
		wantCalls  int
		wantErr    bool
	}{
		{name: "429 with Retry-After, POST retried", method: "POST", responses: []int{429, 429, 201}, retryAfter: "0", wantCalls: 3},
		{name: "503 with Retry-After, DELETE retried", method: "DELETE", responses: []int{503, 200}, retryAfter: "0", wantCalls: 2},
		{name: "429 without Retry-After not retried", method: "GET", responses: []int{429}, wantCalls: 1, wantErr: true},
		{name: "500 GET retried", method: "GET", responses: []int{500, 502, 200}, wantCalls: 3},
		{name: "500 POST not retried", method: "POST", responses: []int{500}, wantCalls: 1, wantErr: true},
		{name: "503 without Retry-After on PUT not retried", method: "PUT", responses: []int{503}, wantCalls: 1, wantErr: true},
		{name: "bounded count", method: "GET", responses: []int{429}, retryAfter: "0", maxRetries: 3, wantCalls: 4, wantErr: true},
		{name: "retries disabled", method: "GET", responses: []int{503}, retryAfter: "0", maxRetries: -1, wantCalls: 1, wantErr: true},
		{name: "404 never retried", method: "GET", responses: []int{404}, wantCalls: 1, wantErr: true},
		{name: "501 not retried", method: "GET", responses: []int{501}, wantCalls: 1, wantErr: true},
		{name: "NoRetry5xx: 503 GET answered at once", method: "GET", responses: []int{503, 200}, noRetry5xx: true, wantCalls: 1, wantErr: true},
		{name: "NoRetry5xx: 503 with Retry-After answered at once", method: "GET", responses: []int{503, 200}, retryAfter: "0", noRetry5xx: true, wantCalls: 1, wantErr: true},
		{name: "NoRetry5xx: 500 GET answered at once", method: "GET", responses: []int{500, 200}, noRetry5xx: true, wantCalls: 1, wantErr: true},
		{name: "NoRetry5xx: 429 still retried", method: "GET", responses: []int{429, 200}, retryAfter: "0", noRetry5xx: true, wantCalls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				code := tc.responses[min(n, len(tc.responses)-1)]
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(code)
			})
			cfg.MaxRetries = tc.maxRetries
			resp, err := mustClient(t, cfg).Do(context.Background(), &Request{Method: tc.method, Path: "/api/v1/x", Body: []byte("{}"), NoRetry5xx: tc.noRetry5xx})
			if (err != nil) != tc.wantErr {
				t.Fatalf("Do error = %v, want error %v", err, tc.wantErr)
			}
			if err == nil {
				resp.Body.Close()
			}
			if got := int(calls.Load()); got != tc.wantCalls {
				t.Errorf("server saw %d requests, want %d", got, tc.wantCalls)
			}
		})
	}
}

func TestDoHonoursRetryAfterDelay(t *testing.T) {
	var calls atomic.Int32
	var first, second time.Time
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		second = time.Now()
	})
	resp, err := mustClient(t, cfg).Do(context.Background(), &Request{Method: "PATCH", Path: "/x", Body: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := second.Sub(first); d < 900*time.Millisecond {
		t.Errorf("retried after %v, want the server's 1s", d)
	}
}

func TestDoCancelDuringRetryWait(t *testing.T) {
	var calls atomic.Int32
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := mustClient(t, cfg).Do(ctx, &Request{Path: "/x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Do = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second || calls.Load() != 1 {
		t.Errorf("waited %v over %d calls; the wait must end with ctx", time.Since(start), calls.Load())
	}
	if !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("error %q does not say what was being retried", err)
	}
}

func TestDoRetriesConnectionResetForGetOnly(t *testing.T) {
	for _, tc := range []struct {
		method     string
		http2      bool
		noRetry5xx bool // must not change how dropped connections are handled
	}{{"GET", true, false}, {"GET", false, false}, {"POST", true, false}, {"POST", false, false}, {"GET", true, true}, {"GET", false, true}} {
		method := tc.method
		t.Run(fmt.Sprintf("%s HTTP/2 %v NoRetry5xx %v", method, tc.http2, tc.noRetry5xx), func(t *testing.T) {
			var calls atomic.Int32
			_, cfg := newServer(t, tc.http2, func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					// Drop the connection without answering.
					conn, _, err := http.NewResponseController(w).Hijack()
					if err == nil {
						conn.Close()
						return
					}
					panic(http.ErrAbortHandler) // HTTP/2: reset the stream
				}
				w.Write([]byte("ok"))
			})
			resp, err := mustClient(t, cfg).Do(context.Background(), &Request{Method: method, Path: "/x", Body: []byte("{}"), NoRetry5xx: tc.noRetry5xx})
			if method == "GET" {
				if err != nil {
					t.Fatalf("GET after a reset = %v, want a retry", err)
				}
				resp.Body.Close()
				if calls.Load() != 2 {
					t.Errorf("server saw %d requests, want 2", calls.Load())
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatalf("POST after a reset succeeded; it must not be retried")
			}
			if calls.Load() != 1 {
				t.Errorf("server saw %d POSTs, want 1", calls.Load())
			}
		})
	}
}

func TestWarningsDefaultOncePerText(t *testing.T) {
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Warning", `299 - "v1beta1 is deprecated"`)
		w.Header().Add("Warning", `299 - "unknown field \"spec.x\""`)
	})
	var mu sync.Mutex
	var buf strings.Builder
	cfg.WarningHandler = NewWarningWriter(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), true)
	c := mustClient(t, cfg)
	for range 3 {
		resp, err := c.Do(context.Background(), &Request{Path: "/x"})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := "Warning: v1beta1 is deprecated\nWarning: unknown field \"spec.x\"\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestTimeoutSparesWatches(t *testing.T) {
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		time.Sleep(300 * time.Millisecond)
		w.Write([]byte("late"))
	})
	cfg.Timeout = 100 * time.Millisecond
	c := mustClient(t, cfg)

	resp, err := c.Do(context.Background(), &Request{Path: "/x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("reading a slow body past Timeout = %v, want context.DeadlineExceeded", err)
	}
	resp.Body.Close()

	resp, err = c.Do(context.Background(), &Request{Path: "/x", Query: url.Values{"watch": {"true"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, resp); got != "late" {
		t.Errorf("watch body = %q; a watch must not be cut by Timeout", got)
	}
}

func TestDoNotModified(t *testing.T) {
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"abc"`)
		w.Write([]byte(`{"kind":"APIGroupDiscoveryList"}`))
	})
	c := mustClient(t, cfg)
	resp, err := c.Do(context.Background(), &Request{Path: "/apis"})
	if err != nil {
		t.Fatal(err)
	}
	etag := resp.Header.Get("ETag")
	readAll(t, resp)
	resp, err = c.Do(context.Background(), &Request{Path: "/apis", Header: http.Header{"If-None-Match": {etag}}})
	if err != nil {
		t.Fatalf("304 must not be an error: %v", err)
	}
	if resp.StatusCode != http.StatusNotModified || readAll(t, resp) != "" {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func BenchmarkClientDo(b *testing.B) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) }))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c, err := NewClient(&Config{Host: srv.URL, TLS: TLSConfig{CAData: ca}, BearerToken: "t"})
	if err != nil {
		b.Fatal(err)
	}
	req := &Request{Path: "/api/v1/namespaces/default/configmaps", Query: url.Values{"watch": {"true"}}}
	req.Query.Del("watch")
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
