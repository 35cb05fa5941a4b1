package rest

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const fullKubeconfig = `apiVersion: v1
kind: Config
current-context: full
clusters:
- name: c
  cluster:
    server: https://k.example:6443/prefix
    certificate-authority: certs/ca.crt
    tls-server-name: kubernetes.default
    proxy-url: socks5://proxy.example:1080
    disable-compression: true
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: k8s}
    - name: other
      extension: {ignored: true}
users:
- name: u
  user:
    client-certificate: certs/client.crt
    client-key: /abs/client.key
    tokenFile: ../tokens/t
    as: alice
    as-uid: "1234"
    as-groups: [devs, ops]
    as-user-extra: {reason: [testing]}
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/plugin
      args: [get-token, --flag]
      env: [{name: A, value: b}]
      installHint: install it
      provideClusterInfo: true
      interactiveMode: Never
- name: bare
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: kubelogin}
contexts:
- name: full
  context: {cluster: c, user: u, namespace: team}
- name: bare
  context: {cluster: c, user: bare}
`

func TestKubeconfigFieldsAndRelativePaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "conf", "kubeconfig")
	writeFile(t, path, fullKubeconfig)
	base := filepath.Join(dir, "conf")

	tests := []struct {
		name string
		opts LoadOptions
		want *Config
	}{
		{
			name: "every field, relative paths against the file's directory",
			opts: LoadOptions{KubeconfigPath: path},
			want: &Config{
				Host: "https://k.example:6443/prefix",
				TLS: TLSConfig{
					CAFile: filepath.Join(base, "certs/ca.crt"), ServerName: "kubernetes.default",
					CertFile: filepath.Join(base, "certs/client.crt"), KeyFile: "/abs/client.key",
				},
				BearerTokenFile:    filepath.Join(dir, "tokens/t"),
				ProxyURL:           "socks5://proxy.example:1080",
				DisableCompression: true,
				Impersonate:        Impersonation{UserName: "alice", UID: "1234", Groups: []string{"devs", "ops"}, Extra: map[string][]string{"reason": {"testing"}}},
				Exec: &ExecConfig{
					APIVersion: ExecAPIVersionV1, Command: filepath.Join(base, "bin/plugin"), Args: []string{"get-token", "--flag"},
					Env: []ExecEnvVar{{Name: "A", Value: "b"}}, InstallHint: "install it", ProvideClusterInfo: true,
					InteractiveMode: "Never", ClusterConfig: json.RawMessage(`{"audience":"k8s"}`),
				},
				Namespace: "team",
			},
		},
		{
			name: "a bare exec command stays a PATH lookup",
			opts: LoadOptions{KubeconfigPath: path, Context: "bare"},
			want: &Config{
				Host:     "https://k.example:6443/prefix",
				TLS:      TLSConfig{CAFile: filepath.Join(base, "certs/ca.crt"), ServerName: "kubernetes.default"},
				Exec:     &ExecConfig{APIVersion: ExecAPIVersionV1beta1, Command: "kubelogin", ClusterConfig: json.RawMessage(`{"audience":"k8s"}`)},
				ProxyURL: "socks5://proxy.example:1080", DisableCompression: true,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseKubeconfig(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
		check   func(*Kubeconfig) bool
	}{
		{name: "empty", in: "", check: func(k *Kubeconfig) bool { return len(k.Clusters) == 0 && k.CurrentContext == "" }},
		{name: "whitespace only", in: "\n  \n", check: func(k *Kubeconfig) bool { return len(k.Contexts) == 0 }},
		{name: "JSON", in: `{"current-context":"x","contexts":[{"name":"x","context":{"cluster":"c"}}]}`, check: func(k *Kubeconfig) bool { return k.Contexts["x"].Cluster == "c" }},
		{name: "entry without body", in: "clusters:\n- name: c\n", check: func(k *Kubeconfig) bool { return k.Clusters["c"] != nil }},
		{name: "base64 CA data", in: "clusters:\n- name: c\n  cluster: {certificate-authority-data: aGVsbG8=}\n", check: func(k *Kubeconfig) bool { return string(k.Clusters["c"].CertificateAuthorityData) == "hello" }},
		{name: "bad base64", in: "clusters:\n- name: c\n  cluster: {certificate-authority-data: '!!'}\n", wantErr: "parse kubeconfig"},
		{name: "wrong kind", in: "kind: Pod\n", wantErr: `kind is "Pod"`},
		{name: "wrong apiVersion", in: "apiVersion: v2\nkind: Config\n", wantErr: `apiVersion is "v2"`},
		{name: "not YAML", in: "{{{", wantErr: "parse kubeconfig"},
		{name: "duplicate user", in: "users:\n- name: u\n- name: u\n", wantErr: `user "u" is defined twice`},
		{name: "duplicate context", in: "contexts:\n- name: x\n- name: x\n", wantErr: `context "x" is defined twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kc, err := ParseKubeconfig([]byte(tc.in), "/base")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseKubeconfig = %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(kc) {
				t.Errorf("unexpected result %+v", kc)
			}
		})
	}
}

func FuzzParseKubeconfig(f *testing.F) {
	f.Add([]byte(fullKubeconfig))
	f.Add([]byte(kubeconfigYAML("a", ctxA, ctxB)))
	f.Add([]byte(`{"clusters":[{"name":"c","cluster":null}],"contexts":[{"name":"x","context":{"cluster":"c"}}],"current-context":"x"}`))
	f.Add([]byte("users:\n- name: u\n  user: {exec: {command: a/b}}\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		kc, err := ParseKubeconfig(data, "/base")
		if err != nil {
			return
		}
		// Whatever parses must select, merge and convert without panicking.
		merged := mergeKubeconfigs([]*Kubeconfig{kc, kc})
		for name := range merged.Contexts {
			if cfg, err := merged.Config(LoadOptions{Context: name}); err == nil && cfg.Host == "" {
				t.Fatalf("context %q gave a Config without a host", name)
			}
		}
		_, _ = merged.Config(LoadOptions{})
	})
}
