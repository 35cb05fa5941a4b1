package informer

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
	"github.com/kubedyn/kubedyn/dynamic/shard"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// shardSeen is what one sharded informer's handler saw: the names it holds.
type shardSeen struct {
	mu   sync.Mutex
	held map[string]bool
	adds int
	dels int
}

func (s *shardSeen) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n := range s.held {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// TestShardSplit splits 24 ConfigMaps between two informers by the halves
// of the uid hash space: each holds exactly its half, whichever way the
// server applies the selector (run with KUBEDYN_K8S_FEATURE_GATES=
// ShardedListAndWatch=true for the server's filter, which must then be
// used). Then the first takes the whole space and the second nothing:
// the second's objects are deleted from its cache before SetShard
// returns (its handler is told them as deletes), and
// arrive at the first as adds.
func TestShardSplit(t *testing.T) {
	env := cluster.Get(t)
	c, w, _ := testClient(t, env, false)
	ns := env.Namespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cms := c.Resource(configMapsGVR).Namespace(ns)
	var all []string
	for n := range 24 {
		cm := configMap(ns, fmt.Sprintf("cm-%02d", n), map[string]string{"shard-split": "yes"}, nil)
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		all = append(all, cm.GetName())
	}
	halves := shard.Split(2)
	var infs []*Informer[*unstructured.Unstructured]
	var seen []*shardSeen
	for _, half := range halves {
		sel, err := shard.NewSelector(shard.KeyUID, shard.Ranges{half})
		if err != nil {
			t.Fatal(err)
		}
		inf := New(cms, Options[*unstructured.Unstructured]{LabelSelector: "shard-split=yes", Shard: &sel})
		s := &shardSeen{held: map[string]bool{}}
		inf.AddHandler(HandlerFuncs[*unstructured.Unstructured]{
			AddFunc: func(u *unstructured.Unstructured, _ bool) {
				s.mu.Lock()
				s.held[u.GetName()] = true
				s.adds++
				s.mu.Unlock()
			},
			DeleteFunc: func(u *unstructured.Unstructured) { s.mu.Lock(); delete(s.held, u.GetName()); s.dels++; s.mu.Unlock() },
		})
		go func() { _ = inf.Run(ctx) }()
		if err := inf.WaitForSync(ctx); err != nil {
			t.Fatal(err)
		}
		infs, seen = append(infs, inf), append(seen, s)
	}
	list, err := cms.List(ctx, metav1.ListOptions{LabelSelector: "shard-split=yes"})
	if err != nil {
		t.Fatal(err)
	}
	for n, half := range halves {
		sel, _ := shard.NewSelector(shard.KeyUID, shard.Ranges{half})
		var want []string
		for i := range list.Items {
			if sel.Matches(&list.Items[i]) {
				want = append(want, list.Items[i].GetName())
			}
		}
		slices.Sort(want)
		waitHeld(t, seen[n], want)
		got := shardNames(infs[n].Lister().List(labels.Everything()))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("informer %d (%v) cache (-want +got):\n%s", n, half, diff)
		}
		t.Logf("informer %d (%v): %d of 24, mode %q", n, half, len(got), infs[n].ShardMode())
	}
	gated := strings.Contains(os.Getenv(cluster.FeatureGatesEnv), "ShardedListAndWatch=true")
	for n, inf := range infs {
		if mode := inf.ShardMode(); gated && mode != listwatch.ShardServer || mode == "" {
			t.Errorf("informer %d: mode %q (gate on: %v)", n, mode, gated)
		}
	}
	t.Logf("requests: %v", w.all())

	if err := infs[1].SetShard(nil); err != nil {
		t.Fatal(err)
	}
	if got := infs[1].Lister().List(labels.Everything()); len(got) != 0 {
		t.Errorf("after SetShard(nil) returned the second informer's cache still holds %v", shardNames(got))
	}
	waitHeld(t, seen[1], nil) // its handler is told in its own time
	if err := infs[0].SetShard(shard.Ranges{shard.Full}); err != nil {
		t.Fatal(err)
	}
	waitHeld(t, seen[0], all)
	seen[0].mu.Lock()
	defer seen[0].mu.Unlock()
	if seen[0].adds != 24 || seen[0].dels != 0 {
		t.Errorf("the first informer saw %d adds and %d deletes, want 24 and 0 (its half, then the other half as adds)", seen[0].adds, seen[0].dels)
	}
}

func waitHeld(t *testing.T, s *shardSeen, want []string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if slices.Equal(s.names(), want) {
			return
		}
	}
	if diff := cmp.Diff(want, s.names()); diff != "" {
		t.Fatalf("held (-want +got):\n%s", diff)
	}
}

func shardNames(objs []*unstructured.Unstructured) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, o.GetName())
	}
	slices.Sort(out)
	return out
}
