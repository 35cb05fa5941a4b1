package dynamic

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/test/faultproxy"
)

// observed counts what a rest.Observer was told, by kind of event.
type observed struct {
	mu         sync.Mutex
	watches    int // RequestEvents of watch requests on configmaps
	reconnects []rest.WatchReconnectEvent
}

func (o *observed) Observe(ev rest.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch e := ev.(type) {
	case rest.RequestEvent:
		if e.Resource == "configmaps" && e.Verb == "watch" {
			o.watches++
		}
	case rest.WatchReconnectEvent:
		o.reconnects = append(o.reconnects, e)
	}
}

// TestIntegrationObserverSeesReconnects: a resumable watch whose connection
// is cut reports each reconnect (resource, namespace, cause) to the client's
// rest.Observer, beside the watch requests themselves.
func TestIntegrationObserverSeesReconnects(t *testing.T) {
	env := cluster.Get(t)
	ns := env.Namespace(t)
	p, err := faultproxy.Start(strings.TrimPrefix(env.Server, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	obs := &observed{}
	rc, err := rest.NewClient(&rest.Config{Host: "https://" + p.Addr(), TLS: rest.TLSConfig{CAData: env.CAData},
		BearerToken: env.Admin.Token, WarningHandler: rest.DiscardWarnings, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(rc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	w, err := c.Resource(gvr).Namespace(ns).WatchResumable(ctx, metav1.ListOptions{}, ResumeOptions{MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	cms := adminClient(t, env).Resource(gvr).Namespace(ns)
	const cuts = 3
	for n := range cuts + 1 {
		name := "obs-" + string(rune('a'+n))
		if _, err := cms.Create(ctx, configMap(ns, name, nil), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitAdded(ctx, t, w, name)
		if n < cuts {
			p.DropAll()
		}
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.reconnects) < cuts {
		t.Fatalf("observer saw %d reconnects after %d cuts: %+v", len(obs.reconnects), cuts, obs.reconnects)
	}
	for _, r := range obs.reconnects {
		if r.Resource != "configmaps" || r.Namespace != ns || r.Version != "v1" {
			t.Errorf("reconnect names %s/%s in %q, want v1/configmaps in %q", r.Version, r.Resource, r.Namespace, ns)
		}
	}
	// A request is reported when its body ends: every cut connection's
	// watch has, the open one has not.
	if obs.watches < cuts {
		t.Errorf("observer saw %d watch requests, want at least %d (one per cut connection)", obs.watches, cuts)
	}
}

// waitAdded reads w until the ADDED event of name.
func waitAdded(ctx context.Context, t *testing.T, w watch.Interface, name string) {
	t.Helper()
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed before %s was added", name)
			}
			if ev.Type == watch.Added {
				if o, ok := ev.Object.(interface{ GetName() string }); ok && o.GetName() == name {
					return
				}
			}
		case <-ctx.Done():
			t.Fatalf("no ADDED event for %s: %v", name, ctx.Err())
		}
	}
}
