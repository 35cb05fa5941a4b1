package cluster

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Env describes a running control plane: where it is and how each of its three
// users authenticates. It is written as env.json beside the kubeconfig, so that
// a test binary handed KUBEDYN_TEST_KUBECONFIG finds everything.
type Env struct {
	Kubeconfig string // kubeconfig path; contexts "admin" (current), "cert-user", "restricted"
	Server     string // https://127.0.0.1:PORT
	CAFile     string
	CAData     []byte
	Version    string // server gitVersion, e.g. v1.37.2

	Admin      User // token, group system:masters
	CertUser   User // client certificate, bound to cluster-admin through RBAC
	Restricted User // token, read-only (ClusterRole kubedyn-read-only) in RestrictedNamespace only

	RestrictedNamespace string

	Dir      string   // the control plane's temp dir (certificates, logs, etcd data)
	Etcd     string   // etcd client URL
	Binaries Binaries // the programs it runs

	clientOnce sync.Once
	client     *http.Client
}

// User is one identity the control plane knows.
type User struct {
	Context           string // context name in the kubeconfig
	Name              string // user name as the server sees it
	Token             string // bearer token (empty for CertUser)
	CertFile, KeyFile string // client certificate files (CertUser only)
	CertData, KeyData []byte
}

// EnvFile is the name of the file beside the kubeconfig that holds the Env.
const EnvFile = "env.json"

// LoadEnv reads the Env written beside kubeconfig by a control plane of this harness.
func LoadEnv(kubeconfig string) (*Env, error) {
	path := filepath.Join(filepath.Dir(kubeconfig), EnvFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load test control plane from %s: %w (was it written by test/cluster?)", kubeconfig, err)
	}
	var e Env
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("load test control plane: parse %s: %w", path, err)
	}
	return &e, nil
}

func (e *Env) writeFiles() error {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(e.Dir, EnvFile), data, 0o600); err != nil {
		return err
	}
	return os.WriteFile(e.Kubeconfig, e.kubeconfigYAML(), 0o600)
}

// kubeconfigYAML renders a kubeconfig with one cluster and a context per user.
func (e *Env) kubeconfigYAML() []byte {
	b64 := base64.StdEncoding.EncodeToString
	var s strings.Builder
	fmt.Fprintf(&s, "apiVersion: v1\nkind: Config\ncurrent-context: %s\nclusters:\n- name: kubedyn\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n",
		e.Admin.Context, e.Server, b64(e.CAData))
	s.WriteString("users:\n")
	fmt.Fprintf(&s, "- name: %s\n  user:\n    token: %s\n", e.Admin.Context, e.Admin.Token)
	fmt.Fprintf(&s, "- name: %s\n  user:\n    client-certificate-data: %s\n    client-key-data: %s\n", e.CertUser.Context, b64(e.CertUser.CertData), b64(e.CertUser.KeyData))
	fmt.Fprintf(&s, "- name: %s\n  user:\n    token: %s\n", e.Restricted.Context, e.Restricted.Token)
	s.WriteString("contexts:\n")
	for _, u := range []User{e.Admin, e.CertUser} {
		fmt.Fprintf(&s, "- name: %s\n  context:\n    cluster: kubedyn\n    user: %s\n", u.Context, u.Context)
	}
	fmt.Fprintf(&s, "- name: %s\n  context:\n    cluster: kubedyn\n    user: %s\n    namespace: %s\n", e.Restricted.Context, e.Restricted.Context, e.RestrictedNamespace)
	return []byte(s.String())
}

// HTTPClient returns a client that trusts the control plane's CA. It adds no
// credentials; Do adds the admin token.
func (e *Env) HTTPClient() *http.Client {
	e.clientOnce.Do(func() {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(e.CAData)
		e.client = &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
				ForceAttemptHTTP2: true,
			},
		}
	})
	return e.client
}

// Do sends one raw request as admin (test setup only, such as creating CRDs
// before kubedyn's own clients exist). body is nil, []byte, or a value marshalled
// as JSON; PATCH bodies are sent as merge patches. It returns the response body,
// or an error naming the request and the server's answer for status >= 300.
func (e *Env) Do(ctx context.Context, method, path string, body any) ([]byte, error) {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("%s %s: marshal body: %w", method, path, err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.Server+path, r)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+e.Admin.Token)
	req.Header.Set("Accept", "application/json")
	if r != nil {
		ct := "application/json"
		if method == http.MethodPatch {
			ct = "application/merge-patch+json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := e.HTTPClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return data, fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, tail(string(data), 500))
	}
	return data, nil
}

// waitReady polls /readyz as admin until it answers 200, failing fast with the
// log's tail if etcd or kube-apiserver exits first.
func waitReady(ctx context.Context, e *Env, children ...*child) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var last string
	for {
		for _, c := range children {
			select {
			case <-c.exited:
				return fmt.Errorf("start control plane: %s exited before the server was ready (%v); last output:\n%s", c.name, c.err, c.logTail())
			default:
			}
		}
		body, err := e.Do(ctx, http.MethodGet, "/readyz", nil)
		if err == nil {
			v, verr := e.Do(ctx, http.MethodGet, "/version", nil)
			var info struct{ GitVersion string }
			if verr == nil && json.Unmarshal(v, &info) == nil {
				e.Version = info.GitVersion
			}
			return nil
		}
		last = err.Error() + " " + string(body)
		select {
		case <-ctx.Done():
			return fmt.Errorf("start control plane: %s not ready: %s; kube-apiserver's last output:\n%s", e.Server, tail(last, 500), children[len(children)-1].logTail())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// bootstrapRBAC grants the restricted user read-only access to one namespace
// and the certificate user cluster-admin through a group binding.
func bootstrapRBAC(ctx context.Context, e *Env) error {
	objs := []struct{ path, body string }{
		{"/api/v1/namespaces", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"` + e.RestrictedNamespace + `"}}`},
		// Not the built-in "view": it is an aggregated ClusterRole, and with no
		// controller-manager to aggregate it, it grants nothing.
		{"/apis/rbac.authorization.k8s.io/v1/clusterroles",
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"` + ReadOnlyClusterRole + `"},` +
				`"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["get","list","watch"]}]}`},
		{"/apis/rbac.authorization.k8s.io/v1/namespaces/" + e.RestrictedNamespace + "/rolebindings",
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"kubedyn-restricted-read-only"},` +
				`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"` + ReadOnlyClusterRole + `"},` +
				`"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"` + e.Restricted.Name + `"}]}`},
		{"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
			`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"kubedyn-cert-users"},` +
				`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},` +
				`"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"` + CertUserGroup + `"}]}`},
	}
	for _, o := range objs {
		if _, err := e.Do(ctx, http.MethodPost, o.path, []byte(o.body)); err != nil {
			return err
		}
	}
	// The RBAC authorizer reads its rules from an informer: wait until it
	// has seen the bindings, or the first test may be told 403.
	return waitAllowed(ctx, e,
		`{"user":"`+e.Restricted.Name+`","resourceAttributes":{"namespace":"`+e.RestrictedNamespace+`","verb":"list","resource":"configmaps"}}`,
		`{"user":"kubedyn-probe","groups":["`+CertUserGroup+`"],"resourceAttributes":{"verb":"create","resource":"namespaces"}}`)
}

// waitAllowed polls SubjectAccessReviews (each spec given as JSON) until the
// server allows every one, for at most 30 seconds.
func waitAllowed(ctx context.Context, e *Env, specs ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, spec := range specs {
		body := `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":` + spec + `}`
		for {
			data, err := e.Do(ctx, http.MethodPost, "/apis/authorization.k8s.io/v1/subjectaccessreviews", []byte(body))
			if err != nil {
				return err
			}
			var sar struct {
				Status struct{ Allowed bool } `json:"status"`
			}
			if err := json.Unmarshal(data, &sar); err != nil {
				return fmt.Errorf("SubjectAccessReview %s: %w", spec, err)
			}
			if sar.Status.Allowed {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("RBAC never allowed %s: %w", spec, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}
