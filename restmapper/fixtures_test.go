package restmapper

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// fixtureGroupSuffix marks every group this package's tests install, so the
// recorder and the integration tests can tell them from other packages'.
const fixtureGroupSuffix = "rmtest.example.com"

// crdSpec describes one CustomResourceDefinition the tests install.
type crdSpec struct {
	group, kind, plural, singular string
	shortNames, categories        []string
	versions                      []string // served versions; the first is the storage version
	cluster                       bool
}

// fixtureCRDs are the CRDs behind testdata/discovery.json and the
// integration tests: short-name collisions with built-ins (po, deploy),
// a plural shared with apps (deployments), a plural shared by two CRD
// groups (things), a singular that is not the lowercase kind (sprock),
// non-preferred versions, a cluster-scoped kind and a category.
var fixtureCRDs = []crdSpec{
	{group: "rmtest.example.com", kind: "Widget", plural: "widgets", singular: "widget", shortNames: []string{"wd", "po"}, categories: []string{"all", "rmtest"}, versions: []string{"v1", "v1beta1", "v2alpha1"}},
	{group: "rmtest.example.com", kind: "Gadget", plural: "gadgets", singular: "gadget", shortNames: []string{"gd", "deploy"}, categories: []string{"rmtest"}, versions: []string{"v1beta1", "v1alpha1"}, cluster: true},
	{group: "rmtest.example.com", kind: "Sprocket", plural: "sprocketz", singular: "sprock", shortNames: []string{"spr"}, versions: []string{"v1"}},
	{group: "apps.rmtest.example.com", kind: "Deployment", plural: "deployments", singular: "deployment", shortNames: []string{"deploy", "dpl"}, versions: []string{"v1"}},
	{group: "zeta.rmtest.example.com", kind: "Thing", plural: "things", singular: "thing", shortNames: []string{"th"}, versions: []string{"v1"}},
	{group: "alpha.rmtest.example.com", kind: "Thing", plural: "things", singular: "thing", shortNames: []string{"th"}, versions: []string{"v1"}},
}

// bulkCRDs returns n more CRDs in groups bulkNN.rmtest.example.com, for the
// "every resource maps right" integration test.
func bulkCRDs(n int) []crdSpec {
	out := make([]crdSpec, 0, n)
	for i := range n {
		out = append(out, crdSpec{
			group: fmt.Sprintf("bulk%02d.%s", i/10, fixtureGroupSuffix), kind: fmt.Sprintf("Bulk%02d", i),
			plural: fmt.Sprintf("bulk%02ds", i), singular: fmt.Sprintf("bulk%02d", i),
			shortNames: []string{fmt.Sprintf("bk%02d", i)}, categories: []string{"rmbulk"},
			versions: []string{"v1", "v1beta1"}, cluster: i%7 == 0,
		})
	}
	return out
}

func (c crdSpec) object() map[string]any {
	scope := "Namespaced"
	if c.cluster {
		scope = "Cluster"
	}
	var versions []any
	for i, v := range c.versions {
		versions = append(versions, map[string]any{
			"name": v, "served": true, "storage": i == 0,
			"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
		})
	}
	names := map[string]any{"kind": c.kind, "listKind": c.kind + "List", "plural": c.plural, "singular": c.singular}
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

// installCRDs creates the CRDs (an existing one is left alone) and waits
// until each is Established and served in discovery.
func installCRDs(t testing.TB, env *cluster.Env, crds []crdSpec) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, c := range crds {
		if _, err := env.Do(ctx, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", c.object()); err != nil && !strings.Contains(err.Error(), "AlreadyExists") && !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("creating CRD %s.%s: %v", c.plural, c.group, err)
		}
	}
	for _, c := range crds {
		waitServed(ctx, t, env, c)
	}
}

// waitServed polls until the CRD's group-versions list its resource.
func waitServed(ctx context.Context, t testing.TB, env *cluster.Env, c crdSpec) {
	t.Helper()
	for _, v := range c.versions {
		for {
			body, err := env.Do(ctx, "GET", "/apis/"+c.group+"/"+v, nil)
			if err == nil && strings.Contains(string(body), `"name":"`+c.plural+`"`) {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("CRD %s.%s version %s never served: %v", c.plural, c.group, v, err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
