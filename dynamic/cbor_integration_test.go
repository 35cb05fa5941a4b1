package dynamic

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// cborGate is the kube-apiserver feature gate that serves CBOR.
const cborGate = "CBORServingAndStorage"

// gatedEnv returns a control plane whose CBORServingAndStorage gate is on
// (gate true) or off: the shared one when the environment says it has
// that setting ($KUBEDYN_K8S_FEATURE_GATES, which CI's CBOR run sets), else
// one of t's own, started from the cached binaries and stopped when t ends.
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

// wireRow is one exchange as it went on the wire.
type wireRow struct {
	method, path, query string
	sent, got           string // request and response Content-Types
	status              int
}

// wireLog records every exchange of a client (Config.WrapTransport).
type wireLog struct {
	next http.RoundTripper
	mu   sync.Mutex // guards rows
	rows []wireRow
}

// RoundTrip sends r and records it.
func (l *wireLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	row := wireRow{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, sent: r.Header.Get("Content-Type")}
	if resp != nil {
		row.got, row.status = resp.Header.Get("Content-Type"), resp.StatusCode
	}
	l.mu.Lock()
	l.rows = append(l.rows, row)
	l.mu.Unlock()
	return resp, err
}

func (l *wireLog) snapshot() []wireRow {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]wireRow(nil), l.rows...)
}

// wireClient returns an admin Client with opts whose exchanges are
// recorded.
func wireClient(t *testing.T, env *cluster.Env, opts Options) (*Client, *rest.Client, *wireLog) {
	t.Helper()
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: cluster.AdminContext})
	if err != nil {
		t.Fatal(err)
	}
	log := &wireLog{}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { log.next = rt; return log }
	cfg.WarningHandler = rest.DiscardWarnings
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(rc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, rc, log
}

// cborWidget returns a Widget named name with spec.replicas n, labelled
// app=cbor.
func cborWidget(gvr schema.GroupVersionResource, name string, n int64) *unstructured.Unstructured {
	u := widget(gvr, "", name, n)
	u.SetLabels(map[string]string{"app": "cbor"})
	return u
}

// exerciseVerbs runs every verb of a ResourceHandle on Widgets in ns.
func exerciseVerbs(t *testing.T, c *Client, gvr schema.GroupVersionResource, ns string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	h := c.Resource(gvr).Namespace(ns)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	list, err := h.List(ctx, metav1.ListOptions{})
	must("list", err)
	w, err := h.Watch(ctx, metav1.ListOptions{ResourceVersion: list.GetResourceVersion()})
	must("watch", err)
	defer w.Stop()
	rw, err := h.WatchResumable(ctx, metav1.ListOptions{ResourceVersion: list.GetResourceVersion()}, ResumeOptions{})
	must("watch resumable", err)
	defer rw.Stop()
	created, err := h.Create(ctx, cborWidget(gvr, "w1", 1), metav1.CreateOptions{})
	must("create", err)
	got, err := h.Get(ctx, "w1", metav1.GetOptions{})
	must("get", err)
	if got.GetUID() != created.GetUID() {
		t.Fatalf("get: uid %s, created %s", got.GetUID(), created.GetUID())
	}
	must("set color", unstructured.SetNestedField(got.Object, "blue", "spec", "color"))
	updated, err := h.Update(ctx, got, metav1.UpdateOptions{})
	must("update", err)
	must("set phase", unstructured.SetNestedField(updated.Object, "Ready", "status", "phase"))
	_, err = h.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	must("update status", err)
	_, err = h.Patch(ctx, "w1", types.MergePatchType, []byte(`{"spec":{"replicas":2}}`), metav1.PatchOptions{})
	must("merge patch", err)
	_, err = h.Patch(ctx, "w1", types.JSONPatchType, []byte(`[{"op":"replace","path":"/spec/replicas","value":3}]`), metav1.PatchOptions{})
	must("json patch", err)
	applied, err := h.Apply(ctx, "w2", cborWidget(gvr, "w2", 5), metav1.ApplyOptions{FieldManager: "cbor-test"})
	must("apply", err)
	if n, _, _ := unstructured.NestedInt64(applied.Object, "spec", "replicas"); n != 5 {
		t.Errorf("apply: spec.replicas %d, want 5", n)
	}
	st := &unstructured.Unstructured{Object: map[string]any{"apiVersion": gvr.GroupVersion().String(), "kind": "Widget",
		"metadata": map[string]any{"name": "w2"}, "status": map[string]any{"replicas": int64(5)}}}
	_, err = h.ApplyStatus(ctx, "w2", st, metav1.ApplyOptions{FieldManager: "cbor-test"})
	must("apply status", err)
	scale, err := h.Get(ctx, "w2", metav1.GetOptions{}, "scale")
	must("get scale", err)
	if n, _, _ := unstructured.NestedInt64(scale.Object, "status", "replicas"); n != 5 {
		t.Errorf("scale: status.replicas %d, want 5", n)
	}
	n := 0
	for _, err := range h.Items(ctx, metav1.ListOptions{Limit: 1}) {
		must("items", err)
		n++
	}
	if n != 2 {
		t.Errorf("items: %d, want 2", n)
	}
	_, err = h.Get(ctx, "missing", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("get missing: %v, want NotFound", err)
	}
	must("delete", h.Delete(ctx, "w1", metav1.DeleteOptions{}))
	must("delete collection", h.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "app=cbor"}))
	for _, ww := range []watch.Interface{w, rw} {
		seen := map[watch.EventType]int{}
		for seen[watch.Deleted] < 2 {
			select {
			case ev, ok := <-ww.ResultChan():
				if !ok {
					t.Fatalf("watch ended early; saw %v", seen)
				}
				if ev.Type == watch.Error {
					t.Fatalf("watch: %v", apierrors.FromObject(ev.Object))
				}
				seen[ev.Type]++
			case <-ctx.Done():
				t.Fatalf("watch: saw %v before %v", seen, ctx.Err())
			}
		}
	}
	cms := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)
	cm := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "cm"}, "data": map[string]any{"a": "1"}}}
	_, err = cms.Create(ctx, cm, metav1.CreateOptions{})
	must("create configmap", err)
	_, err = cms.Patch(ctx, "cm", types.StrategicMergePatchType, []byte(`{"data":{"b":"2"}}`), metav1.PatchOptions{})
	must("strategic merge patch", err)
}

// TestCBORVerbs: with the gate on, every verb reads CBOR; request bodies
// stay JSON by default, and with WireCBOR, once the server has answered in
// CBOR, creates, updates and applies send CBOR.
func TestCBORVerbs(t *testing.T) {
	env := gatedEnv(t, true)
	for _, tc := range []struct {
		name       string
		wire       WireFormat
		cborBodies bool
	}{
		{name: "default", wire: WireCBORReads},
		{name: "WireCBOR", wire: WireCBOR, cborBodies: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rc, log := wireClient(t, env, Options{Wire: tc.wire})
			gvr := installWidgetCRD(t, c, "Namespaced")
			exerciseVerbs(t, c, gvr, env.Namespace(t))
			if !rc.ServedCBOR() {
				t.Errorf("ServedCBOR() = false after a run against a server with %s", cborGate)
			}
			checkWire(t, log.snapshot(), "/"+gvr.Group+"/", true, tc.cborBodies)
		})
	}
}

// TestCBORGateOff: with the gate off, the same calls, even with WireCBOR,
// read and send JSON.
func TestCBORGateOff(t *testing.T) {
	env := gatedEnv(t, false)
	c, rc, log := wireClient(t, env, Options{Wire: WireCBOR})
	gvr := installWidgetCRD(t, c, "Namespaced")
	exerciseVerbs(t, c, gvr, env.Namespace(t))
	if rc.CBORBodies() || rc.ServedCBOR() {
		t.Errorf("CBORBodies() = %v, ServedCBOR() = %v against a server without %s", rc.CBORBodies(), rc.ServedCBOR(), cborGate)
	}
	checkWire(t, log.snapshot(), "/"+gvr.Group+"/", false, false)
}

// TestCBORBodyFieldValidation is the evidence behind JSON bodies by
// default: the server's field validation names an unknown field of a JSON
// body and not of a CBOR one.
func TestCBORBodyFieldValidation(t *testing.T) {
	env := gatedEnv(t, true)
	ns := env.Namespace(t)
	warn := func(wire WireFormat) string {
		t.Helper()
		var warnings []string
		cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: cluster.AdminContext})
		if err != nil {
			t.Fatal(err)
		}
		cfg.WarningHandler = rest.WarningHandlerFunc(func(w rest.Warning) { warnings = append(warnings, w.Text) })
		rc, err := rest.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := New(rc, Options{Wire: wire})
		cms := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)
		ctx := context.Background()
		if _, err := cms.List(ctx, metav1.ListOptions{}); err != nil { // learn that the server speaks CBOR
			t.Fatal(err)
		}
		bad := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "bad"}, "bogus": "field"}}
		if _, err := cms.Create(ctx, bad, metav1.CreateOptions{FieldValidation: "Warn", DryRun: []string{metav1.DryRunAll}}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(warnings, "; ")
	}
	if w := warn(WireCBORReads); !strings.Contains(w, "bogus") {
		t.Errorf("JSON body: warnings %q, want one naming the unknown field", w)
	}
	w := warn(WireCBOR)
	t.Logf("CBOR body: warnings %q", w)
	if strings.Contains(w, "bogus") {
		t.Errorf("the server now names the unknown fields of CBOR bodies (%q): reconsider JSON bodies by default (WireCBORReads)", w)
	}
}

// checkWire checks the media types of the exchanges about the widgets
// (paths containing marker) and the test's ConfigMap: answers CBOR when
// cborReads, create, update and apply bodies CBOR when cborBodies.
func checkWire(t *testing.T, rows []wireRow, marker string, cborReads, cborBodies bool) {
	t.Helper()
	counts := map[string]int{}
	for _, r := range rows {
		if !strings.Contains(r.path, marker) && !strings.HasSuffix(r.path, "/configmaps") && !strings.HasSuffix(r.path, "/configmaps/cm") {
			continue
		}
		gotCBOR := strings.HasPrefix(r.got, "application/cbor")
		sentCBOR := strings.Contains(r.sent, "cbor")
		counts[r.method+" sent "+r.sent+" got "+strings.SplitN(r.got, ";", 2)[0]]++
		switch {
		case r.method == http.MethodPatch && !strings.Contains(r.sent, "apply-patch"):
			if sentCBOR {
				t.Errorf("%s %s sent %s: JSON, merge and strategic patches have no CBOR form", r.method, r.path, r.sent)
			}
		case (r.method == http.MethodPost || r.method == http.MethodPut || r.method == http.MethodPatch) && sentCBOR != cborBodies:
			t.Errorf("%s %s sent %s, want CBOR %v", r.method, r.path, r.sent, cborBodies)
		}
		if r.status != http.StatusNotFound && r.method != http.MethodDelete && gotCBOR != cborReads {
			t.Errorf("%s %s?%s answered %s, want CBOR %v", r.method, r.path, r.query, r.got, cborReads)
		}
	}
	t.Logf("exchanges: %v", counts)
}
