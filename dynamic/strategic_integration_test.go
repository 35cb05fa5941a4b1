package dynamic

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// installListsCRD installs a namespaced CRD "Fleet" whose spec has a map
// list keyed by name, a map list keyed by (port, protocol), a set and an
// atomic list.
func installListsCRD(t *testing.T, c *Client) schema.GroupVersionResource {
	t.Helper()
	group := fmt.Sprintf("t%d.lists.kubedyn.test", rand.Uint32())
	str := map[string]any{"type": "string"}
	item := func(props map[string]any, required ...any) map[string]any {
		return map[string]any{"type": "object", "properties": props, "required": required}
	}
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "fleets." + group},
		"spec": map[string]any{
			"group": group, "scope": "Namespaced",
			"names": map[string]any{"plural": "fleets", "singular": "fleet", "kind": "Fleet", "listKind": "FleetList"},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object",
					"properties": map[string]any{"spec": map[string]any{"type": "object", "properties": map[string]any{
						"ships": map[string]any{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"name"},
							"items": item(map[string]any{"name": str, "captain": str}, "name")},
						"ports": map[string]any{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"port", "protocol"},
							"items": item(map[string]any{"port": map[string]any{"type": "integer"}, "protocol": str, "name": str}, "port", "protocol")},
						"tags":  map[string]any{"type": "array", "x-kubernetes-list-type": "set", "items": str},
						"route": map[string]any{"type": "array", "x-kubernetes-list-type": "atomic", "items": str},
						"owner": str,
					}}},
				}},
			}},
		},
	}}
	return createCRD(t, c, crd, schema.GroupVersionResource{Group: group, Version: "v1", Resource: "fleets"})
}

// TestIntegrationStrategicMergeOnCustomResource patches a custom resource
// strategically (the server itself answers 415) and checks the list
// semantics, then runs it against a concurrent writer.
func TestIntegrationStrategicMergeOnCustomResource(t *testing.T) {
	env := cluster.Get(t)
	plain := adminClient(t, env)
	c, err := New(plain.rc, Options{Schemas: discovery.NewCached(discovery.New(plain.rc, discovery.Options{}), discovery.CacheOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	ns := env.Namespace(t)
	ctx := context.Background()
	gvr := installListsCRD(t, c)
	fleets := c.Resource(gvr).Namespace(ns)
	fleet := object(gvr.GroupVersion().String(), "Fleet", ns, "f")
	fleet.Object["spec"] = map[string]any{
		"ships": []any{map[string]any{"name": "a", "captain": "ann"}, map[string]any{"name": "b", "captain": "bob"}},
		"ports": []any{map[string]any{"port": int64(80), "protocol": "TCP", "name": "http"}, map[string]any{"port": int64(80), "protocol": "UDP", "name": "q"}},
		"tags":  []any{"x", "y"},
		"route": []any{"r1", "r2"},
		"owner": "me",
	}
	if _, err := fleets.Create(ctx, fleet, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Resource(gvr).Namespace(ns).Patch(ctx, "f", types.StrategicMergePatchType, []byte(`{}`), metav1.PatchOptions{}); !apierrors.IsUnsupportedMediaType(err) {
		t.Fatalf("the server's own answer to a strategic merge on a custom resource: %v, want 415", err)
	}

	out, err := fleets.Patch(ctx, "f", types.StrategicMergePatchType, []byte(`{"spec":{
		"ships":[{"name":"b","captain":"bea"},{"name":"c","captain":"cid"}],
		"ports":[{"port":80,"protocol":"UDP","name":"quic"},{"port":443,"protocol":"TCP","name":"https"}],
		"tags":["y","z"],
		"route":["r3"],
		"$deleteFromPrimitiveList/tags":["x"]}}`), metav1.PatchOptions{FieldManager: "smp"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"ships": []any{map[string]any{"name": "a", "captain": "ann"}, map[string]any{"name": "b", "captain": "bea"}, map[string]any{"name": "c", "captain": "cid"}},
		"ports": []any{map[string]any{"port": int64(80), "protocol": "TCP", "name": "http"}, map[string]any{"port": int64(80), "protocol": "UDP", "name": "quic"},
			map[string]any{"port": int64(443), "protocol": "TCP", "name": "https"}},
		"tags":  []any{"y", "z"},
		"route": []any{"r3"},
		"owner": "me",
	}
	if d := cmp.Diff(want, out.Object["spec"]); d != "" {
		t.Errorf("spec after the local strategic merge (-want +got):\n%s", d)
	}
	out, err = fleets.Patch(ctx, "f", types.StrategicMergePatchType, []byte(`{"spec":{"ships":[{"name":"a","$patch":"delete"}]}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ships, _, _ := unstructured.NestedSlice(out.Object, "spec", "ships")
	if len(ships) != 2 || ships[0].(map[string]any)["name"] != "b" {
		t.Errorf("ships after $patch: delete of a: %v", ships)
	}
	// A caller's own resourceVersion precondition is kept, not retried.
	if _, err := fleets.Patch(ctx, "f", types.StrategicMergePatchType, []byte(`{"metadata":{"resourceVersion":"1"},"spec":{"owner":"x"}}`), metav1.PatchOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("patch pinned to a stale resourceVersion: %v, want Conflict", err)
	}

	// Concurrent writers: 6 strategic patches adding ships while 6 other
	// writers update labels with read-modify-write; nothing may be lost.
	var g errgroup.Group
	for i := range 6 {
		g.Go(func() error {
			_, err := fleets.Patch(ctx, "f", types.StrategicMergePatchType,
				[]byte(fmt.Sprintf(`{"spec":{"ships":[{"name":"s%d","captain":"c%d"}]}}`, i, i)), metav1.PatchOptions{})
			return err
		})
		g.Go(func() error {
			for {
				cur, err := plain.Resource(gvr).Namespace(ns).Get(ctx, "f", metav1.GetOptions{})
				if err != nil {
					return err
				}
				labels := cur.GetLabels()
				if labels == nil {
					labels = map[string]string{}
				}
				labels[fmt.Sprintf("w%d", i)] = "yes"
				cur.SetLabels(labels)
				_, err = plain.Resource(gvr).Namespace(ns).Update(ctx, cur, metav1.UpdateOptions{})
				if !apierrors.IsConflict(err) {
					return err
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	final, err := fleets.Get(ctx, "f", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ships, _, _ = unstructured.NestedSlice(final.Object, "spec", "ships")
	var names []string
	for _, s := range ships {
		names = append(names, s.(map[string]any)["name"].(string))
	}
	sort.Strings(names)
	wantNames := []string{"b", "c", "s0", "s1", "s2", "s3", "s4", "s5"}
	if d := cmp.Diff(wantNames, names); d != "" {
		t.Errorf("ships after concurrent patches (-want +got):\n%s", d)
	}
	if n := len(final.GetLabels()); n != 6 {
		t.Errorf("%d labels survived the concurrent strategic patches, want 6: %v", n, final.GetLabels())
	}
}
