package memserver

import (
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestFaults(t *testing.T) {
	s, rc, dc := clients(t, Options{})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	tests := []struct {
		name   string
		inject func()
		check  func(error) bool
	}{
		{name: "throttle", inject: func() { s.ThrottleNext(1, 3) }, check: apierrors.IsTooManyRequests},
		{name: "internal error", inject: func() { s.FailNext(1) }, check: apierrors.IsInternalError},
		{name: "fault used up", inject: func() {}, check: func(err error) bool { return err == nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.inject()
			_, err := h.List(ctx, metav1.ListOptions{})
			if !tc.check(err) {
				t.Errorf("list: %v", err)
			}
		})
	}
	s.SetLatency(20 * time.Millisecond)
	start := time.Now()
	if _, err := h.List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Error("latency not added")
	}
	s.SetLatency(0)
	s.MarkStale(schema.GroupVersion{Group: "apps", Version: "v1"}, true)
	var agg aggList
	getJSON(t, rc, "/apis", aggAccept, &agg)
	for _, g := range agg.Items {
		for _, v := range g.Versions {
			if g.Metadata.Name == "apps" && v.Version == "v1" && v.Freshness != "Stale" {
				t.Errorf("apps/v1 freshness %q, want Stale", v.Freshness)
			}
		}
	}
}
