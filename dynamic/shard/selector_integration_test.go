package shard

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestSelectorOnTheServer lists ConfigMaps with each half's shardSelector.
// A server that honours it (ShardedListAndWatch on) echoes it and returns
// exactly what Matches picks; one that does not echoes nothing and returns
// everything, which Matches then splits. Either way the two halves split
// the objects between them. A server started with the gate
// (KUBEDYN_K8S_FEATURE_GATES=ShardedListAndWatch=true) must filter.
func TestSelectorOnTheServer(t *testing.T) {
	env := cluster.Get(t)
	gated := strings.Contains(os.Getenv(cluster.FeatureGatesEnv), "ShardedListAndWatch=true")
	c, ns := adminClient(t, env), env.Namespace(t)
	cms := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)
	ctx := context.Background()
	for i := range 20 {
		cm := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": fmt.Sprintf("cm-%02d", i), "labels": map[string]any{"shard-test": "yes"}}}}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var owned []string
	for _, half := range Split(2) {
		sel, err := NewSelector(KeyUID, Ranges{half})
		if err != nil {
			t.Fatal(err)
		}
		wire, err := sel.ShardSelector()
		if err != nil {
			t.Fatal(err)
		}
		list, err := cms.List(ctx, metav1.ListOptions{LabelSelector: "shard-test=yes", ShardSelector: wire})
		if err != nil {
			t.Fatalf("list with shardSelector %q: %v", wire, err)
		}
		echo := Echo(list)
		honoured := sel.EchoedBy(echo)
		if echo != "" && !honoured {
			t.Errorf("the server echoed %q for %q", echo, wire)
		}
		if gated && !honoured {
			t.Errorf("a server with ShardedListAndWatch did not filter by %q (echo %q)", wire, echo)
		}
		var mine []string
		for i := range list.Items {
			if sel.Matches(&list.Items[i]) {
				mine = append(mine, list.Items[i].GetName())
			} else if honoured {
				t.Errorf("the server filtered by %q but returned %s, whose uid hashes outside it", wire, list.Items[i].GetName())
			}
		}
		if !honoured && len(list.Items) != 20 {
			t.Errorf("a server that did not filter returned %d of 20 objects", len(list.Items))
		}
		t.Logf("%v: echo %q, server filtered: %v, %d objects returned, %d owned", half, echo, honoured, len(list.Items), len(mine))
		owned = append(owned, mine...)
	}
	slices.Sort(owned)
	if len(owned) != 20 || len(slices.Compact(owned)) != 20 {
		t.Errorf("the halves own %d objects (%d distinct), want each of the 20 once", len(owned), len(slices.Compact(slices.Clone(owned))))
	}
}
