package discovery

import (
	"context"
	"testing"
)

// BenchmarkDiscovery measures one full discovery run of the recorded
// documents over httptest, cold (a new Client each time) and warm (Cached).
func BenchmarkDiscovery(b *testing.B) {
	rec := loadRecording(b)
	ctx := context.Background()
	for _, mode := range []Mode{Aggregated, Legacy} {
		b.Run("cold/"+mode.String(), func(b *testing.B) {
			rc := newFake(b, &fakeServer{rec: rec})
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := New(rc, Options{Mode: mode}).ServerGroupsAndResources(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("warm/Cached", func(b *testing.B) {
		c := NewCached(New(newFake(b, &fakeServer{rec: rec}), Options{}), CacheOptions{})
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := c.ServerGroupsAndResources(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("convert/Aggregated", func(b *testing.B) {
		body := rec.Aggregated[1].Body
		b.ReportAllocs()
		for b.Loop() {
			l, err := decodeAggregated(body)
			if err != nil {
				b.Fatal(err)
			}
			var r result
			fromAggregated(l, &r)
		}
	})
}
