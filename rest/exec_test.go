package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// helperExec returns an ExecConfig that runs this test binary as a plugin in
// mode, logging each run's KUBERNETES_EXEC_INFO to the returned file.
func helperExec(t *testing.T, mode string, extra ...ExecEnvVar) (*ExecConfig, string) {
	t.Helper()
	log := filepath.Join(t.TempDir(), "runs.log")
	return &ExecConfig{
		Command:         os.Args[0],
		APIVersion:      ExecAPIVersionV1,
		InteractiveMode: ExecInteractiveNever,
		// GORACE: a -race helper would otherwise sleep 1s before exiting.
		Env: append([]ExecEnvVar{{Name: execHelperEnv, Value: mode}, {Name: execHelperLogEnv, Value: log}, {Name: "GORACE", Value: "atexit_sleep_ms=0"}}, extra...),
	}, log
}

// pluginRuns returns the KUBERNETES_EXEC_INFO of each plugin run.
func pluginRuns(t *testing.T, log string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var runs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("KUBERNETES_EXEC_INFO %q: %v", line, err)
		}
		runs = append(runs, m)
	}
	return runs
}

// authServer records the Authorization header of each request and answers
// with status(header).
type authServer struct {
	cfg *Config

	mu   sync.Mutex // guards seen
	seen []string
}

func newAuthServer(t *testing.T, status func(authz string) int) *authServer {
	s := &authServer{}
	_, s.cfg = newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		s.mu.Lock()
		s.seen = append(s.seen, a)
		s.mu.Unlock()
		if status != nil {
			w.WriteHeader(status(a))
		}
	})
	return s
}

func (s *authServer) headers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func TestExecPlugin(t *testing.T) {
	unauthorizedFor := func(stale string) func(string) int {
		return func(a string) int {
			if a == stale {
				return http.StatusUnauthorized
			}
			return http.StatusOK
		}
	}
	tests := []struct {
		name      string
		mode      string
		edit      func(*ExecConfig)
		status    func(authz string) int
		requests  int
		wantSeen  []string // Authorization headers the server saw
		wantRuns  int
		wantErr   []string // substrings of the error of the last request
		wantNoErr []string // must not be in the error
		unauth    bool     // the error is a 401
	}{
		{name: "v1 token cached without expiry", mode: "token:tok:0", requests: 3,
			wantSeen: []string{"Bearer tok-1", "Bearer tok-1", "Bearer tok-1"}, wantRuns: 1},
		{name: "v1beta1 defaults interactiveMode", mode: "token:tok:0", requests: 1,
			edit:     func(e *ExecConfig) { e.APIVersion, e.InteractiveMode = ExecAPIVersionV1beta1, "" },
			wantSeen: []string{"Bearer tok-1"}, wantRuns: 1},
		{name: "cached until expiry", mode: "token:tok:1h", requests: 2,
			wantSeen: []string{"Bearer tok-1", "Bearer tok-1"}, wantRuns: 1},
		{name: "expired credential re-runs the plugin", mode: "token:tok:-1h", requests: 3,
			wantSeen: []string{"Bearer tok-1", "Bearer tok-2", "Bearer tok-3"}, wantRuns: 3},
		{name: "401 re-runs the plugin once and retries", mode: "token:tok:0", requests: 2, status: unauthorizedFor("Bearer tok-1"),
			wantSeen: []string{"Bearer tok-1", "Bearer tok-2", "Bearer tok-2"}, wantRuns: 2},
		{name: "persistent 401 is returned after one re-run", mode: "token:tok:0", requests: 1, status: func(string) int { return 401 },
			wantSeen: []string{"Bearer tok-1", "Bearer tok-2"}, wantRuns: 2, unauth: true},
		{name: "failure carries stderr", mode: "fail", requests: 1, wantRuns: 1,
			wantErr: []string{"exec plugin", "failed", "login failed: bad password", "exit status 1"}},
		{name: "garbage output", mode: "garbage", requests: 1, wantRuns: 1,
			wantErr: []string{"not an ExecCredential", "oops"}, wantNoErr: []string{"supersecret"}},
		{name: "wrong apiVersion in output", mode: "wrong-version", requests: 1, wantRuns: 1,
			wantErr: []string{`apiVersion "client.authentication.k8s.io/v1alpha1"`}},
		{name: "no status", mode: "no-status", requests: 1, wantRuns: 1, wantErr: []string{"no status"}},
		{name: "missing binary names it and the install hint", mode: "token:x:0", requests: 1,
			edit: func(e *ExecConfig) {
				e.Command, e.InstallHint = "kubedyn-no-such-plugin", "Install it with: go install example.com/plugin"
			},
			wantErr: []string{`"kubedyn-no-such-plugin" not found`, "go install example.com/plugin"}},
		{name: "interactive Always without a terminal fails before running", mode: "token:x:0", requests: 1,
			edit:    func(e *ExecConfig) { e.InteractiveMode, e.Stdin = ExecInteractiveAlways, strings.NewReader("") },
			wantErr: []string{"Always", "not a terminal"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAuthServer(t, tc.status)
			e, log := helperExec(t, tc.mode)
			if tc.edit != nil {
				tc.edit(e)
			}
			srv.cfg.Exec = e
			c := mustClient(t, srv.cfg)
			var err error
			for range tc.requests {
				var resp *Response
				resp, err = c.Do(context.Background(), &Request{Path: "/api"})
				if err == nil {
					resp.Body.Close()
				}
			}
			switch {
			case len(tc.wantErr) == 0 && !tc.unauth && err != nil:
				t.Fatalf("Do: %v", err)
			case tc.unauth && !apierrors.IsUnauthorized(err):
				t.Errorf("Do = %v, want a 401", err)
			}
			for _, s := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("error %v lacks %q", err, s)
				}
			}
			for _, s := range tc.wantNoErr {
				if err != nil && strings.Contains(err.Error(), s) {
					t.Errorf("error %v contains %q", err, s)
				}
			}
			if diff := cmp.Diff(tc.wantSeen, srv.headers()); diff != "" {
				t.Errorf("Authorization headers (-want +got):\n%s", diff)
			}
			if got := len(pluginRuns(t, log)); got != tc.wantRuns {
				t.Errorf("plugin ran %d times, want %d", got, tc.wantRuns)
			}
		})
	}
}

func TestExecPluginInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*ExecConfig)
		want map[string]any
	}{
		{
			name: "v1 without cluster info",
			want: map[string]any{"apiVersion": ExecAPIVersionV1, "kind": "ExecCredential", "spec": map[string]any{"interactive": false}},
		},
		{
			name: "v1beta1 IfAvailable without a terminal is not interactive",
			edit: func(e *ExecConfig) {
				e.APIVersion, e.InteractiveMode, e.Stdin = ExecAPIVersionV1beta1, ExecInteractiveIfAvailable, strings.NewReader("")
			},
			want: map[string]any{"apiVersion": ExecAPIVersionV1beta1, "kind": "ExecCredential", "spec": map[string]any{"interactive": false}},
		},
		{
			name: "provideClusterInfo passes server, CA, TLS name, proxy and extension",
			edit: func(e *ExecConfig) {
				e.ProvideClusterInfo, e.ClusterConfig = true, json.RawMessage(`{"audience":"k8s"}`)
			},
			want: map[string]any{"apiVersion": ExecAPIVersionV1, "kind": "ExecCredential", "spec": map[string]any{
				"interactive": false,
				"cluster": map[string]any{
					"server": "SERVER", "certificate-authority-data": "CA", "tls-server-name": "example.com",
					"config": map[string]any{"audience": "k8s"},
				},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAuthServer(t, nil)
			e, log := helperExec(t, "token:tok:0")
			if tc.edit != nil {
				tc.edit(e)
			}
			srv.cfg.Exec = e
			srv.cfg.TLS.ServerName = "example.com"
			c := mustClient(t, srv.cfg)
			// The request fails the TLS name check; the plugin has run by then.
			_, _ = c.Do(context.Background(), &Request{Path: "/api"})
			runs := pluginRuns(t, log)
			if len(runs) != 1 {
				t.Fatalf("plugin ran %d times, want 1", len(runs))
			}
			if cl, ok := runs[0]["spec"].(map[string]any)["cluster"].(map[string]any); ok {
				if cl["server"] == srv.cfg.Host {
					cl["server"] = "SERVER"
				}
				if ca, _ := json.Marshal(srv.cfg.TLS.CAData); cl["certificate-authority-data"] == strings.Trim(string(ca), `"`) {
					cl["certificate-authority-data"] = "CA"
				}
			}
			if diff := cmp.Diff(tc.want, runs[0]); diff != "" {
				t.Errorf("KUBERNETES_EXEC_INFO (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExecConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		exec    ExecConfig
		wantErr string
	}{
		{name: "v1 needs interactiveMode", exec: ExecConfig{Command: "x", APIVersion: ExecAPIVersionV1}, wantErr: "interactiveMode must be set"},
		{name: "unknown apiVersion", exec: ExecConfig{Command: "x", APIVersion: "client.authentication.k8s.io/v1alpha1"}, wantErr: "unsupported apiVersion"},
		{name: "bad interactiveMode", exec: ExecConfig{Command: "x", APIVersion: ExecAPIVersionV1, InteractiveMode: "Sometimes"}, wantErr: "invalid interactiveMode"},
		{name: "empty command", exec: ExecConfig{APIVersion: ExecAPIVersionV1, InteractiveMode: "Never"}, wantErr: "empty command"},
		{name: "empty env name", exec: ExecConfig{Command: "x", APIVersion: ExecAPIVersionV1, InteractiveMode: "Never", Env: []ExecEnvVar{{Value: "v"}}}, wantErr: "empty name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(&Config{Host: "https://127.0.0.1:1", Exec: &tc.exec})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("NewClient = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestExecPluginClientCertificate(t *testing.T) {
	srv := newClientCertServer(t)
	dir := t.TempDir()
	certPEM, keyPEM := selfSignedClientCert(t, "exec-user")
	writeFile(t, filepath.Join(dir, "c.crt"), string(certPEM))
	writeFile(t, filepath.Join(dir, "c.key"), string(keyPEM))
	e, log := helperExec(t, "cert",
		ExecEnvVar{Name: "KUBEDYN_REST_EXEC_CERT", Value: filepath.Join(dir, "c.crt")},
		ExecEnvVar{Name: "KUBEDYN_REST_EXEC_KEY", Value: filepath.Join(dir, "c.key")})
	srv.cfg.Exec = e
	c := mustClient(t, srv.cfg)
	for range 2 {
		resp, err := c.Do(context.Background(), &Request{Path: "/api"})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if diff := cmp.Diff([]string{"exec-user", "exec-user"}, srv.seen()); diff != "" {
		t.Errorf("client certificates seen (-want +got):\n%s", diff)
	}
	if n := len(pluginRuns(t, log)); n != 1 {
		t.Errorf("plugin ran %d times, want 1", n)
	}
}

func TestExecPluginConcurrent401RunsOnce(t *testing.T) {
	srv := newAuthServer(t, func(a string) int {
		if a == "Bearer tok-1" {
			return http.StatusUnauthorized
		}
		return http.StatusOK
	})
	e, log := helperExec(t, "token:tok:0")
	srv.cfg.Exec = e
	c := mustClient(t, srv.cfg)
	// Warm the cache with tok-1, which the server now rejects.
	if _, err := c.auth.exec.credential(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			resp, err := c.Do(context.Background(), &Request{Path: "/api"})
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(pluginRuns(t, log)); n != 2 {
		t.Errorf("plugin ran %d times for 20 concurrent 401s, want 2 (initial + one refresh)", n)
	}
}
