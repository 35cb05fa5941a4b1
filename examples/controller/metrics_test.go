package main

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/kubedyn/kubedyn/rest"
)

// TestMetricsObserve feeds each event type to the observer and checks the
// series it moves, in the exposition format (histograms by their count).
func TestMetricsObserve(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events []rest.Event
		metric string
		want   string // the metric's exposition lines, without HELP/TYPE
	}{{
		name: "requests by verb, resource and code",
		events: []rest.Event{
			rest.RequestEvent{Verb: "list", Group: "apps", Resource: "deployments", StatusCode: 200},
			rest.RequestEvent{Verb: "list", Group: "apps", Resource: "deployments", StatusCode: 200},
			rest.RequestEvent{Verb: "patch", Resource: "configmaps", StatusCode: 409},
			rest.RequestEvent{Verb: "get", Resource: "configmaps", Err: errors.New("connection refused")},
		},
		metric: metricRequests,
		want: `kubedyn_rest_requests_total{code="200",group="apps",resource="deployments",verb="list"} 2
kubedyn_rest_requests_total{code="409",group="",resource="configmaps",verb="patch"} 1
kubedyn_rest_requests_total{code="error",group="",resource="configmaps",verb="get"} 1
`,
	}, {
		name:   "watch reconnects",
		events: []rest.Event{rest.WatchReconnectEvent{Group: "example.com", Resource: "widgets", Namespace: "ns"}, rest.WatchReconnectEvent{Group: "example.com", Resource: "widgets"}},
		metric: metricReconnects,
		want:   "kubedyn_watch_reconnects_total{group=\"example.com\",resource=\"widgets\"} 2\n",
	}, {
		name:   "relists",
		events: []rest.Event{rest.RelistEvent{Resource: "pods", Items: 3}},
		metric: metricRelists,
		want:   "kubedyn_watch_relists_total{group=\"\",resource=\"pods\"} 1\n",
	}, {
		name: "discovery cache lookups",
		events: []rest.Event{
			rest.DiscoveryCacheEvent{Key: "/apis", Result: rest.DiscoveryCacheHit, Age: time.Second},
			rest.DiscoveryCacheEvent{Key: "/api", Result: rest.DiscoveryCacheMiss},
			rest.DiscoveryCacheEvent{Key: "/api", Result: rest.DiscoveryCacheHit},
		},
		metric: metricDiscoveryLookup,
		want:   "kubedyn_discovery_cache_lookups_total{result=\"hit\"} 2\nkubedyn_discovery_cache_lookups_total{result=\"miss\"} 1\n",
	}, {
		name: "mapper refreshes",
		events: []rest.Event{
			rest.MapperRefreshEvent{Reason: "first use"},
			rest.MapperRefreshEvent{Reason: "no match", Err: errors.New("x")},
		},
		metric: metricMapperRefreshes,
		want:   "kubedyn_restmapper_refreshes_total{reason=\"first use\",result=\"ok\"} 1\nkubedyn_restmapper_refreshes_total{reason=\"no match\",result=\"error\"} 1\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMetrics()
			for _, ev := range tc.events {
				m.Observe(ev)
			}
			if err := testutil.GatherAndCompare(m.reg, strings.NewReader(exposition(t, m, tc.metric)+tc.want), tc.metric); err != nil {
				t.Error(err)
			}
		})
	}
}

// exposition returns the HELP and TYPE lines of metric, from the registry.
func exposition(t *testing.T, m *metrics, metric string) string {
	t.Helper()
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == metric {
			return "# HELP " + metric + " " + f.GetHelp() + "\n# TYPE " + metric + " " + strings.ToLower(f.GetType().String()) + "\n"
		}
	}
	t.Fatalf("no metric %s gathered", metric)
	return ""
}

// TestMetricsHistograms: latency and response bytes are observed for
// answered requests only, in seconds and bytes.
func TestMetricsHistograms(t *testing.T) {
	m := newMetrics()
	m.Observe(rest.RequestEvent{Verb: "get", Resource: "pods", StatusCode: 200, Latency: 250 * time.Millisecond, ResponseBytes: 100})
	m.Observe(rest.RequestEvent{Verb: "get", Resource: "pods", StatusCode: 404, Latency: 250 * time.Millisecond, ResponseBytes: 50})
	m.Observe(rest.RequestEvent{Verb: "get", Resource: "pods", Err: errors.New("connection refused"), Latency: time.Second})
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	type hist struct {
		Count uint64
		Sum   float64
	}
	got := map[string]hist{}
	for _, f := range fams {
		for _, s := range f.GetMetric() {
			if h := s.GetHistogram(); h != nil && strings.HasPrefix(f.GetName(), "kubedyn_rest_") {
				got[f.GetName()] = hist{h.GetSampleCount(), h.GetSampleSum()}
			}
		}
	}
	want := map[string]hist{metricLatency: {2, 0.5}, metricResponseBytes: {2, 150}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("histograms (-want +got):\n%s", d)
	}
}

// TestServeMetrics: "0" serves nothing, a bad address is an error naming
// it, and a served registry answers on /metrics at the logged URL.
func TestServeMetrics(t *testing.T) {
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, nil))
	m := newMetrics()
	stop, err := serveMetrics(metricsOff, m, log)
	if err != nil || logged.Len() != 0 {
		t.Fatalf("serveMetrics(%q) = %v, logged %q", metricsOff, err, logged.String())
	}
	stop()
	if _, err := serveMetrics("no-such-host.invalid:bad", m, log); err == nil || !strings.Contains(err.Error(), `"no-such-host.invalid:bad"`) {
		t.Errorf("serveMetrics of a bad address: %v", err)
	}
	stop, err = serveMetrics("127.0.0.1:0", m, log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	m.Observe(rest.RequestEvent{Verb: "list", Resource: "pods", StatusCode: 200})
	url := regexp.MustCompile(`url=(\S+)`).FindStringSubmatch(logged.String())
	if url == nil {
		t.Fatalf("no url logged: %q", logged.String())
	}
	resp, err := http.Get(url[1])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if want := `kubedyn_rest_requests_total{code="200",group="",resource="pods",verb="list"} 1`; !strings.Contains(string(body), want) {
		t.Errorf("GET %s: status %d, no line %s in:\n%s", url[1], resp.StatusCode, want, body)
	}
}
