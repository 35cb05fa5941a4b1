package unstructured

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubedyn/kubedyn/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// TestRecord fetches real objects, lists and a watch stream from the control
// plane and checks that Decode matches apimachinery on every body; with
// KUBEDYN_RECORD=1 it also refreshes testdata/ (the fuzz seeds and the
// recorded-response tests).
func TestRecord(t *testing.T) {
	env := cluster.Get(t)
	ctx := context.Background()
	ns := env.Namespace(t)
	do := func(method, path string, body any) []byte {
		t.Helper()
		out, err := env.Do(ctx, method, path, body)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return out
	}
	api := "/api/v1/namespaces/" + ns
	cm := do("POST", api+"/configmaps", map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "cm", "labels": map[string]any{"app": "web"}},
		"data":     map[string]any{"a": "1", "unicode": "é ✓ <&>"}})
	svc := do("POST", api+"/services", map[string]any{"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "svc"},
		"spec":     map[string]any{"selector": map[string]any{"app": "web"}, "ports": []any{map[string]any{"port": 80, "targetPort": 8080}}}})
	dep := do("POST", "/apis/apps/v1/namespaces/"+ns+"/deployments", map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{"replicas": 2, "selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "nginx", "image": "nginx:1.27",
					"resources": map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "1.5Gi"}}}}}}}})
	do("POST", api+"/serviceaccounts", map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default"}})
	pod := do("POST", api+"/pods", map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "pod"},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "nginx", "image": "nginx:1.27"}}}})
	bodies := map[string][]byte{
		"configmap":      cm,
		"service":        svc,
		"deployment":     dep,
		"pod":            pod,
		"namespace":      do("GET", "/api/v1/namespaces/"+ns, nil),
		"configmaplist":  do("GET", api+"/configmaps", nil),
		"podlist":        do("GET", api+"/pods", nil),
		"deploymentlist": do("GET", "/apis/apps/v1/namespaces/"+ns+"/deployments", nil),
		"status404":      mustFail(t, env, ctx, api+"/configmaps/missing"),
	}
	for name, body := range bodies {
		checkSame(t, body, bytes.NewReader(body))
		if os.Getenv("KUBEDYN_RECORD") == "1" {
			if err := os.WriteFile(filepath.Join("testdata", name+".json"), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	watch := do("GET", api+"/configmaps?watch=1&resourceVersion=0&timeoutSeconds=1", nil)
	d := NewDecoder(bytes.NewReader(watch))
	for i := 0; ; i++ {
		typ, obj, err := d.NextEventObject()
		if err != nil {
			if i == 0 {
				t.Fatalf("watch stream %q: %v", watch, err)
			}
			break
		}
		if typ != "ADDED" || obj.GetKind() != "ConfigMap" {
			t.Errorf("event %d: got %s %s, want ADDED ConfigMap", i, typ, obj.GetKind())
		}
	}
	if os.Getenv("KUBEDYN_RECORD") == "1" {
		if err := os.WriteFile(filepath.Join("testdata", "watch.jsonl"), watch, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// mustFail returns the body of a request the server answers with an error
// (the server's own Status object).
func mustFail(t *testing.T, env *cluster.Env, ctx context.Context, path string) []byte {
	t.Helper()
	body, err := env.Do(ctx, "GET", path, nil)
	if err == nil {
		t.Fatalf("GET %s: want an error", path)
	}
	if len(body) == 0 {
		t.Fatalf("GET %s: error %v came without a body", path, err)
	}
	return body
}
