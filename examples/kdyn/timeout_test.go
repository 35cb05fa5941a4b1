package main

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRequestTimeout runs kdyn get against a server that never answers:
// with --request-timeout it fails with a clear error once the timeout has
// passed; the test's own deadline (a minute) only catches a hang.
func TestRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // never answer, until the test ends
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	kc := writeKubeconfig(t, srv.URL, caPEM, "token", "default")
	for _, timeout := range []string{"1", "1s", "500ms"} {
		t.Run(timeout, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var stdout, stderr strings.Builder
			code := run(ctx, []string{"--kubeconfig", kc, "--cache-dir", "", "--request-timeout", timeout, "get", "configmaps"},
				strings.NewReader(""), &stdout, &stderr)
			if ctx.Err() != nil {
				t.Fatal("kdyn was still waiting after a minute")
			}
			if code != 1 || !strings.Contains(stderr.String(), "deadline exceeded") {
				t.Errorf("exit %d, stderr %q; want exit 1 and the timeout named", code, stderr.String())
			}
		})
	}
}
