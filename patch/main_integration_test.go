package patch

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// widgetGroup is the group of the CRD the tests and testdata use. Only this
// package creates it, so its name is fixed: the recorded schema must not
// change from run to run.
const widgetGroup = "patchtest.kubedyn.io"

// widgetCRD has one list of each kind custom-resource strategic merge knows:
// a map list with one key (ports), one with two keys (routes), a set (tags)
// and an atomic list (args), plus a nested object (config).
var widgetCRD = map[string]any{
	"apiVersion": "apiextensions.k8s.io/v1",
	"kind":       "CustomResourceDefinition",
	"metadata":   map[string]any{"name": "widgets." + widgetGroup},
	"spec": map[string]any{
		"group": widgetGroup,
		"scope": "Namespaced",
		"names": map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
		"versions": []any{map[string]any{
			"name": "v1", "served": true, "storage": true,
			"schema": map[string]any{"openAPIV3Schema": map[string]any{
				"type": "object",
				"properties": map[string]any{
					"spec": map[string]any{
						"type": "object",
						"properties": map[string]any{
							"ports": map[string]any{
								"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"name"},
								"items": map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{
									"name": map[string]any{"type": "string"}, "port": map[string]any{"type": "integer"},
									"protocol": map[string]any{"type": "string"},
								}},
							},
							"routes": map[string]any{
								"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"host", "port"},
								"items": map[string]any{"type": "object", "required": []any{"host", "port"}, "properties": map[string]any{
									"host": map[string]any{"type": "string"}, "port": map[string]any{"type": "integer"},
									"backend": map[string]any{"type": "string"}, "weight": map[string]any{"type": "integer"},
								}},
							},
							"tags":     map[string]any{"type": "array", "x-kubernetes-list-type": "set", "items": map[string]any{"type": "string"}},
							"args":     map[string]any{"type": "array", "x-kubernetes-list-type": "atomic", "items": map[string]any{"type": "string"}},
							"config":   map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
							"replicas": map[string]any{"type": "integer"},
						},
					},
				},
			}},
		}},
	},
}

// installWidgetCRD creates the Widget CRD unless it exists and waits until
// it is served and its OpenAPI v3 document is published.
func installWidgetCRD(t testing.TB, env *cluster.Env) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Do(ctx, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widgetCRD); err != nil && !strings.Contains(err.Error(), "AlreadyExists") && !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("creating CRD widgets.%s: %v", widgetGroup, err)
	}
	for {
		body, err := env.Do(ctx, "GET", "/openapi/v3/apis/"+widgetGroup+"/v1", nil)
		if err == nil && strings.Contains(string(body), "x-kubernetes-list-map-keys") {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("CRD widgets.%s never published its OpenAPI v3 schema: %v", widgetGroup, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// client returns a rest.Client acting as admin.
func client(t testing.TB, env *cluster.Env) *rest.Client {
	t.Helper()
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig})
	if err != nil {
		t.Fatal(err)
	}
	c, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// send sends one request and returns the body.
func send(ctx context.Context, c *rest.Client, method, path, contentType string, q url.Values, body []byte) ([]byte, error) {
	req := &rest.Request{Method: method, Path: path, Query: q, Body: body}
	if contentType != "" {
		req.Header = map[string][]string{"Content-Type": {contentType}}
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
