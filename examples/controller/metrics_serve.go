package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsOff is the --metrics-bind-address that serves no metrics, as
// controller-runtime's.
const metricsOff = "0"

// serveMetrics serves m's registry on http://addr/metrics until the
// returned stop is called (which waits up to 5s for scrapes in flight).
// It logs the address listened on, so that ":0" can be found. With addr
// metricsOff it serves nothing.
func serveMetrics(addr string, m *metrics, log *slog.Logger) (stop func(), err error) {
	if addr == metricsOff {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve metrics on %q: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // past the timeout, connections are closed anyway
		<-done
	}, nil
}
