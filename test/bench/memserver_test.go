package bench

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
	"k8s.io/apimachinery/pkg/watch"
	clientgodynamic "k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedyn/kubedyn/test/memserver"
)

// memserverCRD is a namespaced custom resource with a status subresource,
// served by memserver from the start.
var memserverCRD = &unstructured.Unstructured{Object: map[string]any{
	"apiVersion": "apiextensions.k8s.io/v1",
	"kind":       "CustomResourceDefinition",
	"metadata":   map[string]any{"name": "gizmos.bench.example.com"},
	"spec": map[string]any{
		"group": "bench.example.com",
		"names": map[string]any{"plural": "gizmos", "singular": "gizmo", "kind": "Gizmo", "listKind": "GizmoList"},
		"scope": "Namespaced",
		"versions": []any{map[string]any{
			"name": "v1", "served": true, "storage": true,
			"subresources": map[string]any{"status": map[string]any{}},
			"schema": map[string]any{"openAPIV3Schema": map[string]any{
				"type": "object",
				"properties": map[string]any{
					"spec": map[string]any{"type": "object", "properties": map[string]any{
						"size":  map[string]any{"type": "integer"},
						"color": map[string]any{"type": "string"},
					}},
				},
			}},
		}},
	},
}}

// TestClientGoDynamicOnMemserver proves that client-go's dynamic client,
// configured from memserver's kubeconfig by clientcmd as any program
// would be, works against memserver: create, get, list with a label
// selector, update, server-side apply (Apply: managedFields, a conflict
// with another manager, force), delete, and a watch that sees each of
// those writes as its event, with the resourceVersion the write returned.
// It does so for a built-in (ConfigMap) and a custom resource.
func TestClientGoDynamicOnMemserver(t *testing.T) {
	srv := memserver.New(t, memserver.Options{CRDs: []*unstructured.Unstructured{memserverCRD}})
	path, err := srv.KubeconfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("clientcmd: memserver's kubeconfig: %v", err)
	}
	cfg.QPS = -1 // no client-side limiter: its 5 QPS after a burst of 10 would slow the test, not check the server
	dc, err := clientgodynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		gvr   schema.GroupVersionResource
		obj   func(name string) *unstructured.Unstructured // what to create
		set   func(obj *unstructured.Unstructured)         // the update's change
		apply func(name, value string) *unstructured.Unstructured
		field []string // the applied field, for the checks
	}{
		{
			name: "configmap",
			gvr:  schema.GroupVersionResource{Version: "v1", Resource: "configmaps"},
			obj: func(name string) *unstructured.Unstructured {
				return memserverObject("v1", "ConfigMap", name, "data", map[string]any{"a": "1"})
			},
			set: func(obj *unstructured.Unstructured) { _ = unstructured.SetNestedField(obj.Object, "2", "data", "a") },
			apply: func(name, value string) *unstructured.Unstructured {
				return memserverObject("v1", "ConfigMap", name, "data", map[string]any{"b": value})
			},
			field: []string{"data", "b"},
		},
		{
			name: "custom resource",
			gvr:  schema.GroupVersionResource{Group: "bench.example.com", Version: "v1", Resource: "gizmos"},
			obj: func(name string) *unstructured.Unstructured {
				return memserverObject("bench.example.com/v1", "Gizmo", name, "spec", map[string]any{"size": int64(1)})
			},
			set: func(obj *unstructured.Unstructured) {
				_ = unstructured.SetNestedField(obj.Object, int64(2), "spec", "size")
			},
			apply: func(name, value string) *unstructured.Unstructured {
				return memserverObject("bench.example.com/v1", "Gizmo", name, "spec", map[string]any{"color": value})
			},
			field: []string{"spec", "color"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			h := dc.Resource(tc.gvr).Namespace("default")
			w, err := h.Watch(ctx, metav1.ListOptions{LabelSelector: "suite=memserver"})
			if err != nil {
				t.Fatalf("watch: %v", err)
			}
			defer w.Stop()
			var wrote []string // "TYPE resourceVersion" of each write, in order

			created, err := h.Create(ctx, tc.obj("one"), metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			wrote = append(wrote, "ADDED "+created.GetResourceVersion())
			if created.GetUID() == "" || created.GetResourceVersion() == "" {
				t.Errorf("create: uid %q, resourceVersion %q", created.GetUID(), created.GetResourceVersion())
			}
			got, err := h.Get(ctx, "one", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if diff := cmp.Diff(created.Object, got.Object); diff != "" {
				t.Errorf("get differs from create's answer (-create +get):\n%s", diff)
			}
			if _, err := h.Create(ctx, tc.obj("other"), metav1.CreateOptions{}); err != nil {
				t.Fatalf("create other: %v", err)
			}
			wrote = append(wrote, "ADDED other")
			list, err := h.List(ctx, metav1.ListOptions{LabelSelector: "suite=memserver,name=one"})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(list.Items) != 1 || list.Items[0].GetName() != "one" || list.GetResourceVersion() == "" {
				t.Errorf("list name=one: %d items (first %q), resourceVersion %q", len(list.Items), firstName(list), list.GetResourceVersion())
			}

			tc.set(got)
			updated, err := h.Update(ctx, got, metav1.UpdateOptions{})
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			wrote = append(wrote, "MODIFIED "+updated.GetResourceVersion())
			if _, err := h.Update(ctx, got, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
				t.Errorf("update from a stale resourceVersion: err %v, want 409 Conflict", err)
			}

			applied, err := h.Apply(ctx, "one", tc.apply("one", "x"), metav1.ApplyOptions{FieldManager: "bench-a"})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			wrote = append(wrote, "MODIFIED "+applied.GetResourceVersion())
			checkApplied(t, applied, "x", tc.field, "bench-a")
			_, err = h.Apply(ctx, "one", tc.apply("one", "y"), metav1.ApplyOptions{FieldManager: "bench-b"})
			if !apierrors.IsConflict(err) {
				t.Errorf("apply of bench-a's field by bench-b: err %v, want 409 Conflict", err)
			}
			forced, err := h.Apply(ctx, "one", tc.apply("one", "y"), metav1.ApplyOptions{FieldManager: "bench-b", Force: true})
			if err != nil {
				t.Fatalf("apply with force: %v", err)
			}
			wrote = append(wrote, "MODIFIED "+forced.GetResourceVersion())
			checkApplied(t, forced, "y", tc.field, "bench-b")

			if err := h.Delete(ctx, "one", metav1.DeleteOptions{}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			wrote = append(wrote, "DELETED")
			if _, err := h.Get(ctx, "one", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("get after delete: err %v, want 404 NotFound", err)
			}
			if diff := cmp.Diff(wrote, watched(t, w, len(wrote))); diff != "" {
				t.Errorf("watch events (-writes +events):\n%s", diff)
			}
		})
	}
}

// memserverObject is an object in namespace default labelled
// suite=memserver and name=NAME, with one top-level field.
func memserverObject(apiVersion, kind, name, field string, value map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": apiVersion,
		"kind":       kind,
		"metadata": map[string]any{
			"name": name, "namespace": "default",
			"labels": map[string]any{"suite": "memserver", "name": name},
		},
		field: value,
	}}
}

// checkApplied checks that the applied field holds value and that manager
// owns it in managedFields as an Apply.
func checkApplied(t *testing.T, obj *unstructured.Unstructured, value string, field []string, manager string) {
	t.Helper()
	if v, _, _ := unstructured.NestedString(obj.Object, field...); v != value {
		t.Errorf("after %s's apply: %v = %q, want %q", manager, field, v, value)
	}
	for _, m := range obj.GetManagedFields() {
		if m.Manager == manager && m.Operation == metav1.ManagedFieldsOperationApply && m.FieldsV1 != nil {
			return
		}
	}
	t.Errorf("after %s's apply: no Apply entry of %s in managedFields %+v", manager, manager, obj.GetManagedFields())
}

// watched reads n events from w as "TYPE resourceVersion" ("ADDED other"
// for the object "other", "DELETED" without its version, which a delete
// does not return).
func watched(t *testing.T, w watch.Interface, n int) []string {
	t.Helper()
	var got []string
	timeout := time.After(time.Minute)
	for len(got) < n {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch ended after %d events: %v", len(got), got)
			}
			obj, isObj := ev.Object.(*unstructured.Unstructured)
			switch {
			case !isObj:
				t.Fatalf("watch event %s carries %T: %v", ev.Type, ev.Object, ev.Object)
			case obj.GetName() == "other":
				got = append(got, fmt.Sprintf("%s other", ev.Type))
			case ev.Type == watch.Deleted:
				got = append(got, string(ev.Type))
			default:
				got = append(got, fmt.Sprintf("%s %s", ev.Type, obj.GetResourceVersion()))
			}
		case <-timeout:
			t.Fatalf("watch: %d of %d events after a minute: %v", len(got), n, got)
		}
	}
	return got
}

// firstName is the name of list's first item, "" when empty.
func firstName(list *unstructured.UnstructuredList) string {
	if len(list.Items) == 0 {
		return ""
	}
	return list.Items[0].GetName()
}
