package discovery

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// fixtureSuffix marks every group this package's tests install.
const fixtureSuffix = "disctest.example.com"

// adminREST returns a rest.Client for the real control plane as admin.
func adminREST(t testing.TB, env *cluster.Env) *rest.Client {
	t.Helper()
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: cluster.AdminContext})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// crdSpec describes one CustomResourceDefinition a test installs.
type crdSpec struct {
	group, kind, plural     string
	shortNames, categories  []string
	versions                []string // served; the first is the storage version
	cluster, statusAndScale bool
}

func (c crdSpec) object() map[string]any {
	scope := "Namespaced"
	if c.cluster {
		scope = "Cluster"
	}
	var versions []any
	for i, v := range c.versions {
		ver := map[string]any{
			"name": v, "served": true, "storage": i == 0,
			"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
		}
		if c.statusAndScale {
			ver["subresources"] = map[string]any{
				"status": map[string]any{},
				"scale":  map[string]any{"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"},
			}
		}
		versions = append(versions, ver)
	}
	names := map[string]any{"kind": c.kind, "listKind": c.kind + "List", "plural": c.plural, "singular": strings.ToLower(c.kind)}
	if len(c.shortNames) > 0 {
		names["shortNames"] = c.shortNames
	}
	if len(c.categories) > 0 {
		names["categories"] = c.categories
	}
	return map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": c.plural + "." + c.group},
		"spec":     map[string]any{"group": c.group, "scope": scope, "names": names, "versions": versions},
	}
}

// installCRDs creates crds (an existing one is fine) and waits until legacy
// discovery serves each version.
func installCRDs(t testing.TB, env *cluster.Env, crds []crdSpec) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, c := range crds {
		if _, err := env.Do(ctx, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", c.object()); err != nil && !strings.Contains(err.Error(), "already exists") && !strings.Contains(err.Error(), "AlreadyExists") {
			t.Fatalf("creating CRD %s.%s: %v", c.plural, c.group, err)
		}
	}
	for _, c := range crds {
		for _, v := range c.versions {
			waitFor(ctx, t, fmt.Sprintf("CRD %s.%s %s served", c.plural, c.group, v), func() bool {
				body, err := env.Do(ctx, "GET", "/apis/"+c.group+"/"+v, nil)
				return err == nil && strings.Contains(string(body), `"name":"`+c.plural+`"`)
			})
		}
	}
}

// waitFor polls cond until it holds or ctx ends.
func waitFor(ctx context.Context, t testing.TB, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// uniqueSuffix returns a per-run suffix for cluster-scoped names.
func uniqueSuffix() string {
	return fmt.Sprintf("r%d", time.Now().UnixNano()%1_000_000_000)
}

// fixtureCRDs is a small varied set: several versions, short names,
// categories, a cluster-scoped kind, status and scale subresources.
func fixtureCRDs(group string) []crdSpec {
	return []crdSpec{
		{group: group, kind: "Widget", plural: "widgets", shortNames: []string{"wd"}, categories: []string{"all", "disctest"}, versions: []string{"v1", "v1beta1"}, statusAndScale: true},
		{group: group, kind: "Gadget", plural: "gadgets", shortNames: []string{"gd"}, categories: []string{"disctest"}, versions: []string{"v1beta1", "v1alpha1"}, cluster: true},
		{group: group, kind: "Sprocket", plural: "sprockets", versions: []string{"v1"}},
	}
}
