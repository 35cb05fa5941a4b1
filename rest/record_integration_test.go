package rest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubedyn/kubedyn/test/cluster"
)

var record = flag.Bool("record", false, "re-record testdata/status-*.json from the real control plane")

// TestRecordTestdata re-records the Status bodies the unit tests replay:
//
//	go test ./rest -run TestRecordTestdata -record
//
// Without -record it checks that the recorded files still match what the
// server answers (ignoring nothing: the bodies are deterministic).
func TestRecordTestdata(t *testing.T) {
	env := cluster.Get(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	if _, err := env.Do(ctx, "POST", "/api/v1/namespaces/"+ns+"/configmaps", map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "exists"},
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file string
		get  func() ([]byte, error)
	}{
		{"status-notfound.json", func() ([]byte, error) {
			return env.Do(ctx, "GET", "/api/v1/namespaces/"+ns+"/configmaps/missing", nil)
		}},
		{"status-alreadyexists.json", func() ([]byte, error) {
			return env.Do(ctx, "POST", "/api/v1/namespaces/"+ns+"/configmaps", map[string]any{
				"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "exists"},
			})
		}},
		{"status-forbidden.json", func() ([]byte, error) {
			return rawDo(ctx, env, env.Restricted.Token, "POST", "/api/v1/namespaces/"+env.RestrictedNamespace+"/configmaps",
				`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"denied"}}`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			body, err := tc.get()
			if err == nil {
				t.Fatalf("request succeeded; want an error Status")
			}
			body = bytes.ReplaceAll(body, []byte(ns), []byte("recorded-ns"))
			body = bytes.ReplaceAll(body, []byte(env.RestrictedNamespace), []byte("restricted-ns"))
			path := filepath.Join("testdata", tc.file)
			if *record {
				if err := os.WriteFile(path, body, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(old) != string(body) {
				t.Errorf("%s is stale; re-record with -record.\nrecorded: %s\nserver:   %s", path, old, body)
			}
		})
	}
}

// rawDo sends one request with a bearer token through a plain http.Client, so
// the body recorded is byte for byte what the server sent. It returns an
// error for status >= 300, with the body.
func rawDo(ctx context.Context, env *cluster.Env, token, method, path, body string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, env.Server+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := env.HTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return data, fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	return data, nil
}
