package discovery

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kubedyn/kubedyn/test/cluster"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestIntegrationCapabilities: on the real server, in every discovery mode
// it offers, the snapshot holds pods with their verbs and subresources and
// a CRD with status and scale, short names and categories; Client.Resource
// answers the same as the snapshot; and the modes' answers are equal.
func TestIntegrationCapabilities(t *testing.T) {
	env := cluster.Get(t)
	group := "caps" + uniqueSuffix() + "." + fixtureSuffix
	crds := fixtureCRDs(group)
	deleteCRDs(t, env, crds)
	installCRDs(t, env, crds)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	widgets := schema.GroupVersionResource{Group: group, Version: "v1", Resource: "widgets"}
	gadgets := schema.GroupVersionResource{Group: group, Version: "v1beta1", Resource: "gadgets"}
	pods := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	crdVerbs := []string{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"}
	tests := []struct {
		name string
		gvr  schema.GroupVersionResource
		want func(c Capabilities) string // "" when c is right
	}{
		{name: "pods verbs and scope", gvr: pods, want: func(c Capabilities) string {
			return cmp.Diff(Capabilities{Identity: Identity{Version: "v1", Kind: "Pod", Plural: "pods"}, Singular: "pod", Namespaced: true,
				Verbs: []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}, ShortNames: []string{"po"}, Categories: []string{"all"}},
				Capabilities{Identity: c.Identity, Singular: c.Singular, Namespaced: c.Namespaced, Verbs: c.Verbs, ShortNames: c.ShortNames, Categories: c.Categories})
		}},
		{name: "pods subresources", gvr: pods, want: func(c Capabilities) string {
			want := map[string]Subresource{
				"status":   {Name: "status", Kind: schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, Verbs: []string{"get", "patch", "update"}},
				"log":      {Name: "log", Kind: schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, Verbs: []string{"get"}},
				"eviction": {Name: "eviction", Kind: schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, Verbs: []string{"create"}},
				"exec":     {Name: "exec", Kind: schema.GroupVersionKind{Version: "v1", Kind: "PodExecOptions"}, Verbs: []string{"create", "get"}},
			}
			got := map[string]Subresource{}
			for name := range want {
				if s, ok := c.Subresource(name); ok {
					got[name] = s
				}
			}
			return cmp.Diff(want, got)
		}},
		{name: "CRD with status, scale, short names, categories", gvr: widgets, want: func(c Capabilities) string {
			return cmp.Diff(Capabilities{
				Identity: Identity{Group: group, Version: "v1", Kind: "Widget", Plural: "widgets"}, Singular: "widget", Namespaced: true,
				Verbs: crdVerbs, ShortNames: []string{"wd"}, Categories: []string{"all", "disctest"},
				Subresources: []Subresource{
					{Name: "scale", Kind: schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, Verbs: []string{"get", "patch", "update"}},
					{Name: "status", Kind: schema.GroupVersionKind{Group: group, Version: "v1", Kind: "Widget"}, Verbs: []string{"get", "patch", "update"}},
				},
			}, c)
		}},
		{name: "cluster-scoped CRD", gvr: gadgets, want: func(c Capabilities) string {
			return cmp.Diff(Capabilities{
				Identity: Identity{Group: group, Version: "v1beta1", Kind: "Gadget", Plural: "gadgets"}, Singular: "gadget",
				Verbs: crdVerbs, ShortNames: []string{"gd"}, Categories: []string{"disctest"},
			}, c)
		}},
	}
	rc := adminREST(t, env)
	byMode := map[Mode][]Capabilities{}
	for _, mode := range serverModes(t, env) {
		t.Run(mode.String(), func(t *testing.T) {
			c := New(rc, Options{Mode: mode})
			var snap *Snapshot
			// Aggregated discovery publishes new CRDs asynchronously.
			waitFor(ctx, t, "the CRDs in the "+mode.String()+" snapshot", func() bool {
				var err error
				snap, err = c.Snapshot(ctx)
				if err != nil && !IsPartial(err) {
					t.Fatal(err)
				}
				_, w := snap.Resource(widgets)
				_, g := snap.Resource(gadgets)
				return w && g
			})
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					got, ok := snap.Resource(tc.gvr)
					if !ok {
						t.Fatalf("%v not in the snapshot", tc.gvr)
					}
					if d := tc.want(got); d != "" {
						t.Errorf("snapshot (-want +got):\n%s", d)
					}
					one, served, err := c.Resource(ctx, tc.gvr)
					if err != nil || !served {
						t.Fatalf("Client.Resource(%v) = %v, %v", tc.gvr, served, err)
					}
					if d := cmp.Diff(got, one); d != "" {
						t.Errorf("Client.Resource differs from the snapshot (-snapshot +Resource):\n%s", d)
					}
					byMode[mode] = append(byMode[mode], got)
				})
			}
		})
	}
	if len(byMode) == 2 {
		if d := cmp.Diff(byMode[Legacy], byMode[Aggregated]); d != "" {
			t.Errorf("capabilities differ between modes (-legacy +aggregated):\n%s", d)
		}
	}
}
