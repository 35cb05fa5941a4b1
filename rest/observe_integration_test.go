package rest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationObserverAndLogging runs a scripted session against the real
// control plane with an observer and a logger at the most verbose level: the
// observer sees every request with its verb, resource and status, and the
// log shows every request but never the bearer token or the Secret's data.
func TestIntegrationObserverAndLogging(t *testing.T) {
	env := cluster.Get(t)
	ns := env.Namespace(t)
	const secretValue = "observer-secret-value-2b71"
	var mu sync.Mutex
	var events []RequestEvent
	var logOut bytes.Buffer
	cfg := baseConfig(env)
	cfg.BearerToken = env.Admin.Token
	cfg.Observer = ObserverFunc(func(ev Event) {
		if re, ok := ev.(RequestEvent); ok {
			mu.Lock()
			events = append(events, re)
			mu.Unlock()
		}
	})
	cfg.Logger = slog.New(slog.NewTextHandler(&logOut, &slog.HandlerOptions{Level: slog.Level(-100)}))
	c := mustClient(t, cfg)

	secrets := "/api/v1/namespaces/" + ns + "/secrets"
	script := []struct {
		req  Request
		want RequestEvent
	}{
		{Request{Path: "/version"}, RequestEvent{Verb: "get", StatusCode: 200}},
		{Request{Method: "POST", Path: secrets, Body: fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"stringData":{"k":%q}}`, secretValue)},
			RequestEvent{Verb: "create", Version: "v1", Resource: "secrets", Namespace: ns, StatusCode: 201}},
		{Request{Path: secrets + "/s1"}, RequestEvent{Verb: "get", Version: "v1", Resource: "secrets", Namespace: ns, StatusCode: 200}},
		{Request{Path: secrets}, RequestEvent{Verb: "list", Version: "v1", Resource: "secrets", Namespace: ns, StatusCode: 200}},
		{Request{Method: "PATCH", Path: secrets + "/s1", Header: map[string][]string{"Content-Type": {"application/merge-patch+json"}},
			Body: fmt.Appendf(nil, `{"data":{"k2":%q}}`, base64.StdEncoding.EncodeToString([]byte(secretValue)))},
			RequestEvent{Verb: "patch", Version: "v1", Resource: "secrets", Namespace: ns, StatusCode: 200}},
		{Request{Path: secrets, Query: url.Values{"watch": {"true"}, "timeoutSeconds": {"1"}}},
			RequestEvent{Verb: "watch", Version: "v1", Resource: "secrets", Namespace: ns, StatusCode: 200}},
		{Request{Path: "/apis/apps/v1/namespaces/" + ns + "/deployments"},
			RequestEvent{Verb: "list", Group: "apps", Version: "v1", Resource: "deployments", Namespace: ns, StatusCode: 200}},
		{Request{Method: "DELETE", Path: secrets + "/s1"}, RequestEvent{Verb: "delete", Version: "v1", Resource: "secrets", Namespace: ns, StatusCode: 200}},
		{Request{Path: secrets + "/s1"}, RequestEvent{Verb: "get", Version: "v1", Resource: "secrets", Namespace: ns, StatusCode: 404}},
	}
	var want []RequestEvent
	for _, step := range script {
		want = append(want, step.want)
		resp, err := c.Do(context.Background(), &step.req)
		if err != nil {
			if step.want.StatusCode < 400 {
				t.Fatalf("%s %s: %v", step.req.Method, step.req.Path, err)
			}
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}

	mu.Lock()
	got := append([]RequestEvent(nil), events...)
	mu.Unlock()
	strip := make([]RequestEvent, len(got))
	for i, ev := range got {
		strip[i] = RequestEvent{Verb: ev.Verb, Group: ev.Group, Version: ev.Version, Resource: ev.Resource, Namespace: ev.Namespace, StatusCode: ev.StatusCode}
		if ev.Latency <= 0 || ev.ResponseBytes <= 0 || ev.Method == "" || ev.Host == "" {
			t.Errorf("event %d %+v lacks latency, bytes, method or host", i, ev)
		}
	}
	if diff := cmp.Diff(want, strip); diff != "" {
		t.Errorf("observed requests (-want +got):\n%s", diff)
	}

	log := logOut.String()
	for _, secret := range []string{env.Admin.Token, secretValue, base64.StdEncoding.EncodeToString([]byte(secretValue))} {
		if strings.Contains(log, secret) {
			t.Errorf("the log shows a secret (%.6s...)", secret)
		}
	}
	for _, step := range script {
		if !strings.Contains(log, step.req.Path) {
			t.Errorf("the log does not show %s", step.req.Path)
		}
	}
	if !strings.Contains(log, "--- REDACTED ---") || !strings.Contains(log, "Bearer <masked>") {
		t.Errorf("the log shows no redaction: %.2000s", log)
	}
}
