package restmapper

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationKubectlChoices resolves every resource string of
// kubectlCases (hand-checked against kubectl v1.36.3; see kubectl_test.go)
// against the real control plane with fixtureCRDs installed.
func TestIntegrationKubectlChoices(t *testing.T) {
	env := cluster.Get(t)
	installCRDs(t, env, fixtureCRDs)
	m := New(newServerSource(t, env), Options{MinRefreshInterval: 10 * time.Millisecond})
	ctx := context.Background()
	if len(kubectlCases) < 30 {
		t.Fatalf("only %d kubectl cases; want at least 30", len(kubectlCases))
	}
	for _, tc := range kubectlCases {
		mp, err := m.Resolve(ctx, tc.arg)
		switch {
		case tc.fail && !meta.IsNoMatchError(err):
			t.Errorf("Resolve(%q) = %v, %v; kubectl failed", tc.arg, mp, err)
		case !tc.fail && err != nil:
			t.Errorf("Resolve(%q): %v; kubectl chose %v", tc.arg, err, tc.want)
		case !tc.fail && mp.Resource != tc.want:
			t.Errorf("Resolve(%q) = %v; kubectl chose %v", tc.arg, mp.Resource, tc.want)
		}
	}
}

// expectation is what the server's own documents say one resource string
// must map to.
type expectation struct {
	arg  string
	want schema.GroupVersionResource
}

// expectations derives, from the raw discovery documents, the mapping of
// every served resource by plural, singular, short name and kind, in each
// qualified form, and of bare plurals and short names by the cross-group
// rule (first group in server order wins).
func expectations(groups []metav1.APIGroup, lists []*metav1.APIResourceList) []expectation {
	byGV := map[string]*metav1.APIResourceList{}
	for _, l := range lists {
		byGV[l.GroupVersion] = l
	}
	// shortIn[group][short name]: kubectl reads "sn.x.GROUP" as short name
	// sn in GROUP (dropping the version x), so such strings are skipped here
	// and covered by kubectlCases instead.
	shortIn := map[string]map[string]bool{}
	for _, l := range lists {
		g := groupOf(l.GroupVersion)
		for _, r := range l.APIResources {
			for _, sn := range r.ShortNames {
				if shortIn[g] == nil {
					shortIn[g] = map[string]bool{}
				}
				shortIn[g][sn] = true
			}
		}
	}
	var out []expectation
	bare := map[string]bool{}
	short := map[string]bool{}
	addBare := func(seen map[string]bool, arg string, want schema.GroupVersionResource) {
		if !seen[arg] {
			seen[arg] = true
			out = append(out, expectation{arg: arg, want: want})
		}
	}
	for _, g := range groups {
		first := map[string]string{} // plural → first version in priority order
		for _, v := range orderedVersions(g) {
			l := byGV[schema.GroupVersion{Group: g.Name, Version: v}.String()]
			if l == nil {
				continue
			}
			for _, r := range l.APIResources {
				if strings.Contains(r.Name, "/") {
					continue
				}
				if _, ok := first[r.Name]; !ok {
					first[r.Name] = v
				}
				at := schema.GroupVersionResource{Group: g.Name, Version: v, Resource: r.Name}
				pref := schema.GroupVersionResource{Group: g.Name, Version: first[r.Name], Resource: r.Name}
				q := func(s string) string { return strings.TrimSuffix(s+"."+g.Name, ".") }
				out = append(out, expectation{q(r.Name), pref}, expectation{q(r.SingularName), pref})
				if g.Name != "" { // "pods.v1" names group "v1" in kubectl
					out = append(out, expectation{r.Name + "." + v + "." + g.Name, at},
						expectation{r.Kind + "." + v + "." + g.Name, at}, expectation{r.Kind + "." + g.Name, pref})
				}
				for _, sn := range r.ShortNames {
					if _, rest, ok := strings.Cut(g.Name, "."); !ok || !shortIn[rest][sn] {
						out = append(out, expectation{q(sn), pref})
					}
					addBare(short, sn, pref)
				}
				addBare(bare, r.Name, pref)
				addBare(bare, r.SingularName, pref)
			}
		}
	}
	return out
}

// TestIntegrationEveryResourceMaps checks every resource the server serves,
// with 50 CRDs installed, by plural, singular, short names and kind.
func TestIntegrationEveryResourceMaps(t *testing.T) {
	env := cluster.Get(t)
	crds := append(append([]crdSpec(nil), fixtureCRDs...), bulkCRDs(50-len(fixtureCRDs))...)
	installCRDs(t, env, crds)
	src := newServerSource(t, env)
	ctx := context.Background()
	groups, lists, err := src.ServerGroupsAndResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	crdCount := 0
	for _, l := range lists {
		if strings.HasSuffix(groupOf(l.GroupVersion), fixtureGroupSuffix) {
			for _, r := range l.APIResources {
				if !strings.Contains(r.Name, "/") {
					crdCount++
				}
			}
		}
	}
	if crdCount < 50 {
		t.Fatalf("server serves %d fixture CRD resource-versions; want at least 50", crdCount)
	}
	m := New(src, Options{})
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	exps := expectations(groups, lists)
	var bad []string
	for _, e := range exps {
		mp, err := m.Resolve(ctx, e.arg)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", e.arg, err))
		} else if mp.Resource != e.want {
			bad = append(bad, fmt.Sprintf("%s: got %v, want %v", e.arg, mp.Resource, e.want))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d resource strings mapped wrong:\n%s", len(bad), len(exps), strings.Join(bad, "\n"))
	}
	t.Logf("checked %d resource strings over %d group-versions", len(exps), len(lists))
	// And through the meta.RESTMapper methods, for every resource-version.
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") {
				continue // subresources are not part of a resource string
			}
			k, err := m.KindFor(gv.WithResource(r.Name))
			if err != nil || k != gv.WithKind(r.Kind) {
				t.Errorf("KindFor(%v) = %v, %v", gv.WithResource(r.Name), k, err)
			}
			mp, err := m.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: r.Kind}, gv.Version)
			if err != nil || mp.Resource != gv.WithResource(r.Name) || (mp.Scope.Name() == meta.RESTScopeNameNamespace) != r.Namespaced {
				t.Errorf("RESTMapping(%s, %s) = %v, %v", r.Kind, gv, mp, err)
			}
		}
	}
}

// TestIntegrationCRDAfterBuild creates a CRD after the mapper has its index
// and resolves it on the first try, by a qualified and by a bare name.
func TestIntegrationCRDAfterBuild(t *testing.T) {
	env := cluster.Get(t)
	src := newServerSource(t, env)
	m := New(src, Options{})
	ctx := context.Background()
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000)
	late := crdSpec{group: "late" + suffix + "." + fixtureGroupSuffix, kind: "Late" + suffix, plural: "late" + suffix + "s", singular: "late" + suffix, shortNames: []string{"lt" + suffix}, versions: []string{"v1"}}
	lateBare := crdSpec{group: "late" + suffix + "." + fixtureGroupSuffix, kind: "Bare" + suffix, plural: "bare" + suffix + "s", singular: "bare" + suffix, versions: []string{"v1"}}
	t.Cleanup(func() {
		for _, c := range []crdSpec{late, lateBare} {
			_, _ = env.Do(context.Background(), "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+c.plural+"."+c.group, nil)
		}
	})
	installCRDs(t, env, []crdSpec{late})
	before := src.requests.Load()
	mp, err := m.Resolve(ctx, late.plural+"."+late.group)
	if err != nil {
		t.Fatalf("Resolve of a CRD created after the mapper was built: %v", err)
	}
	if want := (schema.GroupVersionResource{Group: late.group, Version: "v1", Resource: late.plural}); mp.Resource != want {
		t.Errorf("Resolve = %v; want %v", mp.Resource, want)
	}
	if n := src.requests.Load() - before; n != 2 {
		t.Errorf("a miss naming a new group made %d requests; want 2 (the group, its one version)", n)
	}
	if _, err := m.KindFor(schema.GroupVersionResource{Resource: "lt" + suffix}); err != nil {
		t.Errorf("KindFor(short name) after the group loaded: %v", err)
	}
	installCRDs(t, env, []crdSpec{lateBare})
	k, err := m.KindFor(schema.GroupVersionResource{Resource: lateBare.plural})
	if err != nil || k.Kind != lateBare.kind {
		t.Errorf("KindFor(bare plural of a new CRD) = %v, %v", k, err)
	}
}

// TestIntegrationMissingKindFewRequests looks up kinds that do not exist
// 1,000 times each and counts the discovery requests.
func TestIntegrationMissingKindFewRequests(t *testing.T) {
	env := cluster.Get(t)
	src := newServerSource(t, env)
	m := New(src, Options{})
	ctx := context.Background()
	// A CRD that an earlier test deleted may still be listed for a moment
	// while its group-version already answers 404 (legacy discovery then
	// reports it failed): start from a clean discovery run.
	deadline := time.Now().Add(time.Minute)
	for err := m.Refresh(ctx); err != nil; err = m.Refresh(ctx) {
		if !discovery.IsPartial(err) || time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// One full discovery run of this server: 2 requests with aggregated
	// discovery, /api, /apis and one per group-version without it.
	before := src.requests.Load()
	src.Invalidate()
	if _, _, err := src.ServerGroupsAndResources(ctx); err != nil && !discovery.IsPartial(err) {
		t.Fatal(err)
	}
	perRun := src.requests.Load() - before
	t.Logf("one discovery run: %d requests", perRun)
	for _, tc := range []struct {
		name string
		look func() error
		max  int64
	}{
		{name: "bare resource string", look: func() error { _, err := m.Resolve(ctx, "nosuchwidgets"); return err }, max: perRun},
		{name: "KindFor with group", look: func() error {
			_, err := m.KindFor(schema.GroupVersionResource{Group: "nosuch.example.com", Resource: "widgets"})
			return err
		}, max: 1},
		{name: "RESTMapping", look: func() error {
			_, err := m.RESTMapping(schema.GroupKind{Group: "apps", Kind: "NoSuchKind"})
			return err
		}, max: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := src.requests.Load()
			for i := range 1000 {
				if err := tc.look(); !meta.IsNoMatchError(err) {
					t.Fatalf("lookup %d: %v; want a no-match error", i, err)
				}
			}
			n := src.requests.Load() - before
			t.Logf("1,000 lookups: %d discovery requests", n)
			if n > tc.max {
				t.Errorf("1,000 lookups made %d discovery requests; want at most %d", n, tc.max)
			}
		})
	}
}

var _ = cmp.Diff
