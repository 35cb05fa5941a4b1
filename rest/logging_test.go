package rest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

const (
	logTestToken   = "log-test-bearer-7f3e9a"
	logPlainSecret = "plain-secret-value-41c8"   // a stringData value
	logDataSecret  = "data-secret-value-90ab"    // a data value, sent base64-encoded
	logIssuedToken = "issued-sa-token-5d2e"      // a TokenRequest's status.token
	logVisible     = "configmap-visible-value"   // not a secret: shown at -v=8
	logPatchSecret = "patched-secret-value-c3f1" // in a patch of a Secret, base64
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// secretServer answers like an API server for the requests of
// runLoggedScript, with Secret data in every shape it comes in.
func secretServer(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+logTestToken {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.Copy(io.Discard, r.Body)
	secret := fmt.Sprintf(`{"metadata":{"name":"s1","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"stringData\":{\"k\":\"%s\"}}"}},"data":{"k":"%s"},"type":"Opaque"}`,
		logPlainSecret, b64(logDataSecret))
	switch r.URL.Path {
	case "/api/v1/namespaces/ns/secrets/s1":
		fmt.Fprintf(w, `{"kind":"Secret","apiVersion":"v1",%s`, secret[1:])
	case "/api/v1/namespaces/ns/secrets":
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"kind":"Secret","apiVersion":"v1",%s`, secret[1:])
			return
		}
		if r.URL.Query().Get("limit") == "big" { // cut by the log: over bodyParseLimit
			fmt.Fprintf(w, `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[%s`, secret)
			for range bodyParseLimit / len(secret) {
				fmt.Fprintf(w, ",%s", secret)
			}
			fmt.Fprint(w, "]}")
			return
		}
		fmt.Fprintf(w, `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[%s,%s]}`, secret, secret)
	case "/api/v1/namespaces/ns/configmaps/c1":
		fmt.Fprintf(w, `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c1"},"data":{"k":"%s"}}`, logVisible)
	case "/api/v1/namespaces/ns/serviceaccounts/sa/token":
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{"audiences":["x"]},"status":{"token":"%s","expirationTimestamp":"2026-12-07T02:00:00Z"}}`, logIssuedToken)
	case "/api/v1/namespaces/ns/secrets/wide":
		fmt.Fprintf(w, `{"kind":"List","apiVersion":"v1","items":[{"kind":"Secret","apiVersion":"v1",%s]}`, secret[1:])
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// runLoggedScript sends every request of the script through a client that
// logs to a text handler at level, and returns the log.
func runLoggedScript(t *testing.T, level slog.Level) string {
	t.Helper()
	_, cfg := newTLSServer(t, secretServer)
	var out bytes.Buffer
	cfg.BearerToken = logTestToken
	cfg.Logger = slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: level}))
	c := mustClient(t, cfg)
	script := []*Request{
		{Path: "/api/v1/namespaces/ns/secrets/s1"},
		{Path: "/api/v1/namespaces/ns/secrets"},
		{Path: "/api/v1/namespaces/ns/secrets", Query: map[string][]string{"limit": {"big"}}},
		{Path: "/api/v1/namespaces/ns/secrets/wide"},
		{Method: "POST", Path: "/api/v1/namespaces/ns/secrets",
			Body: fmt.Appendf(nil, `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s2"},"stringData":{"k":"%s"}}`, logPlainSecret)},
		{Method: "PATCH", Path: "/api/v1/namespaces/ns/secrets/s1", Header: http.Header{"Content-Type": {"application/merge-patch+json"}},
			Body: fmt.Appendf(nil, `{"data":{"k":"%s"}}`, b64(logPatchSecret))},
		{Method: "PATCH", Path: "/api/v1/namespaces/ns/secrets/s1", Header: http.Header{"Content-Type": {"application/json-patch+json"}},
			Body: fmt.Appendf(nil, `[{"op":"add","path":"/data/x","value":"%s"}]`, b64(logPatchSecret))},
		{Method: "POST", Path: "/api/v1/namespaces/ns/serviceaccounts/sa/token", Body: []byte(`{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{}}`)},
		{Path: "/api/v1/namespaces/ns/configmaps/c1"},
		{Path: "/api/v1/namespaces/ns/configmaps/absent"},
	}
	for _, req := range script {
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			continue // the 404 of the script
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return out.String()
}

// TestLoggingNeverShowsSecrets greps the log of every level for the bearer
// token and each secret value, raw and base64-encoded, and checks that each
// level shows what kubectl's shows.
func TestLoggingNeverShowsSecrets(t *testing.T) {
	secrets := []string{logTestToken, logPlainSecret, logDataSecret, logIssuedToken, logPatchSecret}
	for _, s := range secrets[1:] {
		secrets = append(secrets, b64(s))
	}
	tests := []struct {
		name     string
		level    slog.Level
		want     []string
		wantNone bool
	}{
		{name: "v=0", level: VerbosityLevel(0), wantNone: true},
		{name: "v=4", level: VerbosityLevel(4), wantNone: true},
		{name: "v=6", level: VerbosityLevel(6), want: []string{"method=GET", "url=https://127.0.0.1:", "/api/v1/namespaces/ns/secrets/s1", "status=200", "status=404", "latency="}},
		{name: "v=7", level: VerbosityLevel(7), want: []string{"Authorization: Bearer <masked>", "Content-Type: application/json"}},
		{name: "v=8", level: VerbosityLevel(8), want: []string{logVisible, `\"k\":\"--- REDACTED ---\"`, "not shown: they may hold credentials"}},
		{name: "v=10", level: slog.Level(-100), want: []string{logVisible, "HTTP request body"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := runLoggedScript(t, tc.level)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("the log at %v shows %q", tc.level, s)
				}
			}
			if tc.wantNone && out != "" {
				t.Errorf("log at %v = %q, want nothing", tc.level, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the log at %v lacks %q:\n%s", tc.level, w, truncateForLog([]byte(out)))
				}
			}
		})
	}
}

func TestBodyForLog(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		complete   bool
		secretPath bool
		want       string
	}{
		{name: "not a secret", body: `{"kind":"ConfigMap","data":{"a":"b"}}`, complete: true, want: `{"kind":"ConfigMap","data":{"a":"b"}}`},
		{name: "secret", body: `{"kind":"Secret","data":{"a":"c2VjcmV0"}}`, complete: true, want: `{"data":{"a":"--- REDACTED ---"},"kind":"Secret"}`},
		{name: "secret list items without kind", body: `{"kind":"SecretList","items":[{"data":{"a":"x"}}]}`, complete: true,
			want: `{"items":[{"data":{"a":"--- REDACTED ---"}}],"kind":"SecretList"}`},
		{name: "table row object", body: `{"kind":"Table","rows":[{"object":{"kind":"Secret","stringData":{"a":"x"}}}]}`, complete: true,
			want: `{"kind":"Table","rows":[{"object":{"kind":"Secret","stringData":{"a":"--- REDACTED ---"}}}]}`},
		{name: "merge patch on a secrets path", body: `{"stringData":{"a":"x"}}`, complete: true, secretPath: true, want: `{"stringData":{"a":"--- REDACTED ---"}}`},
		{name: "cut secret", body: `{"kind":"Secret","data":{"a":"x`, want: "(31 bytes not shown: they may hold credentials and could not be parsed whole)"},
		{name: "cut on a secrets path", body: `{"data":{"a":"x`, secretPath: true, want: "(15 bytes not shown: they may hold credentials and could not be parsed whole)"},
		{name: "protobuf secret", body: "k8s\x00\n\x0c\n\x02v1\x12\x06Secret", complete: true, want: "(18 bytes not shown: they may hold credentials and could not be parsed whole)"},
		{name: "cut, harmless", body: `{"kind":"ConfigMap","data":{"a":"x`, want: `{"kind":"ConfigMap","data":{"a":"x`},
		{name: "numbers kept exact", body: `{"kind":"Secret","n":12345678901234567890,"data":{"a":"x"}}`, complete: true,
			want: `{"data":{"a":"--- REDACTED ---"},"kind":"Secret","n":12345678901234567890}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := bodyForLog([]byte(tc.body), tc.complete, tc.secretPath); got != tc.want {
				t.Errorf("bodyForLog = %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestVerbosityLevel(t *testing.T) {
	tests := []struct {
		v    int
		want slog.Level
	}{{-1, slog.LevelInfo}, {0, slog.LevelInfo}, {3, slog.LevelDebug}, {6, LevelRequests}, {7, LevelHeaders}, {8, LevelBodies}, {9, LevelBodies}}
	for _, tc := range tests {
		if got := VerbosityLevel(tc.v); got != tc.want {
			t.Errorf("VerbosityLevel(%d) = %v, want %v", tc.v, got, tc.want)
		}
	}
}
