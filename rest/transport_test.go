package rest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBearerTokenFileRotation(t *testing.T) {
	srv := newAuthServer(t, nil)
	tokenFile := filepath.Join(t.TempDir(), "token")
	writeFile(t, tokenFile, "first\n")
	srv.cfg.BearerTokenFile = tokenFile
	srv.cfg.BearerToken = "static-fallback"
	c := mustClient(t, srv.cfg)
	do := func() {
		t.Helper()
		resp, err := c.Do(context.Background(), &Request{Path: "/api"})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	do()
	writeFile(t, tokenFile, "second")
	do()
	// Kubelet swaps the ..data symlink: the path now names another file.
	dir := filepath.Dir(tokenFile)
	writeFile(t, filepath.Join(dir, "v3"), "third")
	if err := os.Remove(tokenFile); err != nil {
		t.Fatal(err)
	}
	do() // missing mid-rotation: the last token read is used
	if err := os.Symlink(filepath.Join(dir, "v3"), tokenFile); err != nil {
		t.Fatal(err)
	}
	do()
	want := []string{"Bearer first", "Bearer second", "Bearer second", "Bearer third"}
	if diff := cmp.Diff(want, srv.headers()); diff != "" {
		t.Errorf("tokens sent (-want +got):\n%s", diff)
	}
}

func TestBearerTokenFileMissingAtStart(t *testing.T) {
	srv := newAuthServer(t, nil)
	srv.cfg.BearerTokenFile = filepath.Join(t.TempDir(), "absent")
	_, err := mustClient(t, srv.cfg).Do(context.Background(), &Request{Path: "/api"})
	if err == nil || !strings.Contains(err.Error(), "absent") {
		t.Fatalf("Do = %v, want an error naming the token file", err)
	}
	if len(srv.headers()) != 0 {
		t.Errorf("a request was sent without credentials")
	}
}

func TestClientCertificateFileRotation(t *testing.T) {
	srv := newClientCertServer(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	write := func(cn string) {
		c, k := selfSignedClientCert(t, cn)
		writeFile(t, certFile, string(c))
		writeFile(t, keyFile, string(k))
	}
	write("one")
	srv.cfg.TLS.CertFile, srv.cfg.TLS.KeyFile = certFile, keyFile
	c := mustClient(t, srv.cfg)
	do := func() {
		t.Helper()
		resp, err := c.Do(context.Background(), &Request{Path: "/api"})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	do()
	do()
	write("two")
	do()
	// A certificate written before its key does not parse: keep the old pair.
	c3, _ := selfSignedClientCert(t, "three")
	writeFile(t, certFile, string(c3))
	do()
	if diff := cmp.Diff([]string{"one", "one", "two", "two"}, srv.seen()); diff != "" {
		t.Errorf("client certificates seen (-want +got):\n%s", diff)
	}
}

func TestStaticClientCertificateAndCA(t *testing.T) {
	srv := newClientCertServer(t)
	c, k := selfSignedClientCert(t, "static")
	srv.cfg.TLS.CertData, srv.cfg.TLS.KeyData = c, k
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	writeFile(t, caFile, string(srv.cfg.TLS.CAData))
	srv.cfg.TLS.CAData, srv.cfg.TLS.CAFile = nil, caFile
	resp, err := mustClient(t, srv.cfg).Do(context.Background(), &Request{Path: "/api"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if diff := cmp.Diff([]string{"static"}, srv.seen()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestUntrustedServerFails(t *testing.T) {
	_, cfg := newTLSServer(t, func(http.ResponseWriter, *http.Request) {})
	cfg.TLS.CAData = nil // system roots do not know httptest's CA
	_, err := mustClient(t, cfg).Do(context.Background(), &Request{Path: "/api"})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Do = %v, want a certificate verification error", err)
	}
}

func TestHeaders(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want http.Header
	}{
		{
			name: "defaults",
			want: http.Header{"User-Agent": {DefaultUserAgent}, "Accept": {"application/json"}, "Accept-Encoding": {"gzip"}},
		},
		{
			name: "impersonation, user agent, basic auth",
			edit: func(c *Config) {
				c.UserAgent = "my-tool/1.2"
				c.Username, c.Password = "admin", "s3cret"
				c.Impersonate = Impersonation{UserName: "alice", UID: "42", Groups: []string{"devs", "ops"},
					Extra: map[string][]string{"scopes": {"a", "b"}, "example.com/team name": {"x"}}}
			},
			want: http.Header{
				"User-Agent": {"my-tool/1.2"}, "Accept": {"application/json"}, "Accept-Encoding": {"gzip"},
				"Authorization":    {"Basic YWRtaW46czNjcmV0"},
				"Impersonate-User": {"alice"}, "Impersonate-Uid": {"42"}, "Impersonate-Group": {"devs", "ops"},
				"Impersonate-Extra-Scopes": {"a", "b"}, "Impersonate-Extra-Example.com%2fteam%20name": {"x"},
			},
		},
		{
			name: "bearer token wins over basic auth, compression off",
			edit: func(c *Config) { c.BearerToken, c.Username, c.DisableCompression = "tok", "ignored", true },
			want: http.Header{"User-Agent": {DefaultUserAgent}, "Accept": {"application/json"}, "Authorization": {"Bearer tok"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got http.Header
			_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() })
			if tc.edit != nil {
				tc.edit(cfg)
			}
			resp, err := mustClient(t, cfg).Do(context.Background(), &Request{Path: "/api"})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProxy(t *testing.T) {
	target := &http.Request{URL: &url.URL{Scheme: "https", Host: "k8s.example.com:6443"}}
	tests := []struct {
		name     string
		proxyURL string
		env      map[string]string
		want     string // "" = direct
		wantErr  string
	}{
		{name: "explicit", proxyURL: "http://proxy:3128", env: map[string]string{"HTTPS_PROXY": "http://env:1"}, want: "http://proxy:3128"},
		{name: "socks5", proxyURL: "socks5://proxy:1080", want: "socks5://proxy:1080"},
		{name: "HTTPS_PROXY from the environment", env: map[string]string{"HTTPS_PROXY": "http://env:3128"}, want: "http://env:3128"},
		{name: "NO_PROXY wins", env: map[string]string{"HTTPS_PROXY": "http://env:3128", "NO_PROXY": ".example.com"}},
		{name: "no proxy", env: map[string]string{}},
		{name: "bad scheme", proxyURL: "ftp://proxy", wantErr: "scheme"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
				t.Setenv(k, tc.env[k])
			}
			pf, err := proxyFunc(tc.proxyURL)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("proxyFunc = %v, want error %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u, err := pf(target)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if u != nil {
				got = u.String()
			}
			if got != tc.want {
				t.Errorf("proxy = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProxyIsUsed(t *testing.T) {
	// A plain HTTP proxy on loopback; the API server's name does not resolve,
	// so only a request that went through the proxy can succeed.
	var seen atomic.Value
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Method + " " + r.URL.String())
		w.Write([]byte(`{"proxied":true}`))
	}))
	t.Cleanup(proxy.Close)
	c := mustClient(t, &Config{Host: "http://kubedyn.invalid:8080", ProxyURL: proxy.URL, WarningHandler: DiscardWarnings})
	resp, err := c.Do(context.Background(), &Request{Path: "/api/v1/pods", Query: url.Values{"limit": {"1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); body != `{"proxied":true}` {
		t.Errorf("body %q", body)
	}
	if got, want := seen.Load(), "GET http://kubedyn.invalid:8080/api/v1/pods?limit=1"; got != want {
		t.Errorf("proxy saw %v, want %q", got, want)
	}
}

func TestErrorsNeverContainCredentials(t *testing.T) {
	const secret = "s3cr3t-Token-Value"
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("bad gateway"))
	})
	tokenFile := filepath.Join(t.TempDir(), "token")
	writeFile(t, tokenFile, secret+"-file")
	for _, edit := range []func(*Config){
		func(c *Config) { c.BearerToken = secret },
		func(c *Config) { c.BearerTokenFile = tokenFile },
		func(c *Config) { c.Username, c.Password = "user", secret },
		func(c *Config) { c.BearerToken, c.Host = secret, "https://127.0.0.1:1" }, // connection refused
	} {
		c := *cfg
		c.MaxRetries = -1
		edit(&c)
		_, err := mustClient(t, &c).Do(context.Background(), &Request{Path: "/api", Query: url.Values{"q": {"1"}}})
		if err == nil {
			t.Fatal("Do succeeded")
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "czNjcjN0") {
			t.Errorf("error leaks a credential: %v", err)
		}
	}
}

func TestHTTP2Negotiated(t *testing.T) {
	var protos sync.Map
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) { protos.Store(r.Proto, true) })
	c := mustClient(t, cfg)
	for range 3 {
		resp, err := c.Do(context.Background(), &Request{Path: "/api"})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var got []string
	protos.Range(func(k, _ any) bool { got = append(got, k.(string)); return true })
	if diff := cmp.Diff([]string{"HTTP/2.0"}, got); diff != "" {
		t.Errorf("protocols (-want +got):\n%s", diff)
	}
}

func TestCallerHTTPClient(t *testing.T) {
	var sawAuth string
	_, cfg := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) { sawAuth = r.Header.Get("Authorization") })
	inner, _ := NewClient(cfg) // a client whose transport trusts the server
	calls := 0
	hc := &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		r.Header.Set("Authorization", "Bearer from-caller-transport")
		return inner.transport.RoundTrip(r)
	})}
	resp, err := mustClient(t, &Config{Host: cfg.Host, HTTPClient: hc, BearerToken: "ignored", WarningHandler: DiscardWarnings}).
		Do(context.Background(), &Request{Path: "/api"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if calls != 1 || sawAuth != "Bearer from-caller-transport" {
		t.Errorf("calls %d, Authorization %q: the caller's client must be used as is", calls, sawAuth)
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRateLimiterOffByDefaultAndBounded(t *testing.T) {
	_, cfg := newTLSServer(t, func(http.ResponseWriter, *http.Request) {})
	run := func(cfg *Config, n int) time.Duration {
		c := mustClient(t, cfg)
		start := time.Now()
		for range n {
			resp, err := c.Do(context.Background(), &Request{Path: "/api"})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		return time.Since(start)
	}
	if c := mustClient(t, cfg); c.limiter != nil {
		t.Errorf("QPS 0 built a limiter; client-side throttling must be off by default")
	}
	run(cfg, 5)
	limited := *cfg
	limited.QPS, limited.Burst = 20, 2
	if d := run(&limited, 8); d < 250*time.Millisecond {
		t.Errorf("8 requests at 20 QPS, burst 2, took %v; want at least 300ms", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := *cfg
	slow.QPS, slow.Burst = 0.001, 1
	c := mustClient(t, &slow)
	resp, err := c.Do(context.Background(), &Request{Path: "/api"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := c.Do(ctx, &Request{Path: "/api"}); err == nil || !strings.Contains(err.Error(), "rate limiter") {
		t.Errorf("Do with a cancelled ctx behind the limiter = %v", err)
	}
}

func TestNewClientErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     *Config
		wantErr string
		notIn   string
	}{
		{name: "nil", cfg: nil, wantErr: "nil Config"},
		{name: "no host", cfg: &Config{}, wantErr: "Host is empty"},
		{name: "credentials in host", cfg: &Config{Host: "https://user:hunter2@k8s:6443"}, wantErr: "must not contain credentials", notIn: "hunter2"},
		{name: "bad scheme", cfg: &Config{Host: "ftp://k8s"}, wantErr: "scheme"},
		{name: "query in host", cfg: &Config{Host: "https://k8s?x=1"}, wantErr: "query"},
		{name: "insecure with CA", cfg: &Config{Host: "https://k8s", TLS: TLSConfig{Insecure: true, CAData: []byte("x")}}, wantErr: "Insecure cannot be combined"},
		{name: "CA not PEM", cfg: &Config{Host: "https://k8s", TLS: TLSConfig{CAData: []byte("nope")}}, wantErr: "no PEM certificate"},
		{name: "CA file missing", cfg: &Config{Host: "https://k8s", TLS: TLSConfig{CAFile: "/nonexistent/ca.crt"}}, wantErr: "/nonexistent/ca.crt"},
		{name: "cert without key", cfg: &Config{Host: "https://k8s", TLS: TLSConfig{CertFile: "/x"}}, wantErr: "need both"},
		{name: "key data not matching", cfg: &Config{Host: "https://k8s", TLS: TLSConfig{CertData: []byte("a"), KeyData: []byte("secret-key-material")}}, wantErr: "client certificate", notIn: "secret-key-material"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("NewClient = %v, want error containing %q", err, tc.wantErr)
			}
			if tc.notIn != "" && strings.Contains(err.Error(), tc.notIn) {
				t.Errorf("error %q leaks %q", err, tc.notIn)
			}
		})
	}
}

func TestHostForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:6443", "https://127.0.0.1:6443"},
		{"https://k8s:6443/", "https://k8s:6443"},
		{"https://rancher/k8s/clusters/c-1/", "https://rancher/k8s/clusters/c-1"},
		{"http://localhost:8080", "http://localhost:8080"},
	} {
		c := mustClient(t, &Config{Host: tc.in})
		if got := c.Host(); got != tc.want {
			t.Errorf("Host(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
