package dynamic

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationOptionsReachTheServer checks that field validation, dry
// run, preconditions and propagation policy have their effect on the real
// server.
func TestIntegrationOptionsReachTheServer(t *testing.T) {
	env := cluster.Get(t)
	var warnings []string
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig})
	if err != nil {
		t.Fatal(err)
	}
	cfg.WarningHandler = rest.WarningHandlerFunc(func(w rest.Warning) { warnings = append(warnings, w.Text) })
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(rc, Options{})
	ns := env.Namespace(t)
	ctx := context.Background()
	cms := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)

	bad := configMap(ns, "bad", map[string]any{"k": "v"})
	bad.Object["bogus"] = "field"
	if _, err := cms.Create(ctx, bad, metav1.CreateOptions{FieldValidation: "Strict"}); !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("Strict create with an unknown field: %v, want BadRequest naming it", err)
	}
	if _, err := cms.Create(ctx, bad, metav1.CreateOptions{FieldValidation: "Warn", DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatal(err)
	}
	if len(warnings) == 0 || !strings.Contains(strings.Join(warnings, "\n"), "bogus") {
		t.Errorf("Warn create: warnings %q, want one naming the unknown field", warnings)
	}
	if _, err := cms.Get(ctx, "bad", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a dry-run create was stored: %v", err)
	}
	body, _ := bad.MarshalJSON()
	if _, err := cms.Patch(ctx, "bad", types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: "m", FieldValidation: "Strict"}); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("Strict apply with an unknown field: %v (reason %s), want an error naming it", err, apierrors.ReasonForError(err))
	}

	cm, err := cms.Create(ctx, configMap(ns, "keep", nil), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wrongUID := cm.GetUID() + "x"
	if err := cms.Delete(ctx, "keep", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &wrongUID}}); !apierrors.IsConflict(err) {
		t.Errorf("delete with a wrong UID precondition: %v, want Conflict", err)
	}
	if err := cms.Delete(ctx, "keep", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Get(ctx, "keep", metav1.GetOptions{}); err != nil {
		t.Errorf("after a dry-run delete: %v", err)
	}
	// No controller-manager here: a Foreground delete leaves the object
	// with its finalizer and a deletion timestamp.
	fg := metav1.DeletePropagationForeground
	grace := int64(0)
	if err := cms.Delete(ctx, "keep", metav1.DeleteOptions{PropagationPolicy: &fg, GracePeriodSeconds: &grace}); err != nil {
		t.Fatal(err)
	}
	left, err := cms.Get(ctx, "keep", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if left.GetDeletionTimestamp() == nil || !contains(left.GetFinalizers(), metav1.FinalizerDeleteDependents) {
		t.Errorf("after a Foreground delete: deletionTimestamp %v, finalizers %v", left.GetDeletionTimestamp(), left.GetFinalizers())
	}
	left.SetFinalizers(nil)
	if _, err := cms.Update(ctx, left, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
