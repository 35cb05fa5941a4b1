package rest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ctxSpec is one context of a test kubeconfig with its own cluster and user;
// an empty server or token leaves that entry out.
type ctxSpec struct {
	name, cluster, server, user, token, namespace string
}

func kubeconfigYAML(current string, cs ...ctxSpec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Config\ncurrent-context: %q\nclusters:\n", current)
	for _, c := range cs {
		if c.server != "" {
			fmt.Fprintf(&b, "- name: %s\n  cluster:\n    server: %s\n", c.cluster, c.server)
		}
	}
	b.WriteString("users:\n")
	for _, c := range cs {
		if c.token != "" {
			fmt.Fprintf(&b, "- name: %s\n  user:\n    token: %s\n", c.user, c.token)
		}
	}
	b.WriteString("contexts:\n")
	for _, c := range cs {
		if c.name != "" {
			fmt.Fprintf(&b, "- name: %s\n  context:\n    cluster: %s\n    user: %s\n    namespace: %q\n", c.name, c.cluster, c.user, c.namespace)
		}
	}
	return b.String()
}

var (
	ctxA = ctxSpec{name: "a", cluster: "ca", server: "https://a.example:6443", user: "ua", token: "token-a", namespace: "ns-a"}
	ctxB = ctxSpec{name: "b", cluster: "cb", server: "https://b.example:6443", user: "ub", token: "token-b"}
)

func TestLoadPrecedence(t *testing.T) {
	tests := []struct {
		name       string
		files      map[string]string // file name in the temp dir → contents; "home" is ~/.kube/config
		explicit   string            // LoadOptions.KubeconfigPath (a file name in the temp dir)
		kubeconfig []string          // $KUBECONFIG entries (file names in the temp dir)
		opts       LoadOptions
		inCluster  bool // set KUBERNETES_SERVICE_* and write service-account files
		want       *Config
		wantErr    []string // substrings
		wantNoCfg  bool     // error wraps ErrNoConfig
	}{
		{
			name:       "explicit path alone, ignoring KUBECONFIG and home",
			files:      map[string]string{"x": kubeconfigYAML("b", ctxB), "k": kubeconfigYAML("a", ctxA), "home": kubeconfigYAML("a", ctxA)},
			explicit:   "x",
			kubeconfig: []string{"k"},
			want:       &Config{Host: "https://b.example:6443", BearerToken: "token-b"},
		},
		{
			name:       "explicit path missing is an error, with no fallback",
			files:      map[string]string{"k": kubeconfigYAML("a", ctxA)},
			explicit:   "missing",
			kubeconfig: []string{"k"},
			inCluster:  true,
			wantErr:    []string{"read kubeconfig", "missing", "no such file"},
		},
		{
			name:       "KUBECONFIG single file",
			files:      map[string]string{"k": kubeconfigYAML("a", ctxA, ctxB)},
			kubeconfig: []string{"k"},
			want:       &Config{Host: "https://a.example:6443", BearerToken: "token-a", Namespace: "ns-a"},
		},
		{
			name: "KUBECONFIG merges entries across files",
			files: map[string]string{
				"1": "current-context: b\ncontexts:\n- name: b\n  context: {cluster: cb, user: ub}\n",
				"2": kubeconfigYAML("", ctxSpec{cluster: "cb", server: "https://b.example:6443", user: "ub", token: "token-b"}),
			},
			kubeconfig: []string{"1", "2"},
			want:       &Config{Host: "https://b.example:6443", BearerToken: "token-b"},
		},
		{
			name: "KUBECONFIG first file to define a name wins the whole entry",
			files: map[string]string{
				"1": kubeconfigYAML("a", ctxA),
				"2": "clusters:\n- name: ca\n  cluster: {server: 'https://other:1', tls-server-name: sneaky}\nusers:\n- name: ua\n  user: {token: other}\n",
			},
			kubeconfig: []string{"1", "2"},
			want:       &Config{Host: "https://a.example:6443", BearerToken: "token-a", Namespace: "ns-a"},
		},
		{
			name:       "KUBECONFIG first non-empty current-context wins",
			files:      map[string]string{"1": kubeconfigYAML("", ctxA), "2": kubeconfigYAML("b", ctxB), "3": kubeconfigYAML("a")},
			kubeconfig: []string{"1", "2", "3"},
			want:       &Config{Host: "https://b.example:6443", BearerToken: "token-b"},
		},
		{
			name:       "KUBECONFIG skips missing files, empty entries and duplicates",
			files:      map[string]string{"2": kubeconfigYAML("a", ctxA)},
			kubeconfig: []string{"missing", "", "2", "2"},
			want:       &Config{Host: "https://a.example:6443", BearerToken: "token-a", Namespace: "ns-a"},
		},
		{
			name:       "KUBECONFIG replaces ~/.kube/config",
			files:      map[string]string{"home": kubeconfigYAML("a", ctxA), "k": kubeconfigYAML("b", ctxB)},
			kubeconfig: []string{"k"},
			want:       &Config{Host: "https://b.example:6443", BearerToken: "token-b"},
		},
		{
			name:  "~/.kube/config without KUBECONFIG",
			files: map[string]string{"home": kubeconfigYAML("b", ctxA, ctxB)},
			want:  &Config{Host: "https://b.example:6443", BearerToken: "token-b"},
		},
		{
			name:  "context override and namespace from that context",
			files: map[string]string{"home": kubeconfigYAML("b", ctxA, ctxB)},
			opts:  LoadOptions{Context: "a"},
			want:  &Config{Host: "https://a.example:6443", BearerToken: "token-a", Namespace: "ns-a"},
		},
		{
			name:  "namespace override",
			files: map[string]string{"home": kubeconfigYAML("a", ctxA)},
			opts:  LoadOptions{Namespace: "override"},
			want:  &Config{Host: "https://a.example:6443", BearerToken: "token-a", Namespace: "override"},
		},
		{
			name:  "cluster and user overrides",
			files: map[string]string{"home": kubeconfigYAML("a", ctxA, ctxB)},
			opts:  LoadOptions{Cluster: "cb", User: "ub"},
			want:  &Config{Host: "https://b.example:6443", BearerToken: "token-b", Namespace: "ns-a"},
		},
		{
			name:      "unknown context override is an error, even in a cluster",
			files:     map[string]string{"home": kubeconfigYAML("a", ctxA, ctxB)},
			opts:      LoadOptions{Context: "nope"},
			inCluster: true,
			wantErr:   []string{`context "nope" not found`, `"a", "b"`},
		},
		{
			name:    "unknown user override",
			files:   map[string]string{"home": kubeconfigYAML("a", ctxA)},
			opts:    LoadOptions{User: "nope"},
			wantErr: []string{`user "nope" not found`},
		},
		{
			name:      "no kubeconfig: in-cluster",
			inCluster: true,
			want:      &Config{Host: "https://10.0.0.1:443", BearerTokenFile: "SA/token", TLS: TLSConfig{CAFile: "SA/ca.crt"}, Namespace: "pod-ns"},
		},
		{
			name:      "kubeconfig without current-context: in-cluster",
			files:     map[string]string{"home": kubeconfigYAML("", ctxA)},
			inCluster: true,
			want:      &Config{Host: "https://10.0.0.1:443", BearerTokenFile: "SA/token", TLS: TLSConfig{CAFile: "SA/ca.crt"}, Namespace: "pod-ns"},
		},
		{
			name:      "in-cluster with namespace override",
			inCluster: true,
			opts:      LoadOptions{Namespace: "mine"},
			want:      &Config{Host: "https://10.0.0.1:443", BearerTokenFile: "SA/token", TLS: TLSConfig{CAFile: "SA/ca.crt"}, Namespace: "mine"},
		},
		{
			name:      "context naming an undefined cluster: in-cluster",
			files:     map[string]string{"home": "current-context: x\ncontexts:\n- name: x\n  context: {cluster: gone, user: u}\n"},
			inCluster: true,
			want:      &Config{Host: "https://10.0.0.1:443", BearerTokenFile: "SA/token", TLS: TLSConfig{CAFile: "SA/ca.crt"}, Namespace: "pod-ns"},
		},
		{
			name:       "nothing works: every source listed",
			files:      map[string]string{"empty": ""},
			kubeconfig: []string{"missing", "empty"},
			wantNoCfg:  true,
			wantErr:    []string{"missing: does not exist", "no current-context", "in-cluster: KUBERNETES_SERVICE_HOST"},
		},
		{
			name:      "no HOME file and no cluster",
			wantNoCfg: true,
			wantErr:   []string{".kube/config: does not exist", "in-cluster"},
		},
		{
			name:       "a file that does not parse is an error, not skipped",
			files:      map[string]string{"bad": "clusters: [", "good": kubeconfigYAML("a", ctxA)},
			kubeconfig: []string{"bad", "good"},
			wantErr:    []string{"kubeconfig", "bad", "parse kubeconfig"},
		},
		{
			name:      "cluster without a server is an error, not a fallback",
			files:     map[string]string{"home": "current-context: x\nclusters:\n- name: c\n  cluster: {tls-server-name: foo}\ncontexts:\n- name: x\n  context: {cluster: c}\n"},
			inCluster: true,
			wantErr:   []string{`cluster "c" has no server`},
		},
		{
			name:    "duplicate names in one file",
			files:   map[string]string{"home": kubeconfigYAML("a", ctxA, ctxA)},
			wantErr: []string{`cluster "ca" is defined twice`},
		},
		{
			name:    "token and basic auth together",
			files:   map[string]string{"home": "current-context: x\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user: {token: t, username: a, password: b}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"},
			wantErr: []string{"more than one authentication method"},
		},
		{
			name:    "legacy auth-provider",
			files:   map[string]string{"home": "current-context: x\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user: {auth-provider: {name: gcp}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"},
			wantErr: []string{`auth-provider "gcp" is not supported`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			home := filepath.Join(dir, "home")
			env := map[string]string{"HOME": home}
			for name, content := range tc.files {
				p := filepath.Join(dir, name)
				if name == "home" {
					p = filepath.Join(home, ".kube", "config")
				}
				writeFile(t, p, content)
			}
			var kc []string
			for _, f := range tc.kubeconfig {
				if f != "" {
					f = filepath.Join(dir, f)
				}
				kc = append(kc, f)
			}
			if len(kc) > 0 {
				env["KUBECONFIG"] = strings.Join(kc, string(os.PathListSeparator))
			}
			sa := filepath.Join(dir, "sa")
			if tc.inCluster {
				env["KUBERNETES_SERVICE_HOST"], env["KUBERNETES_SERVICE_PORT"] = "10.0.0.1", "443"
				writeFile(t, filepath.Join(sa, "token"), "sa-token")
				writeFile(t, filepath.Join(sa, "ca.crt"), "ca")
				writeFile(t, filepath.Join(sa, "namespace"), "pod-ns\n")
			}
			opts := tc.opts
			if tc.explicit != "" {
				opts.KubeconfigPath = filepath.Join(dir, tc.explicit)
			}
			opts.Getenv = func(k string) string { return env[k] }
			opts.ServiceAccountDir = sa

			got, err := Load(opts)
			if len(tc.wantErr) > 0 || tc.wantNoCfg {
				if err == nil {
					t.Fatalf("Load = %+v, want an error", got)
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				if errors.Is(err, ErrNoConfig) != tc.wantNoCfg {
					t.Errorf("errors.Is(%v, ErrNoConfig) = %v, want %v", err, !tc.wantNoCfg, tc.wantNoCfg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := *tc.want
			want.BearerTokenFile = strings.Replace(want.BearerTokenFile, "SA", sa, 1)
			want.TLS.CAFile = strings.Replace(want.TLS.CAFile, "SA", sa, 1)
			if diff := cmp.Diff(&want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
