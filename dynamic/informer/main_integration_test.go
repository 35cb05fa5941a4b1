package informer

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/test/faultproxy"
)

func TestMain(m *testing.M) { cluster.Main(m) }

var (
	configMapsGVR    = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	podTemplatesGVR  = schema.GroupVersionResource{Version: "v1", Resource: "podtemplates"}
	crdsGVR          = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	integrationWrite = 8 // concurrent writers
)

// wire is a transport in front of the real server (through a fault proxy
// when asked): it adds the admin token, counts requests by kind, and can
// hold new watches back while paused.
type wire struct {
	base  http.RoundTripper
	token string

	mu     sync.Mutex // guards counts, paused and resume
	counts map[string]int
	paused bool
	resume chan struct{} // closed by unpause
}

// kind names a request: "watch"/"stream"/"list" of a path, with
// "(metadata)" for the metadata view.
func requestKind(r *http.Request) string {
	if r.Method != http.MethodGet {
		return r.Method + " " + r.URL.Path
	}
	q := r.URL.Query()
	verb := "list"
	if q.Get("watch") == "true" || q.Get("watch") == "1" {
		verb = "watch"
		if q.Get("sendInitialEvents") == "true" {
			verb = "stream"
		}
	}
	s := verb + " " + r.URL.Path
	if strings.Contains(r.Header.Get("Accept"), "PartialObjectMetadata") {
		s += " (metadata)"
	}
	return s
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	kind := requestKind(r)
	w.mu.Lock()
	w.counts[kind]++
	resume := w.resume
	paused := w.paused && strings.HasPrefix(kind, "watch")
	w.mu.Unlock()
	if paused {
		select {
		case <-resume:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := w.base.RoundTrip(r)
	if err == nil && resp.StatusCode >= 400 {
		// Counted apart too: a server without streaming lists refuses
		// the first "stream" of each informer (400/422).
		w.mu.Lock()
		w.counts["refused "+kind]++
		w.mu.Unlock()
	}
	return resp, err
}

func (w *wire) all() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.counts)
}

func (w *wire) count(kind string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.counts[kind]
}

// pause holds every new watch request until unpause.
func (w *wire) pause() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.paused, w.resume = true, make(chan struct{})
}

func (w *wire) unpause() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.paused {
		w.paused = false
		close(w.resume)
	}
}

// testClient returns a dynamic Client whose requests go through a wire
// and, with proxy set, a fault proxy.
func testClient(t *testing.T, env *cluster.Env, proxy bool) (*dynamic.Client, *wire, *faultproxy.Proxy) {
	t.Helper()
	host := env.Server
	var p *faultproxy.Proxy
	if proxy {
		var err error
		if p, err = faultproxy.Start(strings.TrimPrefix(env.Server, "https://")); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		host = "https://" + p.Addr()
	}
	hc := env.HTTPClient()
	w := &wire{base: hc.Transport, token: env.Admin.Token, counts: map[string]int{}, resume: make(chan struct{})}
	t.Cleanup(w.unpause)
	rc, err := rest.NewClient(&rest.Config{Host: host, HTTPClient: &http.Client{Transport: w}, WarningHandler: rest.DiscardWarnings})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c, w, p
}

func restClient(t *testing.T, env *cluster.Env) *rest.Client {
	t.Helper()
	rc, err := rest.NewClient(&rest.Config{Host: env.Server, TLS: rest.TLSConfig{CAData: env.CAData}, BearerToken: env.Admin.Token, WarningHandler: rest.DiscardWarnings})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func configMap(ns, name string, labels map[string]string, data map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "data": data}}
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetLabels(labels)
	return u
}

// widgetCRD returns a namespaced CRD of a group unique to the test.
func widgetCRD() (*unstructured.Unstructured, schema.GroupVersionResource) {
	group := fmt.Sprintf("t%d.informer.kubedyn.test", rand.Uint32())
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets." + group},
		"spec": map[string]any{
			"group": group, "scope": "Namespaced",
			"names": map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object", "x-kubernetes-preserve-unknown-fields": true,
				}},
			}},
		},
	}}
	return crd, schema.GroupVersionResource{Group: group, Version: "v1", Resource: "widgets"}
}

// createCRD creates crd and waits until gvr is served.
func createCRD(ctx context.Context, t *testing.T, c *dynamic.Client, crd *unstructured.Unstructured, gvr schema.GroupVersionResource) {
	t.Helper()
	if _, err := c.Resource(crdsGVR).Create(ctx, crd.DeepCopy(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "CRD "+crd.GetName()+" served", func() bool {
		_, err := c.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1})
		return err == nil
	})
}

func widget(gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": gvr.GroupVersion().String(), "kind": "Widget", "spec": map[string]any{"color": "red"}}}
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

// serverView lists h and returns key → resourceVersion.
func serverView(ctx context.Context, t *testing.T, h *dynamic.ResourceHandle) map[string]string {
	t.Helper()
	l, err := h.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for i := range l.Items {
		out[KeyOf(&l.Items[i]).String()] = l.Items[i].GetResourceVersion()
	}
	return out
}

// cacheView returns the informer's key → resourceVersion.
func cacheView[T Object](i *Informer[T]) map[string]string {
	out := map[string]string{}
	for _, o := range i.Lister().List(nil) {
		out[KeyOf(o).String()] = o.GetResourceVersion()
	}
	return out
}

func waitTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 4*time.Minute)
}
