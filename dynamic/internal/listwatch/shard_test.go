package listwatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
	"github.com/kubedyn/kubedyn/dynamic/shard"
	"github.com/kubedyn/kubedyn/rest"
)

// shardServer serves ten gadgets in the shapes kube-apiserver 1.36+ uses:
// with echo, a list with shardSelector is filtered and carries
// metadata.shardInfo.selector (written in upper case, to need the
// normalisation); without, the selector is ignored and nothing is echoed,
// as by a server without the ShardedListAndWatch gate. A watch sends the
// (filtered) objects, then a DELETED of one outside the lower half and a
// MODIFIED of one inside, then stays open.
type shardServer struct {
	echo bool
	mu   sync.Mutex
	reqs []string // "list limit=N sel=S" or "watch sel=S stream=B"
}

// hexBound is a bound's hex digits, which the fake server echoes in upper case.
var hexBound = regexp.MustCompile(`x[0-9a-f]+`)

func shardGadget(n int) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("ex.com/v1")
	u.SetKind("Gadget")
	u.SetName(fmt.Sprintf("g%d", n))
	u.SetUID(types.UID(fmt.Sprintf("%d-gadget-uid", n)))
	u.SetResourceVersion(fmt.Sprint(10 + n))
	return u
}

func (s *shardServer) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sel := q.Get("shardSelector")
	s.mu.Lock()
	if q.Get("watch") == "true" {
		s.reqs = append(s.reqs, fmt.Sprintf("watch sel=%v stream=%v", sel != "", q.Get("sendInitialEvents") == "true"))
	} else {
		s.reqs = append(s.reqs, fmt.Sprintf("list limit=%s sel=%v", q.Get("limit"), sel != ""))
	}
	s.mu.Unlock()
	var filter *shard.Selector
	if f, err := shard.ParseSelector(sel); s.echo && err == nil {
		filter = &f
	}
	var items []any
	for n := range 10 {
		if g := shardGadget(n); filter == nil || filter.Matches(g) {
			items = append(items, g.Object)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if q.Get("watch") != "true" {
		if q.Get("limit") == "1" && len(items) > 1 {
			items = items[:1]
		}
		md := map[string]any{"resourceVersion": "20"}
		if filter != nil {
			md["shardInfo"] = map[string]any{"selector": hexBound.ReplaceAllStringFunc(sel, strings.ToUpper)}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "GadgetList", "apiVersion": "ex.com/v1", "metadata": md, "items": items})
		return
	}
	enc := json.NewEncoder(w)
	if q.Get("sendInitialEvents") == "true" {
		for _, it := range items {
			_ = enc.Encode(map[string]any{"type": "ADDED", "object": it})
		}
		_ = enc.Encode(map[string]any{"type": "BOOKMARK", "object": map[string]any{"kind": "Gadget", "apiVersion": "ex.com/v1",
			"metadata": map[string]any{"resourceVersion": "20", "annotations": map[string]any{listwatch.InitialEventsEndAnnotation: "true"}}}})
	}
	for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9} {
		g := shardGadget(n)
		if filter != nil && !filter.Matches(g) {
			continue
		}
		g.SetResourceVersion(fmt.Sprint(30 + n))
		t := "MODIFIED"
		if n >= 8 {
			t = "DELETED"
		}
		_ = enc.Encode(map[string]any{"type": t, "object": g.Object})
	}
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

// TestShard: the engine filters by its shard whether or not the server
// does, and sends the selector only when a probe list's echo says the
// server honours it.
func TestShard(t *testing.T) {
	lower, err := shard.NewSelector(shard.KeyUID, shard.Ranges{{Start: 0, Last: 1<<63 - 1}})
	if err != nil {
		t.Fatal(err)
	}
	var mine, modified, deleted []string
	for n := range 10 {
		if g := shardGadget(n); lower.Matches(g) {
			mine = append(mine, "ADDED "+g.GetName())
			if n >= 8 {
				deleted = append(deleted, "DELETED "+g.GetName())
			} else {
				modified = append(modified, "MODIFIED "+g.GetName())
			}
		}
	}
	want := slices.Concat(mine, modified, deleted)
	if len(mine) == 0 || len(mine) == 10 {
		t.Fatalf("the lower half holds %d of 10 gadgets; the test needs a split", len(mine))
	}
	cases := []struct {
		name      string
		echo      bool
		streaming bool
		mode      string
		reqs      []string
	}{
		{name: "server filters, paged", echo: true, mode: listwatch.ShardServer,
			reqs: []string{"list limit=1 sel=true", "list limit=500 sel=true", "watch sel=true stream=false"}},
		{name: "server filters, streaming", echo: true, streaming: true, mode: listwatch.ShardServer,
			reqs: []string{"list limit=1 sel=true", "watch sel=true stream=true"}},
		{name: "server ignores, paged", mode: listwatch.ShardClient,
			reqs: []string{"list limit=1 sel=true", "list limit=500 sel=false", "watch sel=false stream=false"}},
		{name: "server ignores, streaming", streaming: true, mode: listwatch.ShardClient,
			reqs: []string{"list limit=1 sel=true", "watch sel=false stream=true"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := &shardServer{echo: tc.echo}
			ts := httptest.NewServer(http.HandlerFunc(srv.serve))
			defer ts.Close()
			rc, err := rest.NewClient(&rest.Config{Host: ts.URL, MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			c, err := dynamic.New(rc, dynamic.Options{})
			if err != nil {
				t.Fatal(err)
			}
			h := c.Resource(gadgets)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var got []string
			var mode string
			_ = listwatch.Run(ctx, listwatch.UnstructuredSource(h.List, h.Watch), listwatch.Options[*unstructured.Unstructured]{
				Shard: lower, StreamingList: tc.streaming, What: "gadgets",
				Observe: func(n listwatch.Note) {
					if n.Kind == listwatch.NoteShard {
						mode = n.Mode
					}
				},
			}, func(ev listwatch.Event[*unstructured.Unstructured]) bool {
				if ev.Type == watch.Added || ev.Type == watch.Modified || ev.Type == watch.Deleted {
					got = append(got, string(ev.Type)+" "+ev.Object.GetName())
				}
				return len(got) < len(want)
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			if mode != tc.mode {
				t.Errorf("mode %q, want %q", mode, tc.mode)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if diff := cmp.Diff(tc.reqs, srv.reqs); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestShardEmpty: a shard that owns nothing is never sent (the empty
// shardSelector selects everything) and delivers nothing.
func TestShardEmpty(t *testing.T) {
	none, err := shard.NewSelector(shard.KeyUID, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := &shardServer{echo: true}
	ts := httptest.NewServer(http.HandlerFunc(srv.serve))
	defer ts.Close()
	rc, err := rest.NewClient(&rest.Config{Host: ts.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := c.Resource(gadgets)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	_ = listwatch.Run(ctx, listwatch.UnstructuredSource(h.List, h.Watch), listwatch.Options[*unstructured.Unstructured]{Shard: none},
		func(ev listwatch.Event[*unstructured.Unstructured]) bool {
			if ev.Type == watch.Added || ev.Type == watch.Modified || ev.Type == watch.Deleted {
				got = append(got, string(ev.Type)+" "+ev.Object.GetName())
			}
			return ev.Mark != listwatch.MarkSynced
		})
	if len(got) != 0 {
		t.Errorf("a shard owning nothing delivered %v", got)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if diff := cmp.Diff([]string{"list limit=500 sel=false"}, srv.reqs); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}
