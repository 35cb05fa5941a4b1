package rest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http/httptrace"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// whoami asks the real server who the client is (SelfSubjectReview).
func whoami(t *testing.T, c *Client) string {
	t.Helper()
	resp, err := c.Do(context.Background(), &Request{
		Method: "POST", Path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
		Body: []byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`),
	})
	if err != nil {
		t.Fatalf("SelfSubjectReview: %v", err)
	}
	var review struct {
		Status struct {
			UserInfo struct {
				Username string   `json:"username"`
				Groups   []string `json:"groups"`
			} `json:"userInfo"`
		} `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&review); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return review.Status.UserInfo.Username
}

func baseConfig(env *cluster.Env) *Config {
	return &Config{Host: env.Server, TLS: TLSConfig{CAData: env.CAData}, WarningHandler: DiscardWarnings}
}

func TestIntegrationAuthentication(t *testing.T) {
	env := cluster.Get(t)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, env.Restricted.Token+"\n")
	execCfg, execLog := helperExec(t, "env-token", ExecEnvVar{Name: "KUBEDYN_REST_EXEC_TOKEN", Value: env.Admin.Token})
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{name: "bearer token", edit: func(c *Config) { c.BearerToken = env.Admin.Token }, want: env.Admin.Name},
		{name: "bearer token file", edit: func(c *Config) { c.BearerTokenFile = tokenFile }, want: env.Restricted.Name},
		{name: "client certificate files", edit: func(c *Config) { c.TLS.CertFile, c.TLS.KeyFile = env.CertUser.CertFile, env.CertUser.KeyFile }, want: env.CertUser.Name},
		{name: "client certificate data", edit: func(c *Config) { c.TLS.CertData, c.TLS.KeyData = env.CertUser.CertData, env.CertUser.KeyData }, want: env.CertUser.Name},
		{name: "exec plugin returning the admin token", edit: func(c *Config) { c.Exec = execCfg }, want: env.Admin.Name},
		{name: "CA from a file", edit: func(c *Config) { c.TLS.CAData, c.TLS.CAFile, c.BearerToken = nil, env.CAFile, env.Admin.Token }, want: env.Admin.Name},
		{name: "admin impersonating the restricted user", edit: func(c *Config) {
			c.BearerToken = env.Admin.Token
			c.Impersonate = Impersonation{UserName: env.Restricted.Name, Groups: []string{"system:authenticated"}}
		}, want: env.Restricted.Name},
		{name: "anonymous", want: "system:anonymous"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := baseConfig(env)
			if tc.edit != nil {
				tc.edit(cfg)
			}
			c := mustClient(t, cfg)
			if tc.want == "system:anonymous" {
				// Without credentials discovery is refused: 401 when the
				// server disables anonymous auth, else 403 for system:anonymous.
				_, err := c.Do(context.Background(), &Request{Path: "/api"})
				switch {
				case apierrors.IsUnauthorized(err):
				case apierrors.IsForbidden(err) && strings.Contains(err.Error(), "system:anonymous"):
				default:
					t.Fatalf("anonymous GET /api = %v, want 401 or 403 for system:anonymous", err)
				}
				return
			}
			if got := whoami(t, c); got != tc.want {
				t.Errorf("server sees %q, want %q", got, tc.want)
			}
			if cfg.Exec != nil {
				if n := len(pluginRuns(t, execLog)); n != 1 {
					t.Errorf("exec plugin ran %d times, want 1", n)
				}
			}
		})
	}
}

func TestIntegrationTokenFileRotation(t *testing.T) {
	env := cluster.Get(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	writeFile(t, tokenFile, env.Restricted.Token)
	cfg := baseConfig(env)
	cfg.BearerTokenFile = tokenFile
	c := mustClient(t, cfg)
	if got := whoami(t, c); got != env.Restricted.Name {
		t.Fatalf("before rotation: %q", got)
	}
	writeFile(t, tokenFile, env.Admin.Token)
	if got := whoami(t, c); got != env.Admin.Name {
		t.Errorf("after rotation the server sees %q, want %q", got, env.Admin.Name)
	}
}

func TestIntegrationErrors(t *testing.T) {
	env := cluster.Get(t)
	ns := env.Namespace(t)
	admin := baseConfig(env)
	admin.BearerToken = env.Admin.Token
	c := mustClient(t, admin)
	restrictedCfg := baseConfig(env)
	restrictedCfg.BearerToken = env.Restricted.Token
	restricted := mustClient(t, restrictedCfg)
	ctx := context.Background()
	cmPath, _ := ResourcePath{Version: "v1", Namespace: ns, Resource: "configmaps"}.Build()
	body := []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one"},"data":{"a":"b"}}`)
	resp, err := c.Do(ctx, &Request{Method: "POST", Path: cmPath, Body: body, Query: url.Values{"fieldManager": {"kubedyn-test"}}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	restrictedPath, _ := ResourcePath{Version: "v1", Namespace: env.RestrictedNamespace, Resource: "configmaps"}.Build()
	tests := []struct {
		name  string
		c     *Client
		req   *Request
		check func(error) bool
	}{
		{name: "not found", c: c, req: &Request{Path: cmPath + "/missing"}, check: apierrors.IsNotFound},
		{name: "already exists", c: c, req: &Request{Method: "POST", Path: cmPath, Body: body}, check: apierrors.IsAlreadyExists},
		{name: "conflict", c: c, req: &Request{Method: "PUT", Path: cmPath + "/one",
			Body: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","resourceVersion":"1"}}`)}, check: apierrors.IsConflict},
		{name: "invalid", c: c, req: &Request{Method: "POST", Path: cmPath, Body: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"UPPER"}}`)}, check: apierrors.IsInvalid},
		{name: "restricted user's forbidden write", c: restricted, req: &Request{Method: "POST", Path: restrictedPath,
			Body: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"denied"}}`)}, check: apierrors.IsForbidden},
		{name: "restricted user's read elsewhere", c: restricted, req: &Request{Path: cmPath}, check: apierrors.IsForbidden},
		{name: "wrong token", c: mustClient(t, &Config{Host: env.Server, TLS: TLSConfig{CAData: env.CAData}, BearerToken: "not-a-token"}),
			req: &Request{Path: "/api"}, check: apierrors.IsUnauthorized},
		{name: "no such path", c: c, req: &Request{Path: "/apis/nope.example.com/v1/things"}, check: apierrors.IsNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := tc.c.Do(ctx, tc.req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("%s %s succeeded", tc.req.Method, tc.req.Path)
			}
			if !tc.check(err) {
				t.Errorf("unexpected error %T: %v", err, err)
			}
			if strings.Contains(err.Error(), env.Admin.Token) || strings.Contains(err.Error(), env.Restricted.Token) {
				t.Errorf("error leaks a token: %v", err)
			}
		})
	}

	// The restricted user may read its namespace.
	resp, err = restricted.Do(ctx, &Request{Path: restrictedPath, Query: url.Values{"limit": {"1"}}})
	if err != nil {
		t.Fatalf("restricted list in its namespace: %v", err)
	}
	resp.Body.Close()
}

func TestIntegrationKubeconfigContexts(t *testing.T) {
	env := cluster.Get(t)
	tests := []struct {
		context, wantUser, wantNamespace string
	}{
		{"", env.Admin.Name, ""}, // current-context is admin
		{env.Admin.Context, env.Admin.Name, ""},
		{env.CertUser.Context, env.CertUser.Name, ""},
		{env.Restricted.Context, env.Restricted.Name, env.RestrictedNamespace},
	}
	for _, tc := range tests {
		t.Run("context "+tc.context, func(t *testing.T) {
			cfg, err := Load(LoadOptions{KubeconfigPath: env.Kubeconfig, Context: tc.context})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Namespace != tc.wantNamespace {
				t.Errorf("namespace %q, want %q", cfg.Namespace, tc.wantNamespace)
			}
			cfg.WarningHandler = DiscardWarnings
			if got := whoami(t, mustClient(t, cfg)); got != tc.wantUser {
				t.Errorf("server sees %q, want %q", got, tc.wantUser)
			}
		})
	}
	// The same through $KUBECONFIG, merged after a missing file.
	cfg, err := Load(LoadOptions{Getenv: func(k string) string {
		if k == "KUBECONFIG" {
			return filepath.Join(t.TempDir(), "missing") + ":" + env.Kubeconfig
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := whoami(t, mustClient(t, cfg)); got != env.Admin.Name {
		t.Errorf("via KUBECONFIG the server sees %q", got)
	}
}

func TestIntegrationHTTP2(t *testing.T) {
	env := cluster.Get(t)
	cfg := baseConfig(env)
	cfg.BearerToken = env.Admin.Token
	c := mustClient(t, cfg)
	var mu sync.Mutex
	var protos []string
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if tc, ok := info.Conn.(*tls.Conn); ok {
			mu.Lock()
			protos = append(protos, tc.ConnectionState().NegotiatedProtocol)
			mu.Unlock()
		}
	}}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	for range 3 {
		resp, err := c.Do(ctx, &Request{Path: "/version"})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(protos) == 0 {
		t.Fatal("no connection traced")
	}
	for _, p := range protos {
		if p != "h2" {
			t.Errorf("negotiated %q, want h2 (all: %v)", p, protos)
		}
	}
}

func TestIntegrationWarningsAndWatchTimeout(t *testing.T) {
	env := cluster.Get(t)
	ns := env.Namespace(t)
	var mu sync.Mutex
	var warnings []string
	cfg := baseConfig(env)
	cfg.BearerToken = env.Admin.Token
	cfg.Timeout = 500 * time.Millisecond
	cfg.WarningHandler = WarningHandlerFunc(func(w Warning) {
		mu.Lock()
		defer mu.Unlock()
		warnings = append(warnings, w.Text)
	})
	c := mustClient(t, cfg)
	ctx := context.Background()
	path, _ := ResourcePath{Version: "v1", Namespace: ns, Resource: "configmaps"}.Build()
	resp, err := c.Do(ctx, &Request{Method: "POST", Path: path, Query: url.Values{"fieldValidation": {"Warn"}},
		Body: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"},"bogus":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	if diff := cmp.Diff([]string{`unknown field "bogus"`}, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	mu.Unlock()

	// A watch outlives Config.Timeout; the server ends it after timeoutSeconds.
	start := time.Now()
	resp, err = c.Do(ctx, &Request{Path: path, Query: url.Values{"watch": {"true"}, "timeoutSeconds": {"2"}}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("watch cut after %v: %v", time.Since(start), err)
	}
	if d := time.Since(start); d < 1500*time.Millisecond {
		t.Errorf("watch ended after %v", d)
	}
	if !strings.Contains(string(data), `"type":"ADDED"`) {
		t.Errorf("watch body lacks the ADDED event: %.200s", data)
	}
}
