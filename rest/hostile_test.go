package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Tests of broken and hostile servers (issue 17): each one wire behaviour.

func TestResponseSizeLimit(t *testing.T) {
	const limit = 1 << 20
	tests := []struct {
		name         string
		query        string
		handler      http.HandlerFunc
		wantDoErr    bool // refused by Do, before the body
		wantReadErr  bool // the read fails past the limit
		wantDeclared int64
	}{
		{name: "declared 2 GiB refused early", wantDoErr: true, wantDeclared: 2 << 30,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.FormatInt(2<<30, 10))
				w.WriteHeader(http.StatusOK)
				w.Write([]byte(`{"kind":"List","items":[`))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			}},
		{name: "endless chunked body cut", wantReadErr: true, handler: endless},
		{name: "exactly the limit is fine", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(strings.Repeat("a", limit)))
		}},
		{name: "a watch is not bounded in total", query: "watch=true", handler: func(w http.ResponseWriter, r *http.Request) {
			for range 3 {
				w.Write([]byte(strings.Repeat("a", limit/2)))
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := newTLSServer(t, tc.handler)
			cfg.MaxResponseBytes = limit
			q, _ := url.ParseQuery(tc.query)
			resp, err := mustClient(t, cfg).Do(context.Background(), &Request{Path: "/api/v1/pods", Query: q})
			var tooLarge *ResponseTooLargeError
			if tc.wantDoErr {
				if !errors.As(err, &tooLarge) || tooLarge.Declared != tc.wantDeclared {
					t.Fatalf("Do = %v, want a ResponseTooLargeError declaring %d", err, tc.wantDeclared)
				}
				assertNames(t, err.Error(), "GET", "/api/v1/pods", "1048576", "MaxResponseBytes")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			if !tc.wantReadErr {
				if err != nil {
					t.Fatalf("read %d bytes: %v", n, err)
				}
				return
			}
			if !errors.As(err, &tooLarge) || n != limit {
				t.Fatalf("read %d bytes, err %v; want %d bytes then a ResponseTooLargeError", n, err, limit)
			}
			assertNames(t, err.Error(), "GET", "/api/v1/pods", "1048576", "stopped reading")
		})
	}
}

// endless writes a chunked body until the client goes away.
func endless(w http.ResponseWriter, r *http.Request) {
	chunk := []byte(strings.Repeat(`{"a":1},`, 1024))
	w.Write([]byte(`{"kind":"List","items":[`))
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

func TestWatchEventLimit(t *testing.T) {
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"type":"ADDED","object":{}}` + "\n"))
		endless(w, r)
	})
	cfg.MaxEventBytes = 64 << 10
	resp, err := mustClient(t, cfg).Do(context.Background(), &Request{Path: "/api/v1/pods", Query: map[string][]string{"watch": {"1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := resp.Events()
	first := make([]byte, len(`{"type":"ADDED","object":{}}`+"\n"))
	if _, err := io.ReadFull(events, first); err != nil {
		t.Fatal(err)
	}
	events.EventDone()
	n, err := io.Copy(io.Discard, events)
	var tooLarge *ResponseTooLargeError
	if !errors.As(err, &tooLarge) || !tooLarge.Event || n != 64<<10 {
		t.Fatalf("second event: read %d bytes, err %v; want %d then a per-event ResponseTooLargeError", n, err, 64<<10)
	}
	assertNames(t, err.Error(), "watch event", "/api/v1/pods", "MaxEventBytes")
}

func TestLimitDefaults(t *testing.T) {
	c := mustClient(t, &Config{Host: "https://h"})
	if c.maxBody != DefaultMaxResponseBytes || c.maxEvent != DefaultMaxEventBytes {
		t.Errorf("limits = %d, %d; want the defaults", c.maxBody, c.maxEvent)
	}
	c = mustClient(t, &Config{Host: "https://h", MaxResponseBytes: -1, MaxEventBytes: -5})
	if c.maxBody != -1 || c.maxEvent != -1 {
		t.Errorf("negative limits = %d, %d; want none (-1)", c.maxBody, c.maxEvent)
	}
}

// TestRetryAfterCapped: "Retry-After: 1000000" (277 hours) waits
// MaxRetryAfter, then the request is retried within the retry budget.
func TestRetryAfterCapped(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		okAfter    int // attempts answered 429 before a 200; -1: never
		wantWaits  []time.Duration
		wantErr    bool
	}{
		{name: "huge, then success", retryAfter: "1000000", okAfter: 2, wantWaits: []time.Duration{MaxRetryAfter, MaxRetryAfter}},
		{name: "beyond int range", retryAfter: "99999999999999999999999", okAfter: 1, wantWaits: []time.Duration{MaxRetryAfter}},
		{name: "an HTTP date a year ahead", retryAfter: time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat), okAfter: 1,
			wantWaits: []time.Duration{MaxRetryAfter}},
		{name: "small is obeyed", retryAfter: "2", okAfter: 1, wantWaits: []time.Duration{2 * time.Second}},
		{name: "forever: the budget ends it", retryAfter: "1000000", okAfter: -1, wantErr: true,
			wantWaits: []time.Duration{MaxRetryAfter, MaxRetryAfter, MaxRetryAfter}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				if n := int(calls.Add(1)); tc.okAfter < 0 || n <= tc.okAfter {
					w.Header().Set("Retry-After", tc.retryAfter)
					w.WriteHeader(http.StatusTooManyRequests)
				}
			})
			cfg.MaxRetries = 3
			c := mustClient(t, cfg)
			var mu sync.Mutex
			var waits []time.Duration
			c.sleep = func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				defer mu.Unlock()
				waits = append(waits, d)
				return nil
			}
			resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/api/v1/namespaces/n/configmaps", Body: []byte("{}")})
			if (err != nil) != tc.wantErr {
				t.Fatalf("Do = %v, want error %v", err, tc.wantErr)
			}
			if err == nil {
				resp.Body.Close()
			}
			// An HTTP date is parsed against the clock: round it.
			for i := range waits {
				waits[i] = waits[i].Round(time.Second)
			}
			if diff := cmp.Diff(tc.wantWaits, waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRedirectHTTPSToHTTPRefused: a redirect from https to plain http on the
// same host is refused before the plain server sees anything; https to
// https on the same host still carries the token.
func TestRedirectHTTPSToHTTPRefused(t *testing.T) {
	const token = "redirect-test-token-b8f2"
	var plainSaw []string
	var mu sync.Mutex
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		plainSaw = append(plainSaw, r.Header.Get("Authorization")+" "+r.URL.String())
	}))
	t.Cleanup(plain.Close)
	var tlsSaw []string
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tlsSaw = append(tlsSaw, r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		switch r.URL.Path {
		case "/down":
			http.Redirect(w, r, plain.URL+"/api?token=leaked-in-url", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/api", http.StatusFound)
		}
	})
	cfg.BearerToken = token
	c := mustClient(t, cfg)
	_, err := c.Do(context.Background(), &Request{Path: "/down"})
	if !IsRedirectRefused(err) {
		t.Fatalf("Do = %v, want a refused redirect", err)
	}
	assertNames(t, err.Error(), "/down", "refused redirect", strings.TrimPrefix(plain.URL, "http://"))
	for _, secret := range []string{token, "leaked-in-url"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
	resp, err := c.Do(context.Background(), &Request{Path: "/same"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(plainSaw) != 0 {
		t.Errorf("the plain-http server saw %q", plainSaw)
	}
	want := []string{"/down Bearer " + token, "/same Bearer " + token, "/api Bearer " + token}
	if diff := cmp.Diff(want, tlsSaw); diff != "" {
		t.Errorf("TLS server saw (-want +got):\n%s", diff)
	}
}

// TestURLErrorsMasked: no error that prints a URL shows its userinfo or the
// values of its query.
func TestURLErrorsMasked(t *testing.T) {
	const secret = "s3cr3t-in-url"
	tests := []struct {
		name string
		cfg  Config
		want string // a part of the error that must be there
	}{
		{name: "token in the query", cfg: Config{Host: "https://h.example/?token=" + secret}, want: "token=xxxxx"},
		{name: "bare token as the query", cfg: Config{Host: "https://h.example/?" + secret + secret + secret}, want: "must not have a query"},
		{name: "password in userinfo", cfg: Config{Host: "https://admin:" + secret + "@h.example"}, want: "must not contain credentials"},
		{name: "token as the user", cfg: Config{Host: "https://" + secret + "@h.example"}, want: "must not contain credentials"},
		{name: "fragment", cfg: Config{Host: "https://h.example/#" + secret}, want: "must not have a query or fragment"},
		{name: "bad scheme with a query", cfg: Config{Host: "ftp://h.example/?token=" + secret}, want: "scheme must be"},
		{name: "proxy with credentials", cfg: Config{Host: "https://h.example", ProxyURL: "ftp://u:" + secret + "@proxy/?k=" + secret}, want: "proxy URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(&tc.cfg)
			if err == nil {
				t.Fatal("NewClient accepted it")
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "admin") {
				t.Errorf("error %q shows a secret", err)
			}
			assertNames(t, err.Error(), tc.want, "h.example")
		})
	}
}

func TestMaskURLString(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "https://h:6443", want: "https://h:6443"},
		{in: "https://u:p@h/x?a=1&b=2#f", want: "https://xxxxx@h/x?a=xxxxx&b=xxxxx"},
		{in: "https://h/?eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ", want: "https://h/?xxxxx=xxxxx"},
		{in: "h:6443", want: "h:6443"},
		{in: "%zz@h?x", want: "xxxxx"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := maskURLString(tc.in); got != tc.want {
				t.Errorf("maskURLString(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func assertNames(t *testing.T, msg string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not name %q", msg, p)
		}
	}
}

// TestWatchBodyLineBackstop: a watch body read directly (without Events)
// fails once more than MaxEventBytes arrive without a newline, and carries
// any number of newline-terminated events.
func TestWatchBodyLineBackstop(t *testing.T) {
	const limit = 64 << 10
	event := `{"type":"ADDED","object":{"kind":"ConfigMap","data":{"a":"` + strings.Repeat("x", limit/2) + `"}}}` + "\n"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr bool
	}{
		{name: "endless event", handler: endless, wantErr: true},
		{name: "many events within the bound", handler: func(w http.ResponseWriter, r *http.Request) {
			for range 100 { // 100 × 32 KiB: 50 times the per-event bound in total
				w.Write([]byte(event))
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := newTLSServer(t, tc.handler)
			cfg.MaxEventBytes = limit
			resp, err := mustClient(t, cfg).Do(context.Background(), &Request{Path: "/api/v1/configmaps", Query: url.Values{"watch": {"true"}}})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			var tooLarge *ResponseTooLargeError
			if got := errors.As(err, &tooLarge); got != tc.wantErr || (!tc.wantErr && err != nil) {
				t.Fatalf("read %d bytes, err %v; want a ResponseTooLargeError: %v", n, err, tc.wantErr)
			}
			if tc.wantErr && n > limit+64<<10 {
				t.Errorf("read %d bytes before stopping; the bound is %d (plus one read)", n, limit)
			}
		})
	}
}
