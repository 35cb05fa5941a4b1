package rest

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// secretConfig returns a Config with a distinct secret in every place one
// can hold, and the secrets.
func secretConfig() (*Config, []string) {
	secrets := []string{"tok-9a1f", "pw-77c2", "KEYDATA-5be1", "argtok-31d0", "envval-e4a2", "clustercfg-0c9b", "hosttok-6d13", "proxypw-21aa"}
	cfg := &Config{
		Host:        "https://api.example:6443/?token=hosttok-6d13",
		BearerToken: "tok-9a1f",
		Username:    "admin", Password: "pw-77c2",
		TLS:      TLSConfig{KeyData: []byte("-----BEGIN EC PRIVATE KEY-----\nKEYDATA-5be1\n-----END EC PRIVATE KEY-----\n"), CertData: []byte("CERT")},
		ProxyURL: "http://user:proxypw-21aa@proxy:3128",
		Exec: &ExecConfig{Command: "plugin", Args: []string{"--token=argtok-31d0"}, Env: []ExecEnvVar{{Name: "TOKEN", Value: "envval-e4a2"}},
			ClusterConfig: json.RawMessage(`{"secret":"clustercfg-0c9b"}`)},
	}
	return cfg, secrets
}

// TestConfigFormatsWithoutSecrets formats a Config every way fmt can, alone,
// through a pointer, inside a struct and a slice, and finds no secret.
func TestConfigFormatsWithoutSecrets(t *testing.T) {
	cfg, secrets := secretConfig()
	type holder struct {
		Cfg  Config
		Ptr  *Config
		TLS  TLSConfig
		Exec *ExecConfig
	}
	h := holder{Cfg: *cfg, Ptr: cfg, TLS: cfg.TLS, Exec: cfg.Exec}
	type clientHolder struct{ c *Client } // unexported: fmt reaches it by reflection
	clientCfg := *cfg
	clientCfg.Host = "https://api.example:6443"
	clientCfg.Exec = nil // not run: the client is only printed
	certPEM, keyPEM := selfSignedClientCert(t, "printed")
	clientCfg.TLS = TLSConfig{CertData: certPEM, KeyData: keyPEM}
	secrets = append(secrets, string(keyPEM[40:80]))
	client := mustClient(t, &clientCfg)
	values := map[string]any{
		"value": *cfg, "pointer": cfg, "holder": h, "holder pointer": &h, "slice": []*Config{cfg},
		"map": map[string]Config{"a": *cfg}, "tls": cfg.TLS, "exec": cfg.Exec, "env": cfg.Exec.Env[0],
		"any": any(cfg), "client": client, "client value": *client, "client holder": clientHolder{c: client},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v", "%-v", "% x"}
	for name, v := range values {
		var outs []string
		for _, verb := range verbs {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		outs = append(outs, fmt.Sprint(v), fmt.Sprintln(v), fmt.Sprint("x", v, 1))
		if s, ok := v.(fmt.Stringer); ok {
			outs = append(outs, s.String())
		}
		if g, ok := v.(fmt.GoStringer); ok {
			outs = append(outs, g.GoString())
		}
		for i, out := range outs {
			for _, secret := range secrets {
				if strings.Contains(out, secret) || strings.Contains(fmt.Sprintf("%x", out), fmt.Sprintf("%x", secret)) {
					t.Errorf("%s, format %d: output shows %q:\n%s", name, i, secret, out)
				}
			}
		}
	}
	// The output still says which credentials are set, and %#v names the type.
	got := fmt.Sprintf("%#v", cfg)
	for _, want := range []string{"rest.Config{", "BearerToken:\"--- REDACTED ---\"", "Username:\"admin\"", "rest.TLSConfig{"} {
		if !strings.Contains(got, want) {
			t.Errorf("%%#v = %s\nwant it to contain %s", got, want)
		}
	}
}

// TestKubeconfigUserFormatsWithoutSecrets: the parsed kubeconfig's user
// entries redact their token, password and key.
func TestKubeconfigUserFormatsWithoutSecrets(t *testing.T) {
	kc := &Kubeconfig{Users: map[string]*KubeconfigUser{"u": {Token: "kctok-1", Password: "kcpw-2", ClientKeyData: []byte("kckey-3"),
		Exec: &KubeconfigExec{Command: "c", Args: []string{"kcarg-4"}, Env: []ExecEnvVar{{Name: "N", Value: "kcenv-5"}}}}},
		Clusters: map[string]*KubeconfigCluster{"c": {Server: "https://h/?token=kcsrv-6"}}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, kc)
		for _, secret := range []string{"kctok-1", "kcpw-2", "kckey-3", "kcarg-4", "kcenv-5", "kcsrv-6"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows %q: %s", verb, secret, out)
			}
		}
	}
}

// TestConfigLogsWithoutSecrets: slog's text and JSON handlers print a
// Config redacted.
func TestConfigLogsWithoutSecrets(t *testing.T) {
	cfg, secrets := secretConfig()
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("cfg", "cfg", cfg, "value", *cfg)
	slog.New(slog.NewTextHandler(&b, nil)).Info("cfg", "cfg", cfg, "value", *cfg)
	for _, secret := range secrets {
		if strings.Contains(b.String(), secret) {
			t.Errorf("log shows %q:\n%s", secret, b.String())
		}
	}
}
