package conformance

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
)

// Target is one server as one scenario sees it: clients built on kubedyn's
// public API, a fresh namespace that exists, and a fresh API group for the
// CRDs the scenario installs itself. A Target serves one scenario.
type Target struct {
	// Server names the kind of server: "kube-apiserver" or "memserver".
	Server string
	// Namespace is a fresh namespace made for the scenario ("NS" in records).
	Namespace string
	// Group is a fresh API group for the scenario's own CRDs ("GROUP").
	Group string

	// Rest sends raw requests (for status codes and bodies dynamic hides).
	Rest *rest.Client
	// Dyn and Disc are kubedyn's dynamic and discovery clients on Rest.
	Dyn  *dynamic.Client
	Disc *discovery.Client
	// NoRetry is a dynamic client that never retries.
	NoRetry *dynamic.Client

	shared   *Shared
	warnings *warningSink
}

// Shared is what the scenarios on one server share: the server's admin
// configuration and the fixture CRDs, installed once per server on first use.
type Shared struct {
	// Config reaches the server as an administrator.
	Config rest.Config
	// Server names the kind of server (see Target.Server).
	Server string
	// Compact makes the server forget its history up to now, so older
	// resourceVersions and continue tokens expire (nil: it cannot).
	Compact func(ctx context.Context) error

	mu       sync.Mutex // guards fixtures
	fixtures map[string]fixtureResult
	group    string // the fixtures' API group ("WGROUP" in records)
}

type fixtureResult struct {
	gvr schema.GroupVersionResource
	err error
}

// NewShared returns the shared state of the scenarios run on the server cfg
// reaches.
func NewShared(server string, cfg rest.Config) *Shared {
	return &Shared{Config: cfg, Server: server, fixtures: map[string]fixtureResult{},
		group: fmt.Sprintf("w%08x.conformance.kubedyn.test", rand.Uint32())}
}

// warningSink collects Warning headers until a step drains them.
type warningSink struct {
	mu   sync.Mutex // guards msgs
	msgs []string
}

func (w *warningSink) HandleWarning(x rest.Warning) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, x.Text)
}

func (w *warningSink) drain() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

// NewTarget makes a Target for one scenario named name on s's server: its
// clients (warnings collected), a fresh namespace and group.
//
// The clients retry as kubedyn does by default (a 429 with Retry-After —
// kube-apiserver's answer while a watch cache starts over, after another
// test compacted etcd —, a 5xx to a GET), so such transient answers do not
// reach the records; NoRetry is for the scenarios about a 5xx.
func (s *Shared) NewTarget(ctx context.Context, name string) (*Target, error) {
	t := &Target{Server: s.Server, shared: s, warnings: &warningSink{}}
	cfg := s.Config
	cfg.WarningHandler = t.warnings
	rc, err := rest.NewClient(&cfg)
	if err != nil {
		return nil, fmt.Errorf("scenario %s on %s: client: %w", name, s.Server, err)
	}
	t.Rest = rc
	t.Disc = discovery.New(rc, discovery.Options{})
	if t.Dyn, err = dynamic.New(rc, dynamic.Options{}); err != nil {
		return nil, fmt.Errorf("scenario %s on %s: dynamic client: %w", name, s.Server, err)
	}
	cfg.MaxRetries = -1
	norc, err := rest.NewClient(&cfg)
	if err != nil {
		return nil, fmt.Errorf("scenario %s on %s: client: %w", name, s.Server, err)
	}
	if t.NoRetry, err = dynamic.New(norc, dynamic.Options{}); err != nil {
		return nil, fmt.Errorf("scenario %s on %s: dynamic client: %w", name, s.Server, err)
	}
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	t.Namespace = "conf-" + suffix
	t.Group = "g" + suffix + ".conformance.kubedyn.test"
	if err := t.createNamespace(ctx, t.Namespace, name); err != nil {
		return nil, err
	}
	return t, nil
}

// createNamespace creates namespace ns labelled with the scenario.
func (t *Target) createNamespace(ctx context.Context, ns, scenario string) error {
	label := strings.Trim(nonLabel.Replace(scenario), "-.")
	if len(label) > 63 {
		label = strings.Trim(label[:63], "-.")
	}
	body := `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"` + ns + `","labels":{"conformance.kubedyn.test/scenario":"` + label + `"}}}`
	resp, err := t.Rest.Do(ctx, &rest.Request{Method: http.MethodPost, Path: "/api/v1/namespaces", Body: []byte(body)})
	if err != nil {
		return fmt.Errorf("scenario %s on %s: create namespace %s: %w", scenario, t.Server, ns, err)
	}
	return resp.Body.Close()
}

var nonLabel = strings.NewReplacer("/", ".")

// Literals maps the strings that differ between runs to their placeholders.
func (t *Target) Literals() map[string]string {
	lit := map[string]string{t.Namespace: "NS", t.Rest.Host(): "https://SERVER"}
	for g, p := range map[string]string{t.Group: "GROUP", t.shared.group: "WGROUP"} {
		lit[g] = p
		lit[reverseDNS(g)] = "R" + p                          // OpenAPI schema names
		lit[friendly(g)] = "F" + p                            // OpenAPI tags
		lit[strings.ToUpper(g[:1])+friendly(g)[1:]] = "U" + p // OpenAPI operation ids
	}
	return lit
}

// friendly turns a.b.c into aBC, as OpenAPI tags name a group.
func friendly(s string) string {
	parts := strings.Split(s, ".")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// reverseDNS turns a.b.c into c.b.a, as OpenAPI names a group's schemas.
func reverseDNS(s string) string {
	parts := strings.Split(s, ".")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

// DeleteNamespace deletes the scenario's namespace (best effort: on a server
// without controller-manager it stays Terminating).
func (t *Target) DeleteNamespace(ctx context.Context) { t.deleteNamespace(ctx, t.Namespace) }

func (t *Target) deleteNamespace(ctx context.Context, ns string) {
	resp, err := t.Rest.Do(ctx, &rest.Request{Method: http.MethodDelete, Path: "/api/v1/namespaces/" + ns})
	if err == nil {
		_ = resp.Body.Close()
	}
}
