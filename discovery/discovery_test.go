package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestRecordedAggregatedEqualsLegacy: on the recorded documents of the real
// control plane, aggregated and legacy discovery agree after Normalize.
func TestRecordedAggregatedEqualsLegacy(t *testing.T) {
	rec := loadRecording(t)
	ctx := context.Background()
	results := map[Mode][2]any{}
	for _, mode := range []Mode{Aggregated, Legacy} {
		f := &fakeServer{rec: rec}
		c := New(newFake(t, f), Options{Mode: mode})
		groups, lists, err := c.ServerGroupsAndResources(ctx)
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		g, l := Normalize(groups, lists)
		results[mode] = [2]any{g, l}
		want := int64(2)
		if mode == Legacy {
			want = legacyRunRequests(rec)
		}
		if got := f.requests.Load(); got != want {
			t.Errorf("%v: %d requests, want %d", mode, got, want)
		}
	}
	if d := cmp.Diff(results[Legacy], results[Aggregated]); d != "" {
		t.Errorf("aggregated differs from legacy after Normalize (-legacy +aggregated):\n%s", d)
	}
}

// TestRecordedSubresources: subresources appear as legacy lists them.
func TestRecordedSubresources(t *testing.T) {
	rec := loadRecording(t)
	c := New(newFake(t, &fakeServer{rec: rec}), Options{Mode: Aggregated})
	_, lists, err := c.ServerGroupsAndResources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]metav1.APIResource{
		"apps/v1 deployments/scale":                 {Name: "deployments/scale", Namespaced: true, Group: "autoscaling", Version: "v1", Kind: "Scale", Verbs: metav1.Verbs{"get", "patch", "update"}},
		"v1 pods/eviction":                          {Name: "pods/eviction", Namespaced: true, Group: "policy", Version: "v1", Kind: "Eviction", Verbs: metav1.Verbs{"create"}},
		"apps/v1 deployments/status":                {Name: "deployments/status", Namespaced: true, Kind: "Deployment", Verbs: metav1.Verbs{"get", "patch", "update"}},
		"rec.disctest.example.com/v1 widgets/scale": {Name: "widgets/scale", Namespaced: true, Group: "autoscaling", Version: "v1", Kind: "Scale", Verbs: metav1.Verbs{"get", "patch", "update"}},
	}
	for key, w := range want {
		gv, name, _ := strings.Cut(key, " ")
		t.Run(key, func(t *testing.T) {
			got := findResource(lists, gv, name)
			if got == nil {
				t.Fatalf("%s not found", key)
			}
			if d := cmp.Diff(w, *got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func findResource(lists []*metav1.APIResourceList, gv, name string) *metav1.APIResource {
	for _, l := range lists {
		if l.GroupVersion != gv {
			continue
		}
		for i := range l.APIResources {
			if l.APIResources[i].Name == name {
				return &l.APIResources[i]
			}
		}
	}
	return nil
}

func TestModes(t *testing.T) {
	rec := loadRecording(t)
	tests := []struct {
		name         string
		mode         Mode
		legacyServer bool
		wantErr      string
		wantRequests int64
	}{
		{name: "auto on aggregated server", mode: Auto, wantRequests: 2},
		{name: "auto falls back on a legacy server", mode: Auto, legacyServer: true, wantRequests: legacyRunRequests(rec)},
		{name: "aggregated on a legacy server fails", mode: Aggregated, legacyServer: true, wantErr: "did not answer with aggregated discovery", wantRequests: 2},
		{name: "legacy", mode: Legacy, wantRequests: legacyRunRequests(rec)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeServer{rec: rec, legacyOnly: tc.legacyServer}
			c := New(newFake(t, f), Options{Mode: tc.mode, Concurrency: 3})
			groups, _, err := c.ServerGroupsAndResources(context.Background())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if len(groups) == 0 || groups[0].Name != "" {
				t.Errorf("groups do not start with the core group: %v", groups)
			}
			if got := f.requests.Load(); got != tc.wantRequests {
				t.Errorf("%d requests, want %d", got, tc.wantRequests)
			}
		})
	}
}

func TestServerGroupAndResources(t *testing.T) {
	rec := loadRecording(t)
	for _, mode := range []Mode{Aggregated, Legacy} {
		t.Run(mode.String(), func(t *testing.T) {
			c := New(newFake(t, &fakeServer{rec: rec}), Options{Mode: mode})
			g, lists, err := c.ServerGroupAndResources(context.Background(), "rec.disctest.example.com")
			if err != nil {
				t.Fatal(err)
			}
			var gvs []string
			for _, l := range lists {
				gvs = append(gvs, l.GroupVersion)
			}
			want := []string{"rec.disctest.example.com/v1", "rec.disctest.example.com/v1beta1", "rec.disctest.example.com/v1alpha1"}
			if d := cmp.Diff(want, gvs); d != "" {
				t.Errorf("lists (-want +got):\n%s", d)
			}
			if g.PreferredVersion.Version != "v1" {
				t.Errorf("preferred = %v", g.PreferredVersion)
			}
			_, _, err = c.ServerGroupAndResources(context.Background(), "nope.example.com")
			if !apierrors.IsNotFound(err) {
				t.Errorf("unknown group: err = %v, want NotFound", err)
			}
		})
	}
}

func TestPreferred(t *testing.T) {
	rec := loadRecording(t)
	c := New(newFake(t, &fakeServer{rec: rec}), Options{})
	all, err := c.ServerPreferredResources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ns, err := c.ServerPreferredNamespacedResources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		lists  []*metav1.APIResourceList
		gv     string
		res    string
		wantIn bool
	}{
		{name: "widgets at preferred v1", lists: all, gv: "rec.disctest.example.com/v1", res: "widgets", wantIn: true},
		{name: "widgets not repeated at v1beta1", lists: all, gv: "rec.disctest.example.com/v1beta1", res: "widgets"},
		{name: "gadgets at v1beta1", lists: all, gv: "rec.disctest.example.com/v1beta1", res: "gadgets", wantIn: true},
		{name: "hpa at autoscaling/v2", lists: all, gv: "autoscaling/v2", res: "horizontalpodautoscalers", wantIn: true},
		{name: "hpa not at autoscaling/v1", lists: all, gv: "autoscaling/v1", res: "horizontalpodautoscalers"},
		{name: "no subresources", lists: all, gv: "v1", res: "pods/log"},
		{name: "no subresources of CRDs", lists: all, gv: "rec.disctest.example.com/v1", res: "widgets/status"},
		{name: "namespaced keeps pods", lists: ns, gv: "v1", res: "pods", wantIn: true},
		{name: "namespaced: no subresources", lists: ns, gv: "v1", res: "pods/status"},
		{name: "namespaced drops nodes", lists: ns, gv: "v1", res: "nodes"},
		{name: "namespaced drops cluster-scoped gadgets", lists: ns, gv: "rec.disctest.example.com/v1beta1", res: "gadgets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := findResource(tc.lists, tc.gv, tc.res) != nil; got != tc.wantIn {
				t.Errorf("present = %v, want %v", got, tc.wantIn)
			}
		})
	}
}

// TestPartialFailure: a failing legacy group-version and a Stale aggregated
// one give the rest plus a *PartialError listing exactly the failures.
func TestPartialFailure(t *testing.T) {
	rec := loadRecording(t)
	tests := []struct {
		name  string
		mode  Mode
		setup func(f *fakeServer)
		want  schema.GroupVersion
	}{
		{name: "legacy 503", mode: Legacy, want: schema.GroupVersion{Group: "batch", Version: "v1"}, setup: func(f *fakeServer) {
			f.setOverride("/apis/batch/v1", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"ServiceUnavailable","code":503,"message":"backend down"}`))
			})
		}},
		{name: "aggregated Stale", mode: Aggregated, want: schema.GroupVersion{Group: "batch", Version: "v1"}, setup: func(f *fakeServer) {
			f.rec = withStale(t, f.rec, "batch", "v1")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeServer{rec: rec}
			tc.setup(f)
			c := New(newFake(t, f), Options{Mode: tc.mode})
			groups, lists, err := c.ServerGroupsAndResources(context.Background())
			if !IsPartial(err) {
				t.Fatalf("err = %v, want partial", err)
			}
			var pe *PartialError
			if !errors.As(err, &pe) {
				t.Fatal("errors.As does not reach *PartialError")
			}
			var failed []schema.GroupVersion
			for gv := range pe.Failed {
				failed = append(failed, gv)
			}
			if d := cmp.Diff([]schema.GroupVersion{tc.want}, failed); d != "" {
				t.Errorf("failed (-want +got):\n%s", d)
			}
			if !strings.Contains(err.Error(), "batch/v1") {
				t.Errorf("error does not name batch/v1: %v", err)
			}
			if findResource(lists, "batch/v1", "jobs") != nil || findResource(lists, "apps/v1", "deployments") == nil {
				t.Errorf("lists: want apps/v1 and no batch/v1")
			}
			if len(groups) == 0 {
				t.Error("no groups")
			}
		})
	}
}

// withStale returns a copy of rec whose aggregated group-version is Stale.
func withStale(t testing.TB, rec *recording, group, version string) *recording {
	t.Helper()
	out := *rec
	out.Aggregated = append([]recordedDoc(nil), rec.Aggregated...)
	for i, d := range out.Aggregated {
		var l map[string]any
		if err := json.Unmarshal(d.Body, &l); err != nil {
			t.Fatal(err)
		}
		items, _ := l["items"].([]any)
		for _, it := range items {
			g := it.(map[string]any)
			md, _ := g["metadata"].(map[string]any)
			if name, _ := md["name"].(string); name != group {
				continue
			}
			for _, v := range g["versions"].([]any) {
				if v := v.(map[string]any); v["version"] == version {
					v["freshness"] = "Stale"
					delete(v, "resources")
				}
			}
		}
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		out.Aggregated[i].Body = b
		out.Aggregated[i].ETag = d.ETag + "-stale"
	}
	return &out
}

// legacyRunRequests is the request count of a full legacy run: every
// recorded legacy document but the per-group ones (/apis/GROUP).
func legacyRunRequests(rec *recording) int64 {
	n := int64(0)
	for _, d := range rec.Legacy {
		if keyGroup("x "+d.Path) != nil || d.Path == "/api" || d.Path == "/apis" {
			n++
		}
	}
	return n
}
