package bench

import (
	"context"
	"testing"

	"github.com/kubedyn/kubedyn/discovery"
	cgdiscovery "k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
)

// BenchmarkWarmDiscovery measures discovery through each library's cache
// once it is filled, over the +300-CRD set: op=cached answers
// ServerGroupsAndResources from memory; op=invalidated drops the cache
// first (Invalidate) and runs discovery again on the warm connection.
// client-go: memory.NewMemCacheClient; kubedyn: discovery.Cached.
func BenchmarkWarmDiscovery(b *testing.B) {
	ctx := context.Background()
	for _, tc := range discoveryCases {
		if tc.crds == 0 {
			continue
		}
		fs := newFixtureServer(b, crdSet(b, tc.crds), tc.aggregated, nil)
		for _, op := range []string{"cached", "invalidated"} {
			b.Run("lib=client-go/set="+tc.name+"/op="+op, func(b *testing.B) {
				dc, err := cgdiscovery.NewDiscoveryClientForConfig(clientGoConfig(fs))
				if err != nil {
					b.Fatal(err)
				}
				mc := memory.NewMemCacheClient(dc)
				if _, _, err := mc.ServerGroupsAndResources(); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				fs.reset()
				for b.Loop() {
					if op == "invalidated" {
						mc.Invalidate()
					}
					if _, _, err := mc.ServerGroupsAndResources(); err != nil {
						b.Fatal(err)
					}
				}
				reportCounts(b, fs)
			})
			b.Run("lib=kubedyn/set="+tc.name+"/op="+op, func(b *testing.B) {
				c := discovery.NewCached(discovery.New(kubedynClient(b, fs), discovery.Options{Mode: tc.mode()}), discovery.CacheOptions{})
				if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				fs.reset()
				for b.Loop() {
					if op == "invalidated" {
						c.Invalidate()
					}
					if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
						b.Fatal(err)
					}
				}
				reportCounts(b, fs)
			})
		}
	}
}
