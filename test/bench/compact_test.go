package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"testing"
	"time"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// project2 is the two-path projection measured: what a controller of
// rollouts reads of a pod, and of a ConfigMap its data and one label set.
var project2 = map[schema.GroupVersionResource][]string{
	podsGVR:        {"spec.nodeName", "status.conditions"},
	informerCMsGVR: {"data.LOG_FORMAT", "data.replica"},
}

// compactCache is what a compact informer store holds: objects by
// namespace, then name (the map keys are the objects' own strings, read in
// place), sharing one Table.
type compactCache struct {
	tab  *compact.Table
	byNS map[string]map[string]*compact.Object
	objs []*compact.Object // in stream order, for the read benchmarks
}

// buildCompactCache decodes a streaming list (fx.stream) straight into a
// compact cache, as a compact informer's initial sync does.
func buildCompactCache(tb testing.TB, stream []byte, opts compact.Options) *compactCache {
	tb.Helper()
	plan, err := compact.NewPlan(opts)
	if err != nil {
		tb.Fatal(err)
	}
	c := &compactCache{tab: compact.NewTable(), byNS: map[string]map[string]*compact.Object{}}
	b := compact.NewBuilder(c.tab, plan)
	d := kdu.NewDecoder(bytes.NewReader(stream))
	for {
		typ, obj, _, err := d.NextEventCompact(b)
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		if typ != "ADDED" {
			continue
		}
		names := c.byNS[obj.GetNamespace()]
		if names == nil {
			names = map[string]*compact.Object{}
			c.byNS[obj.GetNamespace()] = names
		}
		names[obj.GetName()] = obj
		c.objs = append(c.objs, obj)
	}
	return c
}

// storeOnly drops what only the read benchmarks use, leaving what a store
// holds.
func storeOnly(c *compactCache) *compactCache {
	c.objs = nil
	return c
}

// liveBytes returns the live heap kept by what build returns, per object.
func liveBytes(n int, build func() any) float64 {
	before := heapBytes()
	keep := build()
	after := heapBytes()
	runtime.KeepAlive(keep)
	return (float64(after) - float64(before)) / float64(n)
}

// BenchmarkCompactMemory measures, in one run, the live heap per cached
// object (after two GCs) of 10,000 pods (~5.3 KB of JSON each) and 10,000
// ConfigMaps (~1.9 KB, ~1 KB of it data of their own) in: client-go's
// dynamic informer (default, and with a managedFields-stripping transform),
// kubedyn's informer keeping trees (StoreTrees, the store before the
// compact one), its default compact store and a two-path projection
// (informer-*), and compact caches built straight from the same streaming
// list by the wire decoder (compact, the default, whose long strings are
// Huffman-coded; compact-raw with UncompressedStrings; project2). The
// ratios to client-go
// default are reported with them (targets: compact ≤0.2×, project2
// ≤0.05×), and compact's bytes per byte of the object's JSON (≤1.4).
func BenchmarkCompactMemory(b *testing.B) {
	for _, gvr := range []schema.GroupVersionResource{informerCMsGVR, podsGVR} {
		b.Run("kind="+gvr.Resource, func(b *testing.B) {
			fx := newInformerFixture(b, gvr, informerObjects)
			fs := newInformerServer(b, fx)
			sides := informerSides(fs, gvr)
			informerBytes := func(name string) float64 {
				for _, s := range sides {
					if s.name == name {
						ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
						defer cancel()
						var stop func()
						per := liveBytes(informerObjects, func() any {
							size, st := s.start(ctx, b)
							stop = st
							return size
						})
						stop()
						return per
					}
				}
				b.Fatalf("no informer side %q", name)
				return 0
			}
			for range b.N {
				cg := informerBytes("cache=plain/lib=client-go")
				cgStrip := informerBytes("cache=lean-vs-strip/lib=client-go")
				trees := informerBytes("cache=trees/lib=kubedyn")
				inf := informerBytes("cache=plain/lib=kubedyn")
				infProj := informerBytes("cache=project2/lib=kubedyn")
				full := liveBytes(informerObjects, func() any { return storeOnly(buildCompactCache(b, fx.stream, compact.Options{})) })
				raw := liveBytes(informerObjects, func() any {
					return storeOnly(buildCompactCache(b, fx.stream, compact.Options{UncompressedStrings: true}))
				})
				proj := liveBytes(informerObjects, func() any {
					return storeOnly(buildCompactCache(b, fx.stream, compact.Options{Project: project2[gvr]}))
				})
				jsonPer := float64(len(fx.stream)) / informerObjects
				b.ReportMetric(cg, "client-go-B/object")
				b.ReportMetric(cgStrip, "client-go-strip-B/object")
				b.ReportMetric(trees, "kubedyn-trees-B/object")
				b.ReportMetric(inf, "informer-compact-B/object")
				b.ReportMetric(infProj, "informer-project2-B/object")
				b.ReportMetric(inf/cg, "informer-compact/client-go")
				b.ReportMetric(infProj/cg, "informer-project2/client-go")
				b.ReportMetric(full, "compact-B/object")
				b.ReportMetric(raw, "compact-raw-B/object")
				b.ReportMetric(raw/cg, "compact-raw/client-go")
				b.ReportMetric(proj, "project2-B/object")
				b.ReportMetric(jsonPer, "json-B/object")
				b.ReportMetric(full/cg, "compact/client-go")
				b.ReportMetric(full/cgStrip, "compact/client-go-strip")
				b.ReportMetric(proj/cg, "project2/client-go")
				b.ReportMetric(full/jsonPer, "compact/json")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkCompactScale measures compact ConfigMaps per object at 10,000
// and 100,000 objects, as built by the wire decoder and in kubedyn's
// informer: the cost grows linearly (the same B/object, or less where a
// bounded table is shared by more objects).
func BenchmarkCompactScale(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("kind=configmaps/n=%d", n), func(b *testing.B) {
			fx := newInformerFixture(b, informerCMsGVR, n)
			fs := newInformerServer(b, fx)
			var inf func(context.Context, testing.TB) (func() int, func())
			for _, side := range informerSides(fs, informerCMsGVR) {
				if side.name == "cache=plain/lib=kubedyn" {
					inf = side.start
				}
			}
			for range b.N {
				per := liveBytes(n, func() any { return storeOnly(buildCompactCache(b, fx.stream, compact.Options{})) })
				b.ReportMetric(per, "compact-B/object")
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				var stop func()
				perInf := liveBytes(n, func() any {
					size, st := inf(ctx, b)
					stop = st
					return size
				})
				stop()
				cancel()
				b.ReportMetric(perInf, "informer-compact-B/object")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkCompactSync measures an informer's initial sync of a streaming
// list of 2,000 objects from the fixture server, per op a new informer
// run to WaitForSync: keeping trees (StoreTrees, the store before the
// compact one), the compact store (default) and a two-path projection.
// Allocations are the whole process's, both sides of the connection.
func BenchmarkCompactSync(b *testing.B) {
	for _, gvr := range []schema.GroupVersionResource{informerCMsGVR, podsGVR} {
		fx := newInformerFixture(b, gvr, buildObjects)
		fs := newInformerServer(b, fx)
		sides := map[string]string{"store=trees": "cache=trees/lib=kubedyn", "store=compact": "cache=plain/lib=kubedyn", "store=project2": "cache=project2/lib=kubedyn"}
		for _, name := range []string{"store=trees", "store=compact", "store=project2"} {
			b.Run(fmt.Sprintf("kind=%s/%s", gvr.Resource, name), func(b *testing.B) {
				var start func(context.Context, testing.TB) (func() int, func())
				for _, s := range informerSides(fs, gvr) {
					if s.name == sides[name] {
						start = s.start
					}
				}
				b.ReportAllocs()
				for range b.N {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
					size, stop := start(ctx, b)
					if n := size(); n != buildObjects {
						b.Fatalf("synced %d objects, want %d", n, buildObjects)
					}
					stop()
					cancel()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*buildObjects), "ns/object")
			})
		}
	}
}

// buildObjects is the number of objects each build op decodes.
const buildObjects = 2000

// BenchmarkCompactBuild measures what building the cache costs while
// syncing, per op the whole streaming list of 2,000 objects: decode=tree is
// today's default (each event's object decoded into a tree, which the
// cache keeps), decode=compact (the default, long strings Huffman-coded),
// decode=compact-raw (UncompressedStrings) and decode=project2 decode
// straight into compact objects; decode=tree-then-compact decodes the tree and builds
// the compact object from it.
func BenchmarkCompactBuild(b *testing.B) {
	for _, gvr := range []schema.GroupVersionResource{informerCMsGVR, podsGVR} {
		fx := newInformerFixture(b, gvr, buildObjects)
		modes := []struct {
			name  string
			build func() int
		}{
			{"decode=tree", func() int { return decodeTrees(b, fx.stream) }},
			{"decode=compact", func() int { return len(buildCompactCache(b, fx.stream, compact.Options{}).objs) }},
			{"decode=compact-raw", func() int {
				return len(buildCompactCache(b, fx.stream, compact.Options{UncompressedStrings: true}).objs)
			}},
			{"decode=tree-then-compact", func() int { return treesToCompact(b, fx.stream) }},
			{"decode=project2", func() int {
				return len(buildCompactCache(b, fx.stream, compact.Options{Project: project2[gvr]}).objs)
			}},
		}
		for _, m := range modes {
			b.Run(fmt.Sprintf("kind=%s/%s", gvr.Resource, m.name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(fx.stream)))
				for range b.N {
					if n := m.build(); n != buildObjects {
						b.Fatalf("built %d objects, want %d", n, buildObjects)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*buildObjects), "ns/object")
			})
		}
	}
}

// treesToCompact decodes each object into a tree and builds its compact
// form from the tree (Builder.FromUnstructured), as a store fed trees does.
func treesToCompact(tb testing.TB, stream []byte) int {
	plan, err := compact.NewPlan(compact.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	bl := compact.NewBuilder(compact.NewTable(), plan)
	byName := map[string]*compact.Object{}
	d := kdu.NewDecoder(bytes.NewReader(stream))
	for {
		typ, obj, err := d.NextEventObject()
		if err == io.EOF {
			return len(byName)
		}
		if err != nil {
			tb.Fatal(err)
		}
		if typ != "ADDED" {
			continue
		}
		c, err := bl.FromUnstructured(obj)
		if err != nil {
			tb.Fatal(err)
		}
		byName[c.GetName()] = c
	}
}

// decodeTrees decodes the stream's objects into trees kept by namespace
// and name, as today's default informer does.
func decodeTrees(tb testing.TB, stream []byte) int {
	byNS := map[string]map[string]*k8su.Unstructured{}
	d := kdu.NewDecoder(bytes.NewReader(stream))
	n := 0
	for {
		typ, obj, err := d.NextEventObject()
		if err == io.EOF {
			return n
		}
		if err != nil {
			tb.Fatal(err)
		}
		if typ != "ADDED" {
			continue
		}
		names := byNS[obj.GetNamespace()]
		if names == nil {
			names = map[string]*k8su.Unstructured{}
			byNS[obj.GetNamespace()] = names
		}
		names[obj.GetName()] = obj
		n++
	}
}

// BenchmarkCompactRead measures a lister's reads of a compact cache, which
// build a fresh tree each time (read=compact, the default, where a
// ConfigMap's properties file, stored Huffman-coded, is decoded on each
// read; read=compact-raw with UncompressedStrings), beside decoding the object's JSON again with
// a reused Decoder (read=decode-json); a cache of trees (StoreTrees) hands
// out its stored tree, at no cost. Get reads one object; List reads 500 (a
// namespace's worth), selected by a label selector read in place.
func BenchmarkCompactRead(b *testing.B) {
	for _, gvr := range []schema.GroupVersionResource{informerCMsGVR, podsGVR} {
		fx := newInformerFixture(b, gvr, buildObjects)
		caches := map[string]*compactCache{
			"compact":     buildCompactCache(b, fx.stream, compact.Options{}),
			"compact-raw": buildCompactCache(b, fx.stream, compact.Options{UncompressedStrings: true}),
		}
		for _, read := range []string{"compact", "compact-raw"} {
			c := caches[read]
			b.Run(fmt.Sprintf("kind=%s/op=get/read=%s", gvr.Resource, read), func(b *testing.B) {
				b.ReportAllocs()
				for i := range b.N {
					o := c.byNS["bench"][c.objs[i%len(c.objs)].GetName()]
					if o.Unstructured().GetName() == "" {
						b.Fatal("no name")
					}
				}
			})
			b.Run(fmt.Sprintf("kind=%s/op=list500/read=%s", gvr.Resource, read), func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					listCompact(b, c.objs[:500])
				}
			})
		}
		b.Run(fmt.Sprintf("kind=%s/op=get/read=decode-json", gvr.Resource), func(b *testing.B) {
			b.ReportAllocs()
			next := eventDecoder(b, fx.stream)
			for range b.N {
				if next().GetName() == "" {
					b.Fatal("no name")
				}
			}
		})
		b.Run(fmt.Sprintf("kind=%s/op=list500/read=decode-json", gvr.Resource), func(b *testing.B) {
			b.ReportAllocs()
			next := eventDecoder(b, fx.stream)
			for range b.N {
				for range 500 {
					if next().GetName() == "" {
						b.Fatal("no name")
					}
				}
			}
		})
	}
}

// listCompact lists objs as a lister does: those with a label, as trees,
// sorted by name.
func listCompact(b *testing.B, objs []*compact.Object) {
	out := make([]*k8su.Unstructured, 0, len(objs))
	for _, o := range objs {
		if _, ok := o.Labels().Lookup("app.kubernetes.io/name"); ok {
			out = append(out, o.Unstructured())
		}
	}
	slices.SortFunc(out, func(x, y *k8su.Unstructured) int { return compareNames(x.GetName(), y.GetName()) })
	if len(out) != len(objs) {
		b.Fatalf("listed %d objects of %d", len(out), len(objs))
	}
}

// eventDecoder returns a func decoding the next object of the stream with
// one Decoder (its buffer and intern tables reused, as a watch does),
// starting over at the end.
func eventDecoder(tb testing.TB, stream []byte) func() *k8su.Unstructured {
	d := kdu.NewDecoder(bytes.NewReader(stream))
	return func() *k8su.Unstructured {
		for {
			typ, obj, err := d.NextEventObject()
			if err == io.EOF {
				d = kdu.NewDecoder(bytes.NewReader(stream))
				continue
			}
			if err != nil {
				tb.Fatal(err)
			}
			if typ == "ADDED" {
				return obj
			}
		}
	}
}

func compareNames(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
