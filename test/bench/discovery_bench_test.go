package bench

import (
	"testing"

	"github.com/kubedyn/kubedyn/discovery"
	kdrestmapper "github.com/kubedyn/kubedyn/restmapper"
	"k8s.io/apimachinery/pkg/runtime/schema"
	cgdiscovery "k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	cgrestmapper "k8s.io/client-go/restmapper"
)

// deploymentGK is the first mapping asked for after cold discovery.
var deploymentGK = schema.GroupKind{Group: "apps", Kind: "Deployment"}

type discoveryCase struct {
	name       string
	crds       int
	aggregated bool
}

var discoveryCases = []discoveryCase{
	{name: "real/aggregated", crds: 0, aggregated: true},
	{name: "real/legacy", crds: 0, aggregated: false},
	{name: "crd300/aggregated", crds: 300, aggregated: true},
	{name: "crd300/legacy", crds: 300, aggregated: false},
}

// reportCounts reports round trips and new connections per operation.
func reportCounts(b *testing.B, fs *fixtureServer) {
	reqs, conns := fs.reset()
	b.ReportMetric(float64(reqs)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(conns)/float64(b.N), "newconns/op")
}

// BenchmarkColdDiscoveryMapping/client-go: kubectl's path — a memory-cached
// discovery client under a deferred discovery REST mapper — from a new
// transport to the first RESTMapping.
func BenchmarkColdDiscoveryMapping(b *testing.B) {
	for _, tc := range discoveryCases {
		fs := newFixtureServer(b, crdSet(b, tc.crds), tc.aggregated, nil)
		b.Run("lib=client-go/set="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			fs.reset()
			for b.Loop() {
				dc, err := cgdiscovery.NewDiscoveryClientForConfig(clientGoConfig(fs))
				if err != nil {
					b.Fatal(err)
				}
				m := cgrestmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
				if _, err := m.RESTMapping(deploymentGK); err != nil {
					b.Fatalf("client-go RESTMapping %v: %v", deploymentGK, err)
				}
			}
			reportCounts(b, fs)
		})
		b.Run("lib=kubedyn/set="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			mode := discovery.Legacy
			if tc.aggregated {
				mode = discovery.Aggregated
			}
			fs.reset()
			for b.Loop() {
				m := kdrestmapper.New(discovery.New(kubedynClient(b, fs), discovery.Options{Mode: mode}), kdrestmapper.Options{})
				if _, err := m.RESTMapping(deploymentGK); err != nil {
					b.Fatalf("kubedyn RESTMapping %v: %v", deploymentGK, err)
				}
			}
			reportCounts(b, fs)
		})
	}
}

// shortDeploy is kubectl's "kubectl get deploy": a short name, resolved
// through the resource-name index a RESTMapping alone does not need.
var shortDeploy = schema.GroupVersionResource{Resource: "deploy"}

// BenchmarkColdDiscoveryShortName is BenchmarkColdDiscoveryMapping with a
// short-name KindFor as the first lookup (kubectl's shortcut expander over
// client-go's deferred mapper; kubedyn's Mapper.KindFor), so kubedyn's
// maps of resource names, which a RESTMapping does not build, are counted.
func BenchmarkColdDiscoveryShortName(b *testing.B) {
	for _, tc := range discoveryCases {
		fs := newFixtureServer(b, crdSet(b, tc.crds), tc.aggregated, nil)
		b.Run("lib=client-go/set="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			fs.reset()
			for b.Loop() {
				dc, err := cgdiscovery.NewDiscoveryClientForConfig(clientGoConfig(fs))
				if err != nil {
					b.Fatal(err)
				}
				cached := memory.NewMemCacheClient(dc)
				m := cgrestmapper.NewShortcutExpander(cgrestmapper.NewDeferredDiscoveryRESTMapper(cached), cached, func(string) {})
				if _, err := m.KindFor(shortDeploy); err != nil {
					b.Fatalf("client-go KindFor %v: %v", shortDeploy, err)
				}
			}
			reportCounts(b, fs)
		})
		b.Run("lib=kubedyn/set="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			mode := discovery.Legacy
			if tc.aggregated {
				mode = discovery.Aggregated
			}
			fs.reset()
			for b.Loop() {
				m := kdrestmapper.New(discovery.New(kubedynClient(b, fs), discovery.Options{Mode: mode}), kdrestmapper.Options{})
				if _, err := m.KindFor(shortDeploy); err != nil {
					b.Fatalf("kubedyn KindFor %v: %v", shortDeploy, err)
				}
			}
			reportCounts(b, fs)
		})
	}
}
