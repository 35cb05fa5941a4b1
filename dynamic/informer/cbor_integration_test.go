package informer

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// cborGate is the kube-apiserver feature gate that serves CBOR.
const cborGate = "CBORServingAndStorage"

// gatedEnv returns a control plane whose CBORServingAndStorage gate is on
// (gate true) or off: the shared one when the environment says it has
// that setting ($KUBEDYN_K8S_FEATURE_GATES, which CI's CBOR run sets), else
// one of t's own, stopped when t ends.
func gatedEnv(t *testing.T, gate bool) *cluster.Env {
	t.Helper()
	cluster.SkipUnlessIntegration(t)
	choice, err := cluster.ServerChoiceFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if choice.FeatureGates[cborGate] == gate && os.Getenv(cluster.KubeconfigEnv) != "" {
		return cluster.Get(t)
	}
	if choice.FeatureGates == nil {
		choice.FeatureGates = map[string]bool{}
	}
	choice.FeatureGates[cborGate] = gate
	opts, err := choice.Options()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cp, err := cluster.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start a control plane with %s: %v", strings.Join(opts.ExtraAPIServerArgs, " "), err)
	}
	t.Cleanup(cp.Stop)
	return cp.Env()
}

// mediaLog counts the Content-Types of the answers to lists and watches.
type mediaLog struct {
	next http.RoundTripper
	mu   sync.Mutex // guards got
	got  map[string]int
}

// RoundTrip sends r and counts the answer's media type.
func (l *mediaLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if resp != nil && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/configmaps") {
		l.mu.Lock()
		l.got[strings.SplitN(resp.Header.Get("Content-Type"), ";", 2)[0]]++
		l.mu.Unlock()
	}
	return resp, err
}

// TestCBORInformer: an informer with default options, by streaming list and
// by pages, fills its cache and follows changes through CBOR with the gate
// on, and through JSON with it off.
func TestCBORInformer(t *testing.T) {
	for _, gate := range []bool{true, false} {
		t.Run(map[bool]string{true: "gate on", false: "gate off"}[gate], func(t *testing.T) {
			env := gatedEnv(t, gate)
			for _, streaming := range []bool{true, false} {
				t.Run(map[bool]string{true: "streaming list", false: "paged list"}[streaming], func(t *testing.T) {
					checkCBORInformer(t, env, gate, streaming)
				})
			}
		})
	}
}

func checkCBORInformer(t *testing.T, env *cluster.Env, gate, streaming bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	log := &mediaLog{got: map[string]int{}}
	rc, err := rest.NewClient(&rest.Config{Host: env.Server, TLS: rest.TLSConfig{CAData: env.CAData}, BearerToken: env.Admin.Token,
		WarningHandler: rest.DiscardWarnings, WrapTransport: func(rt http.RoundTripper) http.RoundTripper { log.next = rt; return log }})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ns := env.Namespace(t)
	h := c.Resource(configMapsGVR).Namespace(ns)
	for _, n := range []string{"a", "b", "c"} {
		if _, err := h.Create(ctx, configMap(ns, n, map[string]string{"app": "cbor"}, map[string]any{"v": "1"}), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	inf := New(h, Options[*unstructured.Unstructured]{DisableStreamingList: !streaming})
	done := make(chan error, 1)
	go func() { done <- inf.Run(ctx) }()
	if err := inf.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	if n := inf.Lister().Len(); n != 3 {
		t.Fatalf("synced with %d objects, want 3", n)
	}
	if _, err := h.Patch(ctx, "a", "application/merge-patch+json", []byte(`{"data":{"v":"2"}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.Delete(ctx, "b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		a, okA := inf.Lister().Namespace(ns).Get("a")
		_, okB := inf.Lister().Namespace(ns).Get("b")
		if okA && !okB && a.Object["data"].(map[string]any)["v"] == "2" {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the cache did not follow the patch and the delete: %v", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	<-done
	log.mu.Lock()
	defer log.mu.Unlock()
	for mt, n := range log.got {
		if strings.HasPrefix(mt, "application/cbor") != gate {
			t.Errorf("%d lists or watches answered %s with the gate %v", n, mt, gate)
		}
	}
	t.Logf("answers to lists and watches: %v", log.got)
}
