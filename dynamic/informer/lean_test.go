package informer

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
)

func leanFixture() map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{
			"name": "web-1", "namespace": "shop", "uid": "u-1", "resourceVersion": "7",
			"labels":        map[string]any{"app": "web"},
			"managedFields": []any{map[string]any{"manager": "kubectl", "fieldsV1": map[string]any{"f:spec": map[string]any{}}}},
		},
		"spec": map[string]any{
			"containers": []any{map[string]any{"name": "web", "image": "nginx", "ports": []any{map[string]any{"containerPort": int64(80)}}}},
			"nodeName":   "n1",
			"ready":      true,
			"weight":     1.5,
			"nothing":    nil,
		},
	}
}

// TestLeanUnstructured drops managedFields and keeps everything else equal.
func TestLeanUnstructured(t *testing.T) {
	want := leanFixture()
	delete(want["metadata"].(map[string]any), "managedFields")
	for _, tc := range []struct{ name string }{{name: "first object"}, {name: "second object, strings already interned"}} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := LeanUnstructured(&unstructured.Unstructured{Object: leanFixture()})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, u.Object); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeanMetadata(t *testing.T) {
	m := &metav1.PartialObjectMetadata{
		TypeMeta: metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "PartialObjectMetadata"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "a", Namespace: "ns", Labels: map[string]string{"app": "web"}, Finalizers: []string{"x/y"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", UID: "u"}},
			ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "kubectl"}},
		},
	}
	want := m.DeepCopy()
	want.ManagedFields = nil
	got, err := LeanMetadata(m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestStreamingList syncs from a watch with sendInitialEvents, ended by
// the initial-events-end bookmark, and goes on with the same watch.
func TestStreamingList(t *testing.T) {
	src := newFakeSource()
	src.noStream = false
	inf := newInformer(testHandle(t), Options[U]{Lean: true}, src.source())
	rec := newRecorder()
	inf.AddHandler(rec)
	runInformer(t, inf)
	w := <-src.watches
	a := obj("ns", "a", "3", nil)
	a.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: "m"}})
	w.Add(a)
	w.Add(obj("ns", "b", "4", nil))
	w.Action(watch.Bookmark, obj("", "", "5", nil)) // a progress bookmark: not the end
	if inf.HasSynced() {
		t.Fatal("synced before the initial-events-end bookmark")
	}
	end := obj("", "", "5", nil)
	end.SetAnnotations(map[string]string{dynamic.InitialEventsEndAnnotation: "true"})
	w.Action(watch.Bookmark, end)
	if err := inf.WaitForSync(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Modify(obj("ns", "b", "6", nil))
	eventually(t, "3 events", func() bool { return rec.count() >= 3 })
	got, _ := rec.snapshot()
	if diff := cmp.Diff(map[string][]string{"ns/a": {"add:3:initial"}, "ns/b": {"add:4:initial", "update:4>6"}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if o, _ := inf.Lister().Namespace("ns").Get("a"); o.GetManagedFields() != nil {
		t.Error("lean informer kept managedFields")
	}
	if n := src.listCount(); n != 0 {
		t.Errorf("%d Lists, want 0 with a streaming list", n)
	}
}
