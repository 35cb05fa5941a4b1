// Command record re-records the benchmark fixtures in test/bench/testdata
// from a running kubedyn control plane:
//
//	eval "$(go run ./test/cluster/cmd/controlplane env)"   # from the repo root
//	cd test/bench && go run ./cmd/record
//
// It writes testdata/discovery.json (aggregated /api and /apis, and every
// legacy discovery document) and testdata/pod.json (one pod created in a
// fresh namespace and read back with its managedFields).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
)

const aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

type doc struct {
	Path        string          `json:"path"`
	ContentType string          `json:"contentType"`
	ETag        string          `json:"etag,omitempty"`
	Body        json.RawMessage `json:"body"`
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	kc := os.Getenv("KUBEDYN_TEST_KUBECONFIG")
	if kc == "" {
		return fmt.Errorf("KUBEDYN_TEST_KUBECONFIG is not set: start a control plane with go run ./test/cluster/cmd/controlplane env")
	}
	env, err := cluster.LoadEnv(kc)
	if err != nil {
		return fmt.Errorf("load control plane from %s: %w", kc, err)
	}
	hc := env.HTTPClient()
	get := func(path, accept string) (doc, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, env.Server+path, nil)
		if err != nil {
			return doc{}, err
		}
		req.Header.Set("Accept", accept)
		req.Header.Set("Authorization", "Bearer "+env.Admin.Token)
		resp, err := hc.Do(req)
		if err != nil {
			return doc{}, fmt.Errorf("GET %s: %w", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			return doc{}, fmt.Errorf("GET %s: status %d: %v %s", path, resp.StatusCode, err, b)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			return doc{}, fmt.Errorf("GET %s: body is not JSON: %w", path, err)
		}
		return doc{Path: path, ContentType: resp.Header.Get("Content-Type"), ETag: resp.Header.Get("ETag"), Body: compact.Bytes()}, nil
	}
	out := struct {
		Aggregated []doc `json:"aggregated"`
		Legacy     []doc `json:"legacy"`
	}{}
	for _, p := range []string{"/api", "/apis"} {
		d, err := get(p, aggregatedAccept)
		if err != nil {
			return err
		}
		out.Aggregated = append(out.Aggregated, d)
	}
	paths := []string{"/api", "/apis"}
	for i := 0; i < len(paths); i++ {
		d, err := get(paths[i], "application/json")
		if err != nil {
			return err
		}
		out.Legacy = append(out.Legacy, d)
		paths = append(paths, childPaths(paths[i], d.Body)...)
	}
	if err := writeJSON("testdata/discovery.json", out); err != nil {
		return err
	}
	return recordPod(ctx, env)
}

// childPaths lists the group-version documents /api and /apis point to.
func childPaths(path string, body []byte) []string {
	var v struct {
		Versions []string `json:"versions"`
		Groups   []struct {
			Versions []struct {
				GroupVersion string `json:"groupVersion"`
			} `json:"versions"`
		} `json:"groups"`
	}
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	switch path {
	case "/api":
		for _, ver := range v.Versions {
			out = append(out, "/api/"+ver)
		}
	case "/apis":
		for _, g := range v.Groups {
			for _, ver := range g.Versions {
				out = append(out, "/apis/"+ver.GroupVersion)
			}
		}
	}
	return out
}

func recordPod(ctx context.Context, env *cluster.Env) error {
	ns := fmt.Sprintf("bench-record-%d", time.Now().Unix())
	if _, err := env.Do(ctx, http.MethodPost, "/api/v1/namespaces", map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns},
	}); err != nil {
		return fmt.Errorf("create namespace %s: %w", ns, err)
	}
	// There is no controller-manager to create the default service account
	// the ServiceAccount admission plugin looks up.
	if _, err := env.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/serviceaccounts", map[string]any{
		"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default"},
	}); err != nil {
		return fmt.Errorf("create service account %s/default: %w", ns, err)
	}
	pod := map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "web"},
		"spec": map[string]any{"automountServiceAccountToken": false, "containers": []any{map[string]any{"name": "nginx", "image": "nginx:1.27"}}},
	}
	b, err := env.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/pods", pod)
	if err != nil {
		return fmt.Errorf("create pod in %s: %w", ns, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("pod created in %s is not JSON: %w", ns, err)
	}
	return writeJSON("testdata/pod.json", v)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
