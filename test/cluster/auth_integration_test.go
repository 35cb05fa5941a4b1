package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// userClient returns an HTTP client and a request decorator for one user.
func userClient(t *testing.T, env *Env, u User) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(env.CAData) {
		t.Fatal("CA data holds no certificate")
	}
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if u.CertData != nil {
		pair, err := tls.X509KeyPair(u.CertData, u.KeyData)
		if err != nil {
			t.Fatalf("client certificate of %s: %v", u.Name, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

func send(t *testing.T, env *Env, u User, method, path, body string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, env.Server+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if u.Token != "" {
		req.Header.Set("Authorization", "Bearer "+u.Token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := userClient(t, env, u).Do(req)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", method, path, u.Name, err)
	}
	defer resp.Body.Close()
	var obj map[string]any
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &obj)
	return resp.StatusCode, obj
}

func whoAmI(t *testing.T, env *Env, u User) string {
	t.Helper()
	code, obj := send(t, env, u, http.MethodPost, "/apis/authentication.k8s.io/v1/selfsubjectreviews",
		`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`)
	if code != http.StatusCreated {
		t.Fatalf("SelfSubjectReview as %s: HTTP %d %v", u.Name, code, obj)
	}
	status, _ := obj["status"].(map[string]any)
	info, _ := status["userInfo"].(map[string]any)
	name, _ := info["username"].(string)
	return name
}

func TestAuthPaths(t *testing.T) {
	env := Get(t)
	ns := env.Namespace(t)
	cm := func(name string) string {
		return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"` + name + `"},"data":{"k":"v"}}`
	}
	tests := []struct {
		name     string
		user     User
		wantName string
		method   string
		path     string
		body     string
		wantCode int
		wantWhy  string // the Status reason, for errors
	}{
		{name: "admin token creates", user: env.Admin, wantName: "kubedyn-admin", method: "POST", path: "/api/v1/namespaces/" + ns + "/configmaps", body: cm("by-admin"), wantCode: 201},
		{name: "client certificate creates", user: env.CertUser, wantName: CertUserName, method: "POST", path: "/api/v1/namespaces/" + ns + "/configmaps", body: cm("by-cert"), wantCode: 201},
		{name: "restricted reads its namespace", user: env.Restricted, wantName: RestrictedUserName, method: "GET", path: "/api/v1/namespaces/" + env.RestrictedNamespace + "/configmaps", wantCode: 200},
		{name: "restricted may not write", user: env.Restricted, wantName: RestrictedUserName, method: "POST", path: "/api/v1/namespaces/" + env.RestrictedNamespace + "/configmaps", body: cm("nope"), wantCode: 403, wantWhy: "Forbidden"},
		{name: "restricted may not read elsewhere", user: env.Restricted, wantName: RestrictedUserName, method: "GET", path: "/api/v1/namespaces/" + ns + "/configmaps", wantCode: 403, wantWhy: "Forbidden"},
		{name: "wrong token is unauthorized", user: User{Name: "nobody", Token: "not-a-token"}, method: "GET", path: "/api/v1/namespaces", wantCode: 401, wantWhy: "Unauthorized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.wantName != "" {
				if got := whoAmI(t, env, tc.user); got != tc.wantName {
					t.Errorf("server sees user %q, want %q", got, tc.wantName)
				}
			}
			code, obj := send(t, env, tc.user, tc.method, tc.path, tc.body)
			if code != tc.wantCode {
				t.Fatalf("%s %s: HTTP %d, want %d: %v", tc.method, tc.path, code, tc.wantCode, obj)
			}
			if tc.wantWhy != "" && obj["reason"] != tc.wantWhy {
				t.Errorf("Status reason %v, want %s", obj["reason"], tc.wantWhy)
			}
		})
	}
}

func TestKubeconfigAndVersion(t *testing.T) {
	env := Get(t)
	if env.Version != DefaultVersion && os.Getenv("KUBEDYN_K8S_VERSION") == "" {
		t.Errorf("server version %q, want %s (the ldflags stamp)", env.Version, DefaultVersion)
	}
	data, err := os.ReadFile(env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	var kc struct {
		CurrentContext string `json:"current-context"`
		Clusters       []struct {
			Cluster map[string]any `json:"cluster"`
		} `json:"clusters"`
		Contexts []struct {
			Name    string `json:"name"`
			Context struct {
				User      string `json:"user"`
				Namespace string `json:"namespace"`
			} `json:"context"`
		} `json:"contexts"`
	}
	if err := yaml.Unmarshal(data, &kc); err != nil {
		t.Fatalf("kubeconfig is not YAML: %v", err)
	}
	var got []string
	for _, c := range kc.Contexts {
		got = append(got, c.Name+"/"+c.Context.User+"/"+c.Context.Namespace)
	}
	want := []string{"admin/admin/", "cert-user/cert-user/", "restricted/restricted/" + RestrictedNamespace}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contexts (-want +got):\n%s", diff)
	}
	if kc.CurrentContext != AdminContext {
		t.Errorf("current-context %q, want admin", kc.CurrentContext)
	}
	if len(kc.Clusters) != 1 || kc.Clusters[0].Cluster["insecure-skip-tls-verify"] != nil || kc.Clusters[0].Cluster["certificate-authority-data"] == nil {
		t.Errorf("cluster entry must carry the CA and never skip TLS verification: %v", kc.Clusters)
	}
}
