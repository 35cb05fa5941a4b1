package shard

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/dynamic"
)

func TestStampThenRead(t *testing.T) {
	c := Config{Namespace: "ns", Group: "ctl", Identity: "pod-1"}
	lease := c.newLease()
	c.stamp(lease, 15, Ranges{Split(2)[1]}, t0)
	lease.SetResourceVersion("42")
	got, err := readLease(lease)
	if err != nil {
		t.Fatal(err)
	}
	want := peerLease{name: "ctl-pod-1", identity: "pod-1", claimed: Ranges{Split(2)[1]}, rv: "42", seconds: 15}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(peerLease{})); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{GroupLabel: "ctl"}, lease.GetLabels()); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	spec := lease.Object["spec"].(map[string]any)
	if spec["acquireTime"] != "2026-12-07T00:00:00.000000Z" || spec["renewTime"] != spec["acquireTime"] {
		t.Errorf("times = %v, %v", spec["acquireTime"], spec["renewTime"])
	}
	c.stamp(lease, 15, nil, t0.Add(time.Second)) // a renewal keeps acquireTime
	if spec["acquireTime"] != "2026-12-07T00:00:00.000000Z" || spec["renewTime"] != "2026-12-07T00:00:01.000000Z" {
		t.Errorf("after renewal, times = %v, %v", spec["acquireTime"], spec["renewTime"])
	}
}

func TestReadLeaseRefuses(t *testing.T) {
	tests := []struct {
		name string
		obj  map[string]any
	}{
		{name: "bad claim", obj: map[string]any{"metadata": map[string]any{"name": "x", "annotations": map[string]any{ClaimedAnnotation: "everything"}}}},
		{name: "bad spec", obj: map[string]any{"metadata": map[string]any{"name": "x"}, "spec": map[string]any{"leaseDurationSeconds": "long"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if p, err := readLease(&unstructured.Unstructured{Object: tc.obj}); err == nil {
				t.Errorf("readLease = %+v, want an error", p)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	dc := &dynamic.Client{}
	ok := Config{Client: dc, Namespace: "ns", Group: "ctl", Identity: "pod-1"}
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string // substring; "" for valid
	}{
		{name: "defaults", change: func(*Config) {}},
		{name: "no client", change: func(c *Config) { c.Client = nil }, wantErr: "no Client"},
		{name: "no namespace", change: func(c *Config) { c.Namespace = "" }, wantErr: "no Namespace"},
		{name: "no group", change: func(c *Config) { c.Group = "" }, wantErr: "no Group"},
		{name: "group not a label value", change: func(c *Config) { c.Group = "a/b" }, wantErr: "not a label value"},
		{name: "no identity", change: func(c *Config) { c.Identity = "" }, wantErr: "no Identity"},
		{name: "identity not a name", change: func(c *Config) { c.Identity = "Pod_1" }, wantErr: "not a DNS subdomain"},
		{name: "lease under a second", change: func(c *Config) {
			c.LeaseDuration = time.Millisecond * 900
			c.RenewDeadline = 500 * time.Millisecond
			c.RetryPeriod = 100 * time.Millisecond
		}, wantErr: "under one second"},
		{name: "deadline not shorter", change: func(c *Config) { c.RenewDeadline = c.LeaseDuration }, wantErr: "RenewDeadline"},
		{name: "retry not shorter", change: func(c *Config) { c.RetryPeriod = c.RenewDeadline }, wantErr: "RetryPeriod"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok.withDefaults()
			tc.change(&c)
			_, err := New(c, nil)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("New = %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("New = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
