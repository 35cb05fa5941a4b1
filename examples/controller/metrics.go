package main

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/kubedyn/kubedyn/rest"
)

// metrics is the controller's rest.Observer: it turns the events of the
// REST client, discovery, the mapper and the informers into Prometheus
// metrics on a registry of its own (with the Go runtime's and the process's
// collectors), served on /metrics by serveMetrics. kubedyn itself depends
// on no metrics library; this example module does.
//
// Labels are bounded: verbs, group and resource names the server serves,
// status codes, and the mapper's few refresh reasons. Namespaces and
// object names are never labels.
type metrics struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec   // verb, group, resource, code
	latency         *prometheus.HistogramVec // verb, group, resource
	responseBytes   *prometheus.HistogramVec // verb, group, resource
	reconnects      *prometheus.CounterVec   // group, resource
	relists         *prometheus.CounterVec   // group, resource
	discoveryLookup *prometheus.CounterVec   // result
	discoveryAge    prometheus.Histogram
	mapperRefreshes *prometheus.CounterVec // reason, result
	mapperDuration  prometheus.Histogram
}

// Metric names, for the README and the tests.
const (
	metricRequests        = "kubedyn_rest_requests_total"
	metricLatency         = "kubedyn_rest_request_duration_seconds"
	metricResponseBytes   = "kubedyn_rest_response_size_bytes"
	metricReconnects      = "kubedyn_watch_reconnects_total"
	metricRelists         = "kubedyn_watch_relists_total"
	metricDiscoveryLookup = "kubedyn_discovery_cache_lookups_total"
	metricDiscoveryAge    = "kubedyn_discovery_cache_age_seconds"
	metricMapperRefreshes = "kubedyn_restmapper_refreshes_total"
	metricMapperDuration  = "kubedyn_restmapper_refresh_duration_seconds"
)

// newMetrics registers every collector on a new registry.
func newMetrics() *metrics {
	res := []string{"verb", "group", "resource"}
	gr := []string{"group", "resource"}
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricRequests,
			Help: "HTTP requests to the API server (each retry and redirect counted), by Kubernetes verb, group, resource and status code (\"error\" when no response came)."},
			append(res, "code")),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metricLatency,
			Help:    "Time from sending a request to receiving the response headers.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)}, res),
		responseBytes: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metricResponseBytes,
			Help:    "Response body bytes read (after decompression).",
			Buckets: prometheus.ExponentialBuckets(64, 4, 10)}, res),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricReconnects,
			Help: "New watches opened after the previous one ended, without relisting."}, gr),
		relists: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricRelists,
			Help: "Lists made again because a watch could not be resumed (410 Gone and the like)."}, gr),
		discoveryLookup: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricDiscoveryLookup,
			Help: "Discovery cache lookups by result: hit, revalidated (304), miss or stale (refresh failed, older copy used)."},
			[]string{"result"}),
		discoveryAge: prometheus.NewHistogram(prometheus.HistogramOpts{Name: metricDiscoveryAge,
			Help:    "Age of the discovery document copy used, at each lookup that used a cached copy.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10)}),
		mapperRefreshes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricMapperRefreshes,
			Help: "REST mapper refreshes from discovery, by reason and result (ok or error)."},
			[]string{"reason", "result"}),
		mapperDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: metricMapperDuration,
			Help:    "How long a REST mapper refresh took.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.responseBytes, m.reconnects, m.relists,
		m.discoveryLookup, m.discoveryAge, m.mapperRefreshes, m.mapperDuration,
	)
	return m
}

// Observe records ev; event types it does not know are ignored.
func (m *metrics) Observe(ev rest.Event) {
	switch ev := ev.(type) {
	case rest.RequestEvent:
		code := "error"
		if ev.StatusCode != 0 {
			code = strconv.Itoa(ev.StatusCode)
		}
		m.requests.WithLabelValues(ev.Verb, ev.Group, ev.Resource, code).Inc()
		if ev.StatusCode != 0 {
			m.latency.WithLabelValues(ev.Verb, ev.Group, ev.Resource).Observe(ev.Latency.Seconds())
			m.responseBytes.WithLabelValues(ev.Verb, ev.Group, ev.Resource).Observe(float64(ev.ResponseBytes))
		}
	case rest.WatchReconnectEvent:
		m.reconnects.WithLabelValues(ev.Group, ev.Resource).Inc()
	case rest.RelistEvent:
		m.relists.WithLabelValues(ev.Group, ev.Resource).Inc()
	case rest.DiscoveryCacheEvent:
		m.discoveryLookup.WithLabelValues(string(ev.Result)).Inc()
		if ev.Result != rest.DiscoveryCacheMiss {
			m.discoveryAge.Observe(ev.Age.Seconds())
		}
	case rest.MapperRefreshEvent:
		result := "ok"
		if ev.Err != nil {
			result = "error"
		}
		m.mapperRefreshes.WithLabelValues(ev.Reason, result).Inc()
		m.mapperDuration.Observe(ev.Duration.Seconds())
	}
}
