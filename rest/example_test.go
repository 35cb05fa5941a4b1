package rest_test

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kubedyn/kubedyn/rest"
)

// fakeServer stands in for an API server so that the examples run anywhere.
func fakeServer() (*httptest.Server, *rest.Config) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/namespaces/default/configmaps/missing" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"missing\" not found","reason":"NotFound","details":{"name":"missing","kind":"configmaps"},"code":404}`)
			return
		}
		io.WriteString(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[]}`)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv, &rest.Config{Host: srv.URL, TLS: rest.TLSConfig{CAData: ca}, BearerToken: "example-token"}
}

func ExampleNewClient() {
	srv, cfg := fakeServer()
	defer srv.Close()
	cfg.UserAgent = "my-controller/1.0"
	c, err := rest.NewClient(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Host() == srv.URL)
	// Output: true
}

func ExampleClient_Do() {
	srv, cfg := fakeServer()
	defer srv.Close()
	c, err := rest.NewClient(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	path, err := rest.ResourcePath{Version: "v1", Namespace: "default", Resource: "configmaps"}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := c.Do(ctx, &rest.Request{Path: path, Query: url.Values{"limit": {"100"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))

	_, err = c.Do(ctx, &rest.Request{Path: path + "/missing"})
	fmt.Println(apierrors.IsNotFound(err), err)
	// Output:
	// 200 {"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[]}
	// true configmaps "missing" not found
}

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "kubeconfig")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte(`apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev
  cluster: {server: "https://dev.example:6443", certificate-authority: ca.crt}
users:
- name: dev
  user: {tokenFile: token}
contexts:
- name: dev
  context: {cluster: dev, user: dev, namespace: team-a}
`), 0o600)

	// Like kubectl --kubeconfig=PATH: that file alone.
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: path})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Host, cfg.Namespace)
	fmt.Println(cfg.TLS.CAFile == filepath.Join(dir, "ca.crt"), cfg.BearerTokenFile == filepath.Join(dir, "token"))
	// Output:
	// https://dev.example:6443 team-a
	// true true
}

func ExampleInCluster() {
	cfg, err := rest.InCluster()
	if err != nil {
		fmt.Println("not in a pod:", err)
		return
	}
	fmt.Println("namespace:", cfg.Namespace)
}

func ExampleResourcePath_Build() {
	p, err := rest.ResourcePath{Group: "apps", Version: "v1", Namespace: "web", Resource: "deployments", Name: "frontend", Subresource: []string{"scale"}}.Build()
	fmt.Println(p, err)
	_, err = rest.ResourcePath{Version: "v1", Namespace: "web", Resource: "secrets", Name: "../../kube-system/secrets/token"}.Build()
	fmt.Println(err)
	// Output:
	// /apis/apps/v1/namespaces/web/deployments/frontend/scale <nil>
	// build path for "secrets" (version "v1") name "../../kube-system/secrets/token" in namespace "web": invalid name: name "../../kube-system/secrets/token" may not contain "/"
}

func ExampleGroupVersionPath() {
	fmt.Println(rest.GroupVersionPath("", "v1"))
	fmt.Println(rest.GroupVersionPath("apps", "v1"))
	// Output:
	// /api/v1
	// /apis/apps/v1
}

func ExampleValidateName() {
	fmt.Println(rest.ValidateName("system:node:worker-1"))
	fmt.Println(rest.ValidateName(".."))
	// Output:
	// <nil>
	// invalid name: name may not be ".."
}

func ExampleValidateNamespace() {
	fmt.Println(rest.ValidateNamespace("kube-system"))
	fmt.Println(rest.ValidateNamespace("Kube_System"))
	// Output:
	// <nil>
	// invalid name: namespace "Kube_System" must consist of lower case letters, digits and '-', and start and end with a letter or digit
}

func ExampleParseKubeconfig() {
	kc, err := rest.ParseKubeconfig([]byte("current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u, namespace: ns}\n"), "")
	fmt.Println(kc.CurrentContext, kc.Contexts["c"].Namespace, err)
	// Output: c ns <nil>
}

func ExampleNewWarningWriter() {
	h := rest.NewWarningWriter(os.Stdout, true)
	h.HandleWarning(rest.Warning{Code: 299, Agent: "-", Text: "v1beta1 is deprecated"})
	h.HandleWarning(rest.Warning{Code: 299, Agent: "-", Text: "v1beta1 is deprecated"})
	// Output: Warning: v1beta1 is deprecated
}

func ExampleParseWarningHeader() {
	ws, err := rest.ParseWarningHeader(`299 - "unknown field \"spec.replica\""`)
	fmt.Printf("%+v %v\n", ws, err)
	// Output: [{Code:299 Agent:- Text:unknown field "spec.replica"}] <nil>
}

func ExampleSnippet() {
	fmt.Println(rest.Snippet([]byte("<html>\n<body>502 Bad Gateway</body></html>"), 20))
	// Output: "<html> <body>502 Bad... (truncated)"
}

func ExampleKubeconfig_Config() {
	// A kubeconfig held in a Secret rather than a file.
	data := []byte(`{"current-context":"prod","clusters":[{"name":"p","cluster":{"server":"https://prod:6443"}}],
"users":[{"name":"bot","user":{"token":"..."}}],"contexts":[{"name":"prod","context":{"cluster":"p","user":"bot","namespace":"ops"}}]}`)
	kc, err := rest.ParseKubeconfig(data, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := kc.Config(rest.LoadOptions{})
	fmt.Println(cfg.Host, cfg.Namespace, err)
	// Output: https://prod:6443 ops <nil>
}
