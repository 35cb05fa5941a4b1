package dynamic

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/restmapper"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationForObject drives objects that know only their apiVersion
// and kind through a discovery-backed mapper on the real server: a
// namespaced built-in, a cluster-scoped built-in, and a CRD installed after
// the mapper was built.
func TestIntegrationForObject(t *testing.T) {
	env := cluster.Get(t)
	plain := adminClient(t, env)
	ns := env.Namespace(t)
	mapper := restmapper.New(discovery.NewCached(discovery.New(plain.rc, discovery.Options{}), discovery.CacheOptions{}), restmapper.Options{})
	c, err := New(plain.rc, Options{Mapper: mapper, DefaultNamespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := mapper.RESTMapping(k8sschema.GroupKind{Kind: "ConfigMap"}); err != nil {
		t.Fatal(err) // fills the mapper before the CRD exists
	}
	gvr := installWidgetCRD(t, plain, "Namespaced")
	objects := []*unstructured.Unstructured{
		configMap("", "by-kind", map[string]any{"k": "v"}), // the default namespace
		object("rbac.authorization.k8s.io/v1", "ClusterRole", "", "by-kind-"+ns),
		widget(gvr, ns, "by-kind", 1),
	}
	for _, obj := range objects {
		h, err := c.ForObject(ctx, obj)
		if err != nil {
			t.Fatalf("%s: %v", obj.GetKind(), err)
		}
		if _, err := h.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			t.Fatalf("%s: %v", obj.GetKind(), err)
		}
		got, err := h.Get(ctx, obj.GetName(), metav1.GetOptions{})
		if err != nil || got.GetKind() != obj.GetKind() {
			t.Fatalf("%s: get %v, %v", obj.GetKind(), got, err)
		}
		if err := h.Delete(ctx, obj.GetName(), metav1.DeleteOptions{}); err != nil {
			t.Fatalf("%s: %v", obj.GetKind(), err)
		}
		if _, err := h.Get(ctx, obj.GetName(), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s after delete: %v", obj.GetKind(), err)
		}
	}
	if _, err := c.ForObject(ctx, object("example.invalid/v1", "Nothing", ns, "x")); !meta.IsNoMatchError(err) {
		t.Errorf("unknown kind: %v, want a no-match error", err)
	}
}
