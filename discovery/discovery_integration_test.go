package discovery

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kubedyn/kubedyn/test/cluster"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// bulkCRDs returns 50 CRDs in 10 groups ending in suffix: several
// versions, short names and categories on some, one cluster-scoped, one
// with status and scale subresources.
func bulkCRDs(suffix string) []crdSpec {
	out := make([]crdSpec, 0, 50)
	for i := range 50 {
		c := crdSpec{
			group: fmt.Sprintf("b%d.%s", i/5, suffix), kind: fmt.Sprintf("Bulk%02d", i), plural: fmt.Sprintf("bulk%02ds", i),
			versions: []string{"v1", "v1beta1"},
		}
		if i%3 == 0 {
			c.shortNames = []string{fmt.Sprintf("bk%02d", i)}
			c.categories = []string{"disctest"}
		}
		if i%4 == 0 {
			c.versions = append(c.versions, "v2alpha1")
		}
		c.cluster = i == 7
		c.statusAndScale = i == 11
		out = append(out, c)
	}
	return out
}

// deleteCRDs removes crds when the test ends, to keep the shared server lean.
func deleteCRDs(t *testing.T, env *cluster.Env, crds []crdSpec) {
	t.Cleanup(func() {
		for _, c := range crds {
			env.Do(context.Background(), "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+c.plural+"."+c.group, nil)
		}
	})
}

// ours keeps built-in groups and groups ending in suffix.
func ours(groups []metav1.APIGroup, lists []*metav1.APIResourceList, suffix string) ([]metav1.APIGroup, []*metav1.APIResourceList) {
	keep := func(g string) bool {
		return !strings.Contains(g, ".") || strings.HasSuffix(g, ".k8s.io") || strings.HasSuffix(g, suffix)
	}
	var gs []metav1.APIGroup
	for _, g := range groups {
		if keep(g.Name) {
			gs = append(gs, g)
		}
	}
	var ls []*metav1.APIResourceList
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		if keep(gv.Group) {
			ls = append(ls, l)
		}
	}
	return gs, ls
}

// TestIntegrationAggregatedEqualsLegacy: with 50 CRDs installed, both paths
// agree after Normalize on the real server. The first is Mode Auto, which is
// aggregated discovery where the server offers it (TestIntegrationAutoMode
// checks which it took) and legacy discovery, with its default concurrency,
// where it does not.
func TestIntegrationAggregatedEqualsLegacy(t *testing.T) {
	env := cluster.Get(t)
	suffix := uniqueSuffix() + ".eq." + fixtureSuffix
	crds := bulkCRDs(suffix)
	deleteCRDs(t, env, crds)
	installCRDs(t, env, crds)
	rc := adminREST(t, env)
	agg, leg := New(rc, Options{}), New(rc, Options{Mode: Legacy, Concurrency: 4})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(c *Client) [2]any {
		groups, lists, err := c.ServerGroupsAndResources(ctx)
		if err != nil && !IsPartial(err) {
			t.Fatal(err)
		}
		g, l := Normalize(ours(groups, lists, suffix))
		return [2]any{g, l}
	}
	var diff string
	var nLists int
	// Aggregated discovery of new CRDs is published asynchronously: poll
	// until the two agree, and report the last difference if they never do.
	waitFor(ctx, t, "aggregated == legacy", func() bool {
		a, l := run(agg), run(leg)
		diff = cmp.Diff(l, a)
		nLists = len(l[1].([]*metav1.APIResourceList))
		return diff == ""
	})
	if diff != "" {
		t.Fatalf("(-legacy +aggregated):\n%s", diff)
	}
	_, lists, _ := agg.ServerGroupsAndResources(ctx)
	tests := []struct {
		name string
		gv   string
		res  string
		want func(r *metav1.APIResource) bool
	}{
		{name: "cluster-scoped", gv: "b1." + suffix + "/v1", res: "bulk07s", want: func(r *metav1.APIResource) bool { return !r.Namespaced }},
		{name: "short names and categories", gv: "b0." + suffix + "/v1", res: "bulk03s", want: func(r *metav1.APIResource) bool {
			return cmp.Equal(r.ShortNames, []string{"bk03"}) && cmp.Equal(r.Categories, []string{"disctest"})
		}},
		{name: "status", gv: "b2." + suffix + "/v1", res: "bulk11s/status", want: func(r *metav1.APIResource) bool { return r.Kind == "Bulk11" }},
		{name: "scale", gv: "b2." + suffix + "/v1beta1", res: "bulk11s/scale", want: func(r *metav1.APIResource) bool {
			return r.Kind == "Scale" && r.Group == "autoscaling" && r.Version == "v1"
		}},
		{name: "third version", gv: "b0." + suffix + "/v2alpha1", res: "bulk00s", want: func(r *metav1.APIResource) bool { return r.Kind == "Bulk00" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := findResource(lists, tc.gv, tc.res)
			if r == nil || !tc.want(r) {
				t.Errorf("%s %s = %+v", tc.gv, tc.res, r)
			}
		})
	}
	t.Logf("auto == legacy over %d group-versions", nLists)
}

// TestIntegrationAPIServicePartial: an APIService whose Service does not
// exist makes a real partial failure naming exactly its group-version.
func TestIntegrationAPIServicePartial(t *testing.T) {
	env := cluster.Get(t)
	ns := env.Namespace(t)
	group := uniqueSuffix() + ".svc." + fixtureSuffix
	want := schema.GroupVersion{Group: group, Version: "v1"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := "v1." + group
	apisvc := map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"group": group, "version": "v1", "insecureSkipTLSVerify": true,
			"groupPriorityMinimum": 1000, "versionPriority": 15,
			"service": map[string]any{"namespace": ns, "name": "missing", "port": 443},
		},
	}
	if _, err := env.Do(ctx, "POST", "/apis/apiregistration.k8s.io/v1/apiservices", apisvc); err != nil {
		t.Fatal(err)
	}
	// Delete it as soon as the test ends: other packages share this server.
	t.Cleanup(func() {
		env.Do(context.Background(), "DELETE", "/apis/apiregistration.k8s.io/v1/apiservices/"+name, nil)
	})
	for _, mode := range serverModes(t, env) {
		t.Run(mode.String(), func(t *testing.T) {
			rc, ct := countingClient(t, env)
			c := New(rc, Options{Mode: mode})
			var err error
			var lists []*metav1.APIResourceList
			var groups []metav1.APIGroup
			asked := 0 // requests for the broken group-version in the last run
			waitFor(ctx, t, "a partial failure naming "+want.String(), func() bool {
				ct.requests("")
				groups, lists, err = c.ServerGroupsAndResources(ctx)
				asked = ct.requests("/apis/" + want.String())
				var pe *PartialError
				return errors.As(err, &pe) && pe.Failed[want] != nil
			})
			var pe *PartialError
			errors.As(err, &pe)
			var mine []string
			for gv := range pe.Failed {
				// Only APIServices of this test: CRDs other tests are
				// deleting may 404 for a moment while still listed.
				if strings.HasSuffix(gv.Group, ".svc."+fixtureSuffix) {
					mine = append(mine, gv.String())
				}
			}
			sort.Strings(mine)
			if d := cmp.Diff([]string{want.String()}, mine); d != "" {
				t.Errorf("failed APIService group-versions (-want +got):\n%s", d)
			}
			if !strings.Contains(err.Error(), want.String()) {
				t.Errorf("error does not name %s: %v", want, err)
			}
			if findResource(lists, "apps/v1", "deployments") == nil || len(groups) < 10 {
				t.Errorf("the rest was not returned: %d groups", len(groups))
			}
			// Legacy discovery asks the broken group-version once: its 503
			// is reported, not retried with backoff (seconds per run).
			if mode == Legacy && (asked != 1 || !apierrors.IsServiceUnavailable(pe.Failed[want])) {
				t.Errorf("legacy discovery asked %s %d times and got %v; want once, a 503 not retried", want, asked, pe.Failed[want])
			}
			t.Logf("%v: %v", mode, pe.Failed[want])
		})
	}
}

// TestIntegrationInvalidateSeesNewCRD: a CRD created after the cache filled
// is seen after Invalidate, and not before; the group is read alone
// (/apis/GROUP and its version), not by running discovery again.
func TestIntegrationInvalidateSeesNewCRD(t *testing.T) {
	env := cluster.Get(t)
	group := uniqueSuffix() + ".inv." + fixtureSuffix
	for _, mode := range serverModes(t, env) {
		t.Run(mode.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			rc, ct := countingClient(t, env)
			g := strings.ToLower(mode.String()) + "." + group
			c := NewCached(New(rc, Options{Mode: mode}), CacheOptions{})
			if _, _, err := c.ServerGroupsAndResources(ctx); err != nil && !IsPartial(err) {
				t.Fatal(err)
			}
			crd := []crdSpec{{group: g, kind: "Late", plural: "lates", versions: []string{"v1"}}}
			deleteCRDs(t, env, crd)
			installCRDs(t, env, crd)
			if _, _, err := c.ServerGroupAndResources(ctx, g); !apierrors.IsNotFound(err) {
				t.Fatalf("before Invalidate: err = %v, want NotFound from the cache", err)
			}
			var asked map[string]int
			waitFor(ctx, t, "the new CRD after Invalidate", func() bool {
				c.Invalidate(g)
				ct.takePaths()
				_, lists, err := c.ServerGroupAndResources(ctx, g)
				asked = ct.takePaths()
				return err == nil && findResource(lists, g+"/v1", "lates") != nil
			})
			if d := cmp.Diff(map[string]int{"/apis/" + g: 1, "/apis/" + g + "/v1": 1}, asked); d != "" {
				t.Errorf("requests of ServerGroupAndResources after Invalidate(%q) (-want +got):\n%s", g, d)
			}
		})
	}
}
