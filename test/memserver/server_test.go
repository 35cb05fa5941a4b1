package memserver

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/kubedyn/kubedyn/rest"
	"golang.org/x/net/http2"
)

func TestServesHTTP2WithTokenAndCA(t *testing.T) {
	s := Run(t)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAData())
	hc := &http.Client{Transport: &http2.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	tests := []struct {
		name     string
		token    string
		path     string
		wantCode int
	}{
		{name: "version", token: s.Token(), path: "/version", wantCode: 200},
		{name: "no token", path: "/version", wantCode: 401},
		{name: "wrong token", token: "nope", path: "/api", wantCode: 401},
		{name: "unknown group", token: s.Token(), path: "/apis/nothing.example.com/v1", wantCode: 404},
		{name: "unknown resource", token: s.Token(), path: "/api/v1/nothings", wantCode: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.URL()+tc.path, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != tc.wantCode || resp.ProtoMajor != 2 {
				t.Errorf("GET %s: %d over HTTP/%d, want %d over HTTP/2", tc.path, resp.StatusCode, resp.ProtoMajor, tc.wantCode)
			}
		})
	}
}

func TestKubeconfigLoads(t *testing.T) {
	s := Run(t)
	path, err := s.KubeconfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != s.URL() || cfg.BearerToken != s.Token() || cfg.Namespace != "default" {
		t.Errorf("kubeconfig gives host %q token %q namespace %q", cfg.Host, cfg.BearerToken, cfg.Namespace)
	}
	s.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("kubeconfig file left after Close: %v", err)
	}
}

func TestDiscoveryDocuments(t *testing.T) {
	_, rc, _ := clients(t, Options{})
	var agg aggList
	if code := getJSON(t, rc, "/apis", aggAccept, &agg); code != 200 || !hasGroup(agg, "apps") {
		t.Fatalf("aggregated /apis: %d, apps listed: %v", code, hasGroup(agg, "apps"))
	}
	var legacy struct {
		Kind   string
		Groups []struct{ Name string }
	}
	if code := getJSON(t, rc, "/apis", "application/json", &legacy); code != 200 || legacy.Kind != "APIGroupList" {
		t.Errorf("legacy /apis: %d kind %q", code, legacy.Kind)
	}
	var list struct{ Kind, GroupVersion string }
	if code := getJSON(t, rc, "/apis/apps/v1", "", &list); code != 200 || list.GroupVersion != "apps/v1" {
		t.Errorf("/apis/apps/v1: %d %+v", code, list)
	}
	h := http.Header{"Accept": {aggAccept}}
	resp, err := rc.Do(testCtx(t), &rest.Request{Path: "/apis", Header: h})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	h.Set("If-None-Match", etag)
	resp, err = rc.Do(testCtx(t), &rest.Request{Path: "/apis", Header: h})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if etag == "" || resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %q: %d, want 304", etag, resp.StatusCode)
	}
	if !strings.HasPrefix(resp.Header.Get("ETag"), `"`) {
		t.Errorf("ETag %q not quoted", resp.Header.Get("ETag"))
	}
}
