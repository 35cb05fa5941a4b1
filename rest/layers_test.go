package rest

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// seen is one request as a transport wrapper saw it.
type seen struct {
	Method, Path, Authorization, Impersonate, UserAgent string
}

// recordingWrapper returns a WrapTransport that records every request it
// is given.
func recordingWrapper(mu *sync.Mutex, got *[]seen) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			*got = append(*got, seen{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization"),
				Impersonate: r.Header.Get("Impersonate-User"), UserAgent: r.Header.Get("User-Agent")})
			mu.Unlock()
			return next.RoundTrip(r)
		})
	}
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// scriptedServer answers /flaky with a 503 (Retry-After: 0) the first time,
// /moved with a redirect to /target, and 200 otherwise.
func scriptedServer() http.HandlerFunc {
	var flaky atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/namespaces/ns/pods/flaky":
			if flaky.Add(1) == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
		case "/api/v1/namespaces/ns/pods/moved":
			http.Redirect(w, r, "/api/v1/namespaces/ns/pods/target", http.StatusTemporaryRedirect)
			return
		}
		w.Write([]byte(`{}`))
	}
}

// TestWrapTransportSeesEveryAttempt: the wrapper runs once per attempt, a
// retry and each hop of a redirect included, and sees the final headers
// (Authorization, impersonation, User-Agent) — over kubedyn's transport and
// over a caller's HTTPClient alike.
func TestWrapTransportSeesEveryAttempt(t *testing.T) {
	for _, ownClient := range []bool{false, true} {
		t.Run(map[bool]string{false: "kubedyn transport", true: "Config.HTTPClient"}[ownClient], func(t *testing.T) {
			srv, cfg := newTLSServer(t, scriptedServer())
			var mu sync.Mutex
			var got []seen
			cfg.BearerToken = "wrap-token"
			cfg.Impersonate.UserName = "jane"
			cfg.UserAgent = "wrap-test"
			cfg.WrapTransport = recordingWrapper(&mu, &got)
			if ownClient {
				hc := srv.Client()
				base := hc.Transport
				hc.Transport = rtFunc(func(r *http.Request) (*http.Response, error) {
					r = r.Clone(r.Context())
					r.Header.Set("Authorization", "Bearer own-client-token")
					return base.RoundTrip(r)
				})
				cfg.HTTPClient = hc
			}
			c := mustClient(t, cfg)
			for _, p := range []string{"flaky", "moved"} {
				resp, err := c.Do(context.Background(), &Request{Path: "/api/v1/namespaces/ns/pods/" + p})
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			auth, imp := "Bearer wrap-token", "jane"
			if ownClient { // the caller's transport authenticates, below the wrapper
				auth, imp = "", ""
			}
			want := []seen{
				{Method: "GET", Path: "/api/v1/namespaces/ns/pods/flaky", Authorization: auth, Impersonate: imp, UserAgent: "wrap-test"},
				{Method: "GET", Path: "/api/v1/namespaces/ns/pods/flaky", Authorization: auth, Impersonate: imp, UserAgent: "wrap-test"},
				{Method: "GET", Path: "/api/v1/namespaces/ns/pods/moved", Authorization: auth, Impersonate: imp, UserAgent: "wrap-test"},
				{Method: "GET", Path: "/api/v1/namespaces/ns/pods/target", Authorization: auth, Impersonate: imp, UserAgent: "wrap-test"},
			}
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("the wrapper saw (-want +got):\n%s", diff)
			}
		})
	}
}

// TestObserverSeesEveryAttempt: one RequestEvent per attempt, with the
// verb and resource read from the path and the bytes read.
func TestObserverSeesEveryAttempt(t *testing.T) {
	_, cfg := newTLSServer(t, scriptedServer())
	var mu sync.Mutex
	var got []RequestEvent
	cfg.Observer = ObserverFunc(func(ev Event) {
		if re, ok := ev.(RequestEvent); ok {
			mu.Lock()
			got = append(got, re)
			mu.Unlock()
		}
	})
	c := mustClient(t, cfg)
	for _, req := range []*Request{
		{Path: "/api/v1/namespaces/ns/pods/flaky"},
		{Path: "/api/v1/namespaces/ns/pods/moved"},
		{Method: "POST", Path: "/apis/apps/v1/namespaces/ns/deployments", Body: []byte(`{"a":1}`)},
		{Path: "/apis/apps/v1/deployments", Query: map[string][]string{"watch": {"true"}}},
		{Method: "DELETE", Path: "/api/v1/namespaces/ns/pods"},
		{Method: "PATCH", Path: "/api/v1/namespaces/ns/status"},
		{Path: "/apis"},
	} {
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	pods := RequestEvent{Method: "GET", Version: "v1", Resource: "pods", Namespace: "ns", Verb: "get"}
	with := func(ev RequestEvent, f func(*RequestEvent)) RequestEvent { f(&ev); return ev }
	want := []RequestEvent{
		with(pods, func(e *RequestEvent) { e.StatusCode = 503 }),
		with(pods, func(e *RequestEvent) { e.StatusCode = 200; e.ResponseBytes = 2 }),
		with(pods, func(e *RequestEvent) { e.StatusCode = 307; e.ResponseBytes = -1 }),
		with(pods, func(e *RequestEvent) { e.StatusCode = 200; e.ResponseBytes = 2 }),
		{Method: "POST", Verb: "create", Group: "apps", Version: "v1", Resource: "deployments", Namespace: "ns", StatusCode: 200, RequestBytes: 7, ResponseBytes: 2},
		{Method: "GET", Verb: "watch", Group: "apps", Version: "v1", Resource: "deployments", StatusCode: 200, ResponseBytes: 2},
		{Method: "DELETE", Verb: "deletecollection", Version: "v1", Resource: "pods", Namespace: "ns", StatusCode: 200, ResponseBytes: 2},
		{Method: "PATCH", Verb: "patch", Version: "v1", Resource: "namespaces", Subresource: "status", Namespace: "ns", StatusCode: 200, ResponseBytes: 2},
		{Method: "GET", Verb: "get", StatusCode: 200, ResponseBytes: 2},
	}
	mu.Lock()
	defer mu.Unlock()
	opts := []cmp.Option{cmpopts.IgnoreFields(RequestEvent{}, "Latency", "Host"),
		// The redirect's body is whatever net/http read of it before following.
		cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ResponseBytes" }, cmp.Comparer(func(a, b int64) bool {
			return a == b || a == -1 || b == -1
		}))}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	for _, ev := range got {
		if ev.Latency <= 0 || ev.Host == "" {
			t.Errorf("event %+v has no latency or host", ev)
		}
	}
}
