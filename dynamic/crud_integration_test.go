package dynamic

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationEveryVerb runs every verb against a built-in namespaced
// kind, a built-in cluster-scoped kind, and a CRD, namespaced and
// cluster-scoped, on the real control plane.
func TestIntegrationEveryVerb(t *testing.T) {
	env := cluster.Get(t)
	c := adminClient(t, env)
	ns := env.Namespace(t)
	nsWidgets := installWidgetCRD(t, c, "Namespaced")
	clusterWidgets := installWidgetCRD(t, c, "Cluster")
	suffix := fmt.Sprint(time.Now().UnixNano())
	tests := []struct {
		name      string
		handle    *ResourceHandle
		newObject func(name string) *unstructured.Unstructured
		strategic bool // the server accepts strategic merge patches
	}{
		{"configmaps", c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns),
			func(n string) *unstructured.Unstructured { return configMap(ns, n, map[string]any{"k": "v"}) }, true},
		{"clusterroles", c.Resource(clusterRoles),
			func(n string) *unstructured.Unstructured {
				u := object("rbac.authorization.k8s.io/v1", "ClusterRole", "", n+"-"+suffix)
				u.Object["rules"] = []any{}
				return u
			}, true},
		{"namespaced CRD", c.Resource(nsWidgets).Namespace(ns),
			func(n string) *unstructured.Unstructured { return widget(nsWidgets, ns, n, 1) }, false},
		{"cluster-scoped CRD", c.Resource(clusterWidgets),
			func(n string) *unstructured.Unstructured { return widget(clusterWidgets, "", n, 1) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h := tc.handle
			obj := tc.newObject("one")
			obj.SetLabels(map[string]string{"suite": suffix})
			name := obj.GetName()

			w, err := h.Watch(ctx, metav1.ListOptions{LabelSelector: "suite=" + suffix})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()

			created, err := h.Create(ctx, obj, metav1.CreateOptions{FieldManager: "kdyn-test"})
			if err != nil {
				t.Fatal(err)
			}
			if created.GetUID() == "" || created.GetName() != name {
				t.Fatalf("created %q uid %q", created.GetName(), created.GetUID())
			}
			if _, err := h.Create(ctx, obj, metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
				t.Errorf("second create: %v, want AlreadyExists", err)
			}
			dry, err := h.Create(ctx, tc.newObject("dry"), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.Get(ctx, dry.GetName(), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("a dry-run create was stored: %v", err)
			}

			got, err := h.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(created.Object, got.Object); diff != "" {
				t.Errorf("get differs from create (-created +got):\n%s", diff)
			}

			got.SetAnnotations(map[string]string{"step": "update"})
			updated, err := h.Update(ctx, got, metav1.UpdateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			stale := got.DeepCopy() // still carries the old resourceVersion
			stale.SetAnnotations(map[string]string{"step": "stale"})
			if _, err := h.Update(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
				t.Errorf("update with a stale resourceVersion: %v, want Conflict", err)
			}

			patches := []struct {
				pt   types.PatchType
				body string
				want string
			}{
				{types.JSONPatchType, `[{"op":"replace","path":"/metadata/annotations/step","value":"json"}]`, "json"},
				{types.MergePatchType, `{"metadata":{"annotations":{"step":"merge"}}}`, "merge"},
			}
			if tc.strategic {
				patches = append(patches, struct {
					pt         types.PatchType
					body, want string
				}{types.StrategicMergePatchType, `{"metadata":{"annotations":{"step":"strategic"}}}`, "strategic"})
			}
			for _, p := range patches {
				patched, err := h.Patch(ctx, name, p.pt, []byte(p.body), metav1.PatchOptions{})
				if err != nil {
					t.Fatalf("%s: %v", p.pt, err)
				}
				if a := patched.GetAnnotations()["step"]; a != p.want {
					t.Errorf("%s: annotation %q, want %q", p.pt, a, p.want)
				}
			}
			if !tc.strategic {
				_, err := h.Patch(ctx, name, types.StrategicMergePatchType, []byte(`{}`), metav1.PatchOptions{})
				if !apierrors.IsUnsupportedMediaType(err) {
					t.Errorf("strategic merge patch on a custom resource: %v, want 415", err)
				}
			}

			apply := tc.newObject("one")
			apply.SetName(name)
			apply.SetLabels(map[string]string{"suite": suffix})
			// "step" is owned by the patches' manager: a different value conflicts.
			apply.SetAnnotations(map[string]string{"applied": "yes", "step": "apply"})
			if _, err := h.Apply(ctx, name, apply, metav1.ApplyOptions{FieldManager: "other"}); !apierrors.IsConflict(err) {
				t.Errorf("apply over another manager's fields without force: %v, want Conflict", err)
			}
			applied, err := h.Apply(ctx, name, apply, metav1.ApplyOptions{FieldManager: "other", Force: true})
			if err != nil {
				t.Fatal(err)
			}
			if applied.GetAnnotations()["applied"] != "yes" {
				t.Errorf("apply: annotations %v", applied.GetAnnotations())
			}
			managers := map[string]bool{}
			for _, m := range applied.GetManagedFields() {
				managers[m.Manager] = true
			}
			if !managers["other"] {
				t.Errorf("managedFields has no manager %q: %v", "other", managers)
			}

			list, err := h.List(ctx, metav1.ListOptions{LabelSelector: "suite=" + suffix})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Items) != 1 || list.Items[0].GetName() != name || list.GetResourceVersion() == "" {
				t.Errorf("list: %d items, resourceVersion %q", len(list.Items), list.GetResourceVersion())
			}

			oldRV := updated.GetResourceVersion()
			if err := h.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &oldRV}}); !apierrors.IsConflict(err) {
				t.Errorf("delete with a stale resourceVersion precondition: %v, want Conflict", err)
			}
			if err := h.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := h.Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("get after delete: %v, want NotFound", err)
			}
			if err := h.Delete(ctx, name, metav1.DeleteOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("second delete: %v, want NotFound", err)
			}

			var seen []watch.EventType
			timeout := time.After(20 * time.Second)
			for len(seen) == 0 || seen[len(seen)-1] != watch.Deleted {
				select {
				case ev, ok := <-w.ResultChan():
					if !ok {
						t.Fatalf("watch closed after %v", seen)
					}
					if u, _ := ev.Object.(*unstructured.Unstructured); u == nil || u.GetName() != name {
						t.Fatalf("watch event %s with %T", ev.Type, ev.Object)
					}
					seen = append(seen, ev.Type)
				case <-timeout:
					t.Fatalf("watch saw %v, never DELETED", seen)
				}
			}
			if seen[0] != watch.Added || len(seen) < 3 {
				t.Errorf("watch events %v, want ADDED, MODIFIED..., DELETED", seen)
			}
		})
	}
}
