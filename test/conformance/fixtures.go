package conformance

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	crdGVR    = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	cmGVR     = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	nsGVR     = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	deployGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
)

// widgetSchema is the shared namespaced CRD's schema: defaults, an enum, a
// minimum, a required field, a map list, a set, a preserve-unknown subtree.
func widgetSchema() map[string]any {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"spec": map[string]any{"type": "object", "properties": map[string]any{
				"replicas": map[string]any{"type": "integer", "minimum": 0},
				"color":    map[string]any{"type": "string", "enum": []any{"red", "green", "blue"}},
				"size":     map[string]any{"type": "integer", "default": 1},
				"mode":     map[string]any{"type": "string", "default": "auto"},
				"ports": map[string]any{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"name"},
					"items": map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{"name": str, "port": integer}}},
				"tags":   map[string]any{"type": "array", "x-kubernetes-list-type": "set", "items": str},
				"extra":  map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
				"limits": map[string]any{"type": "object", "required": []any{"max"}, "properties": map[string]any{"max": integer, "min": map[string]any{"type": "integer", "default": 0}}},
			}},
			"status": map[string]any{"type": "object", "properties": map[string]any{"replicas": integer, "phase": str, "selector": str}},
		},
	}
}

// widgetCRD is the shared namespaced CRD: status and scale subresources,
// printer columns, a selectable field, a short name and a category.
func widgetCRD(group string) *unstructured.Unstructured {
	return crdObject(group, "widgets", "Widget", "Namespaced", []any{map[string]any{
		"name": "v1", "served": true, "storage": true,
		"subresources": map[string]any{
			"status": map[string]any{},
			"scale":  map[string]any{"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"},
		},
		"additionalPrinterColumns": []any{
			map[string]any{"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
			map[string]any{"name": "Color", "type": "string", "jsonPath": ".spec.color", "description": "the widget's colour"},
			map[string]any{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
		},
		"selectableFields": []any{map[string]any{"jsonPath": ".spec.color"}},
		"schema":           map[string]any{"openAPIV3Schema": widgetSchema()},
	}}, []any{"wdg"}, []any{"conformance"})
}

// gizmoCRD is the shared cluster-scoped CRD: no subresources, no printer columns.
func gizmoCRD(group string) *unstructured.Unstructured {
	return crdObject(group, "gizmos", "Gizmo", "Cluster", []any{map[string]any{
		"name": "v1", "served": true, "storage": true,
		"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "properties": map[string]any{
			"spec":   map[string]any{"type": "object", "properties": map[string]any{"size": map[string]any{"type": "integer"}, "color": map[string]any{"type": "string"}}},
			"status": map[string]any{"type": "object", "properties": map[string]any{"phase": map[string]any{"type": "string"}}},
		}}},
	}}, nil, nil)
}

// crdObject builds a CustomResourceDefinition.
func crdObject(group, plural, kind, scope string, versions, shortNames, categories []any) *unstructured.Unstructured {
	names := map[string]any{"plural": plural, "singular": lower(kind), "kind": kind, "listKind": kind + "List"}
	if shortNames != nil {
		names["shortNames"] = shortNames
	}
	if categories != nil {
		names["categories"] = categories
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": plural + "." + group},
		"spec":     map[string]any{"group": group, "scope": scope, "names": names, "versions": versions},
	}}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// fixture installs the shared CRD built by build (once per server) and
// returns its resource.
func (s *Shared) fixture(ctx context.Context, t *Target, plural string, build func(string) *unstructured.Unstructured) (schema.GroupVersionResource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.fixtures[plural]; ok {
		return r.gvr, r.err
	}
	gvr := schema.GroupVersionResource{Group: s.group, Version: "v1", Resource: plural}
	err := t.installCRD(ctx, build(s.group), gvr)
	s.fixtures[plural] = fixtureResult{gvr: gvr, err: err}
	return gvr, err
}

// Widgets returns the shared namespaced widgets resource, installing it on
// first use.
func (t *Target) Widgets(ctx context.Context) (schema.GroupVersionResource, error) {
	return t.shared.fixture(ctx, t, "widgets", widgetCRD)
}

// Gizmos returns the shared cluster-scoped gizmos resource.
func (t *Target) Gizmos(ctx context.Context) (schema.GroupVersionResource, error) {
	return t.shared.fixture(ctx, t, "gizmos", gizmoCRD)
}

// installCRD creates crd and waits until gvr is served.
func (t *Target) installCRD(ctx context.Context, crd *unstructured.Unstructured, gvr schema.GroupVersionResource) error {
	if _, err := t.Dyn.Resource(crdGVR).Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("install CRD %s on %s: %w", crd.GetName(), t.Server, err)
	}
	return t.waitServed(ctx, gvr, true)
}

// waitServed waits until listing gvr succeeds (served true) or answers 404
// (served false).
func (t *Target) waitServed(ctx context.Context, gvr schema.GroupVersionResource, served bool) error {
	return waitFor(ctx, fmt.Sprintf("%s served=%v on %s", gvr, served, t.Server), func(ctx context.Context) (bool, error) {
		_, err := t.Dyn.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1})
		return (err == nil) == served, nil
	})
}

// waitFor polls cond every 50ms for at most a minute.
func waitFor(ctx context.Context, what string, cond func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond(ctx)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}
