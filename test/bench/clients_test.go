package bench

import (
	"net"
	"testing"

	"github.com/kubedyn/kubedyn/rest"
	clientrest "k8s.io/client-go/rest"
)

// clientGoConfig returns a client-go config for fs with its QPS limiter
// off and its own transport (a Dial func keeps client-go from sharing a
// cached transport, so every call of this function starts cold).
func clientGoConfig(fs *fixtureServer) *clientrest.Config {
	return &clientrest.Config{
		Host:            fs.URL,
		TLSClientConfig: clientrest.TLSClientConfig{CAData: fs.caPEM()},
		QPS:             -1,
		Dial:            (&net.Dialer{}).DialContext,
	}
}

// kubedynClient returns a new kubedyn rest.Client for fs (QPS 0: no
// client-side limiter).
func kubedynClient(tb testing.TB, fs *fixtureServer) *rest.Client {
	tb.Helper()
	c, err := rest.NewClient(&rest.Config{Host: fs.URL, TLS: rest.TLSConfig{CAData: fs.caPEM()}})
	if err != nil {
		tb.Fatalf("kubedyn rest client for %s: %v", fs.URL, err)
	}
	return c
}
