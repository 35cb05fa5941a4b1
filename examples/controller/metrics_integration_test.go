package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/test/faultproxy"
)

// TestIntegrationMetrics runs the controller on ConfigMaps through a proxy
// that can cut its connections, with --metrics-bind-address, and scrapes
// /metrics: after the first reconcile, the requests counter holds the
// writes to the watched resource and the mapper's refresh; after each cut
// of the connection, the ended watch is counted, and objects created after
// the cut are reconciled (a new watch was opened).
func TestIntegrationMetrics(t *testing.T) {
	env := cluster.Get(t)
	c := newClients(t, env)
	ns := env.Namespace(t)
	h := c.dyn.Resource(configMaps).Namespace(ns)
	createConfigMaps(t, h, "before", 5)

	proxy, err := faultproxy.Start(strings.TrimPrefix(env.Server, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	p := start(t, env, "metrics", "--kubeconfig", proxiedKubeconfig(t, env, proxy.Addr()),
		"--metrics-bind-address", "127.0.0.1:0", "-n", ns, "configmaps")
	p.waitLog(t, 1, "serving metrics", nil)
	url := fmt.Sprint(p.lines("serving metrics", nil)[0]["url"])
	waitReconciled(t, h, 5, false, "kubedyn-controller")

	cm := map[string]string{"group": "", "resource": "configmaps"}
	m := scrape(t, url)
	if n := m.sum(metricRequests, with(cm, "code", "200")); n < 5 {
		t.Errorf("%s for configmaps, code 200: %v, want at least 5 (one write per object)\n%s", metricRequests, n, m.text)
	}
	if n := m.count(metricLatency, cm); n < 5 {
		t.Errorf("%s observations for configmaps: %v, want at least 5", metricLatency, n)
	}
	if n := m.count(metricResponseBytes, cm); n < 5 {
		t.Errorf("%s observations for configmaps: %v, want at least 5", metricResponseBytes, n)
	}
	if n := m.sum(metricMapperRefreshes, map[string]string{"result": "ok"}); n < 1 {
		t.Errorf("%s: %v, want at least 1 (the mapper's first use)\n%s", metricMapperRefreshes, n, m.text)
	}
	if n := m.sum("go_goroutines", nil); n < 1 {
		t.Errorf("go_goroutines: %v: the Go collector is missing", n)
	}

	// Each cut ends the open watch: its request is counted when its body
	// closes; objects created after the cut are reconciled through a new one.
	watches := with(cm, "verb", "watch")
	for i := 1; i <= 2; i++ {
		before := m.sum(metricRequests, watches)
		if n := proxy.DropAll(); n == 0 {
			t.Fatalf("cut %d: no connection to cut", i)
		}
		createConfigMaps(t, h, fmt.Sprintf("cut%d", i), 2)
		waitReconciled(t, h, 5+2*i, false, "kubedyn-controller")
		waitFor(t, fmt.Sprintf("the watch ended by cut %d in %s", i, metricRequests), func() (bool, string) {
			m = scrape(t, url)
			n := m.sum(metricRequests, watches)
			return n > before, fmt.Sprintf("%v watch requests counted (%v before the cut)\n%s", n, before, m.text)
		})
	}
	p.terminate(t)
}

// proxiedKubeconfig writes a copy of env's kubeconfig whose server is the
// proxy at addr (TLS passes through it, so the server's certificate for
// 127.0.0.1 still verifies).
func proxiedKubeconfig(t *testing.T, env *cluster.Env, addr string) string {
	t.Helper()
	b, err := os.ReadFile(env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), env.Server, "https://"+addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scraped is one scrape of /metrics: its text and its metric families.
type scraped struct {
	text     string
	families map[string]*dto.MetricFamily
}

// scrape reads and parses url (the Prometheus text format).
func scrape(t *testing.T, url string) scraped {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: status %d, parse: %v\n%s", url, resp.StatusCode, err, body)
	}
	return scraped{text: string(body), families: fams}
}

// with returns a copy of labels with k=v added.
func with(labels map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for lk, lv := range labels {
		out[lk] = lv
	}
	return out
}

// matching returns the samples of family name that carry every label of
// labels.
func (s scraped) matching(name string, labels map[string]string) []*dto.Metric {
	f := s.families[name]
	if f == nil {
		return nil
	}
	var out []*dto.Metric
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		ok := true
		for k, v := range labels {
			if have[k] != v {
				ok = false
			}
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// sum adds the values of the counters or gauges of name matching labels.
func (s scraped) sum(name string, labels map[string]string) float64 {
	var n float64
	for _, m := range s.matching(name, labels) {
		n += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return n
}

// count adds the observation counts of the histograms of name matching
// labels.
func (s scraped) count(name string, labels map[string]string) uint64 {
	var n uint64
	for _, m := range s.matching(name, labels) {
		n += m.GetHistogram().GetSampleCount()
	}
	return n
}
