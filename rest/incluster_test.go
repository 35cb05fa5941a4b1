package rest

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInCluster(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		files   map[string]string
		want    *Config
		wantErr string
	}{
		{
			name:  "all files",
			env:   map[string]string{"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"},
			files: map[string]string{"token": "t", "ca.crt": "ca", "namespace": "apps\n"},
			want:  &Config{Host: "https://10.96.0.1:443", BearerTokenFile: "SA/token", TLS: TLSConfig{CAFile: "SA/ca.crt"}, Namespace: "apps"},
		},
		{
			name:  "IPv6 host, POD_NAMESPACE wins, no CA file",
			env:   map[string]string{"KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443", "POD_NAMESPACE": "from-env"},
			files: map[string]string{"token": "t", "namespace": "from-file"},
			want:  &Config{Host: "https://[fd00::1]:6443", BearerTokenFile: "SA/token", Namespace: "from-env"},
		},
		{
			name:    "no service env",
			files:   map[string]string{"token": "t"},
			wantErr: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set",
		},
		{
			name:    "no token",
			env:     map[string]string{"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"},
			wantErr: "service-account token",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				writeFile(t, filepath.Join(dir, name), content)
			}
			got, err := inCluster(func(k string) string { return tc.env[k] }, dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("inCluster = %v, want error %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := *tc.want
			want.BearerTokenFile = strings.Replace(want.BearerTokenFile, "SA", dir, 1)
			want.TLS.CAFile = strings.Replace(want.TLS.CAFile, "SA", dir, 1)
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestInClusterTokenRotation runs a client from in-cluster files against a
// local server and rotates the token, as the kubelet does every hour.
func TestInClusterTokenRotation(t *testing.T) {
	srv := newAuthServer(t, nil)
	u, err := url.Parse(srv.cfg.Host)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "token"), "bound-token-1")
	writeFile(t, filepath.Join(dir, "ca.crt"), string(srv.cfg.TLS.CAData))
	env := map[string]string{"KUBERNETES_SERVICE_HOST": u.Hostname(), "KUBERNETES_SERVICE_PORT": u.Port()}
	cfg, err := inCluster(func(k string) string { return env[k] }, dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.WarningHandler = DiscardWarnings
	c := mustClient(t, cfg)
	for _, next := range []string{"bound-token-2", ""} {
		resp, err := c.Do(context.Background(), &Request{Path: "/api"})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if next != "" {
			writeFile(t, filepath.Join(dir, "token"), next)
		}
	}
	if diff := cmp.Diff([]string{"Bearer bound-token-1", "Bearer bound-token-2"}, srv.headers()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
