package memserver

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestCreateErrors(t *testing.T) {
	_, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	if _, err := dc.Resource(cmGVR).Namespace("default").Create(ctx, configMap("taken", nil, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		ns         string
		obj        *unstructured.Unstructured
		opts       metav1.CreateOptions
		wantReason metav1.StatusReason
		wantCode   int32
	}{
		{name: "missing namespace", ns: "nowhere", obj: configMap("a", nil, nil), wantReason: metav1.StatusReasonNotFound, wantCode: 404},
		{name: "already exists", ns: "default", obj: configMap("taken", nil, nil), wantReason: metav1.StatusReasonAlreadyExists, wantCode: 409},
		{name: "invalid name", ns: "default", obj: configMap("Not_Valid", nil, nil), wantReason: metav1.StatusReasonInvalid, wantCode: 422},
		{name: "bad dry run", ns: "default", obj: configMap("b", nil, nil), opts: metav1.CreateOptions{DryRun: []string{"Some"}}, wantReason: metav1.StatusReasonInvalid, wantCode: 422},
		{name: "strict unknown field", ns: "default", obj: u(map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c"}, "bogus": "x"}), opts: metav1.CreateOptions{FieldValidation: "Strict"}, wantReason: metav1.StatusReasonBadRequest, wantCode: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dc.Resource(cmGVR).Namespace(tc.ns).Create(ctx, tc.obj, tc.opts)
			got := struct {
				Reason metav1.StatusReason
				Code   int32
			}{apierrors.ReasonForError(err), statusCode(err)}
			want := struct {
				Reason metav1.StatusReason
				Code   int32
			}{tc.wantReason, tc.wantCode}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("create: (-want +got)\n%s\nerr: %v", diff, err)
			}
		})
	}
}

func statusCode(err error) int32 {
	if se, ok := err.(apierrors.APIStatus); ok {
		return se.Status().Code
	}
	return 0
}

func TestCreateSemantics(t *testing.T) {
	_, _, dc := clients(t, Options{CRDs: []*unstructured.Unstructured{widgetCRD()}})
	ctx := testCtx(t)
	gen := configMap("", nil, map[string]any{"k": "v"})
	gen.SetGenerateName("gen-")
	cm, err := dc.Resource(cmGVR).Namespace("default").Create(ctx, gen, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cm.GetName()) != len("gen-")+5 || cm.GetUID() == "" || cm.GetResourceVersion() == "" || cm.GetCreationTimestamp().Time.IsZero() {
		t.Errorf("generated configmap lacks server fields: %v", cm.Object["metadata"])
	}
	if cm.GetGeneration() != 0 {
		t.Errorf("configmap generation = %d, want 0 (never set)", cm.GetGeneration())
	}
	dry, err := dc.Resource(cmGVR).Namespace("default").Create(ctx, configMap("dry", nil, nil), metav1.CreateOptions{DryRun: []string{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	if dry.GetResourceVersion() != "" {
		t.Errorf("dry-run create has resourceVersion %q", dry.GetResourceVersion())
	}
	if _, err := dc.Resource(cmGVR).Namespace("default").Get(ctx, "dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("dry-run object was stored: %v", err)
	}
	w, err := dc.Resource(widgetGVR).Namespace("default").Create(ctx, widget("w1", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.GetGeneration(); got != 1 {
		t.Errorf("widget generation = %d, want 1", got)
	}
	if color, _, _ := unstructured.NestedString(w.Object, "spec", "color"); color != "red" {
		t.Errorf("schema default not applied: spec.color = %q", color)
	}
}

func TestUpdateGenerationAndStatusSplit(t *testing.T) {
	_, _, dc := clients(t, Options{CRDs: []*unstructured.Unstructured{widgetCRD()}})
	ctx := testCtx(t)
	h := dc.Resource(widgetGVR).Namespace("default")
	w, err := h.Create(ctx, widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		mutate   func(*unstructured.Unstructured)
		status   bool
		wantGen  int64
		wantRepl int64 // status.replicas after the step
	}{
		{name: "label change keeps generation", mutate: func(o *unstructured.Unstructured) { o.SetLabels(map[string]string{"a": "b"}) }, wantGen: 1},
		{name: "spec change bumps generation", mutate: func(o *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(o.Object, int64(3), "spec", "replicas")
		}, wantGen: 2},
		{name: "status through main resource is ignored", mutate: func(o *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(o.Object, int64(9), "status", "replicas")
		}, wantGen: 2},
		{name: "status through /status is kept", status: true, mutate: func(o *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(o.Object, int64(3), "status", "replicas")
		}, wantGen: 2, wantRepl: 3},
		{name: "spec through /status is ignored", status: true, mutate: func(o *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(o.Object, int64(7), "spec", "replicas")
		}, wantGen: 2, wantRepl: 3},
	}
	for _, st := range steps {
		st.mutate(w)
		var err error
		if st.status {
			w, err = h.UpdateStatus(ctx, w, metav1.UpdateOptions{})
		} else {
			w, err = h.Update(ctx, w, metav1.UpdateOptions{})
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		repl, _, _ := unstructured.NestedInt64(w.Object, "status", "replicas")
		if w.GetGeneration() != st.wantGen || repl != st.wantRepl {
			t.Errorf("%s: generation %d status.replicas %d, want %d %d", st.name, w.GetGeneration(), repl, st.wantGen, st.wantRepl)
		}
	}
	stale := w.DeepCopy()
	stale.SetResourceVersion("1")
	if _, err := h.Update(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("update with an old resourceVersion: %v, want Conflict", err)
	}
}

func TestFinalizersAndDeletion(t *testing.T) {
	_, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	cm := configMap("fin", nil, nil)
	cm.SetFinalizers([]string{"example.com/hold"})
	if _, err := h.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.Delete(ctx, "fin", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := h.Get(ctx, "fin", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("object with a finalizer is gone after delete: %v", err)
	}
	if got.GetDeletionTimestamp() == nil {
		t.Fatal("no deletionTimestamp after delete")
	}
	got.SetFinalizers(nil)
	if _, err := h.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Get(ctx, "fin", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("object still there after its last finalizer went: %v", err)
	}
	if err := h.Delete(ctx, "fin", metav1.DeleteOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("second delete: %v, want NotFound", err)
	}
}
