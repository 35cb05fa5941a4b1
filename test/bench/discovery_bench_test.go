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

// mode is the kubedyn discovery mode that matches the case's server.
func (tc discoveryCase) mode() discovery.Mode {
	if tc.aggregated {
		return discovery.Aggregated
	}
	return discovery.Legacy
}

// benchColdDiscovery runs, for every discovery case and each library, an
// operation that starts from a new transport, runs discovery and makes the
// first lookup, and reports round trips and new connections per operation.
func benchColdDiscovery(b *testing.B, clientGo func(*fixtureServer) error, kubedyn func(testing.TB, *fixtureServer, discovery.Mode) error) {
	for _, tc := range discoveryCases {
		fs := newFixtureServer(b, crdSet(b, tc.crds), tc.aggregated, nil)
		libs := []struct {
			name string
			op   func(testing.TB) error
		}{
			{name: "client-go", op: func(testing.TB) error { return clientGo(fs) }},
			{name: "kubedyn", op: func(tb testing.TB) error { return kubedyn(tb, fs, tc.mode()) }},
		}
		for _, lib := range libs {
			b.Run("lib="+lib.name+"/set="+tc.name, func(b *testing.B) {
				b.ReportAllocs()
				fs.reset()
				for b.Loop() {
					if err := lib.op(b); err != nil {
						b.Fatalf("%s: %v", lib.name, err)
					}
				}
				reportCounts(b, fs)
			})
		}
	}
}

// BenchmarkColdDiscoveryMapping/client-go: kubectl's path — a memory-cached
// discovery client under a deferred discovery REST mapper — from a new
// transport to the first RESTMapping.
func BenchmarkColdDiscoveryMapping(b *testing.B) {
	benchColdDiscovery(b, func(fs *fixtureServer) error {
		dc, err := cgdiscovery.NewDiscoveryClientForConfig(clientGoConfig(fs))
		if err != nil {
			return err
		}
		_, err = cgrestmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc)).RESTMapping(deploymentGK)
		return err
	}, func(tb testing.TB, fs *fixtureServer, mode discovery.Mode) error {
		m := kdrestmapper.New(discovery.New(kubedynClient(tb, fs), discovery.Options{Mode: mode}), kdrestmapper.Options{})
		_, err := m.RESTMapping(deploymentGK)
		return err
	})
}

// shortDeploy is kubectl's "kubectl get deploy": a short name, resolved
// through the resource-name index a RESTMapping alone does not need.
var shortDeploy = schema.GroupVersionResource{Resource: "deploy"}

// BenchmarkColdDiscoveryShortName is BenchmarkColdDiscoveryMapping with a
// short-name KindFor as the first lookup (kubectl's shortcut expander over
// client-go's deferred mapper; kubedyn's Mapper.KindFor), so kubedyn's
// maps of resource names, which a RESTMapping does not build, are counted.
func BenchmarkColdDiscoveryShortName(b *testing.B) {
	benchColdDiscovery(b, func(fs *fixtureServer) error {
		dc, err := cgdiscovery.NewDiscoveryClientForConfig(clientGoConfig(fs))
		if err != nil {
			return err
		}
		cached := memory.NewMemCacheClient(dc)
		_, err = cgrestmapper.NewShortcutExpander(cgrestmapper.NewDeferredDiscoveryRESTMapper(cached), cached, func(string) {}).KindFor(shortDeploy)
		return err
	}, func(tb testing.TB, fs *fixtureServer, mode discovery.Mode) error {
		m := kdrestmapper.New(discovery.New(kubedynClient(tb, fs), discovery.Options{Mode: mode}), kdrestmapper.Options{})
		_, err := m.KindFor(shortDeploy)
		return err
	})
}
