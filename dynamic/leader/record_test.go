package leader

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func lease(spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
		"metadata": map[string]any{"name": "ctl", "namespace": "ns"},
	}}
	if spec != nil {
		u.Object["spec"] = spec
	}
	return u
}

func TestParseRecord(t *testing.T) {
	micro := time.Date(2026, 11, 23, 12, 0, 0, 123456000, time.UTC)
	tests := []struct {
		name    string
		spec    map[string]any
		want    Record
		wantErr string
	}{
		{name: "no spec", spec: nil, want: Record{}},
		{
			name: "every field, as the server sends them",
			spec: map[string]any{
				"holderIdentity": "pod-a", "leaseDurationSeconds": int64(15), "leaseTransitions": int64(2),
				"acquireTime": "2026-11-23T12:00:00.123456Z", "renewTime": "2026-11-23T12:00:00.123456Z",
			},
			want: Record{HolderIdentity: "pod-a", LeaseDurationSeconds: 15, LeaseTransitions: 2, AcquireTime: micro, RenewTime: micro},
		},
		{
			name: "float numbers from encoding/json and second-precision times",
			spec: map[string]any{"leaseDurationSeconds": float64(30), "renewTime": "2026-11-23T12:00:00Z"},
			want: Record{LeaseDurationSeconds: 30, RenewTime: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)},
		},
		{
			name: "nulls are absent",
			spec: map[string]any{"holderIdentity": nil, "renewTime": nil, "leaseTransitions": nil},
			want: Record{},
		},
		{
			name:    "wrong types are named, all of them",
			spec:    map[string]any{"holderIdentity": int64(3), "leaseDurationSeconds": "15", "renewTime": "yesterday"},
			wantErr: `lease ns/ctl: holderIdentity is a int64, not a string; leaseDurationSeconds is a string, not an integer; renewTime "yesterday" is not an RFC 3339 time`,
		},
		{
			name:    "out of range",
			spec:    map[string]any{"leaseTransitions": int64(1) << 40},
			wantErr: "lease ns/ctl: leaseTransitions is 1099511627776, out of int32 range",
		},
		{
			name:    "fractional duration",
			spec:    map[string]any{"leaseDurationSeconds": 1.5},
			wantErr: "lease ns/ctl: leaseDurationSeconds is 1.5, not an integer",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRecord(lease(tc.spec))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ParseRecord(&unstructured.Unstructured{Object: map[string]any{"spec": "x"}}); err == nil || !strings.Contains(err.Error(), "not an object") {
		t.Errorf("spec of the wrong type: err = %v", err)
	}
}

func TestApplyWritesMicroTime(t *testing.T) {
	r := Record{
		HolderIdentity: "pod-a", LeaseDurationSeconds: 15, LeaseTransitions: 1,
		AcquireTime: time.Date(2026, 11, 23, 13, 0, 0, 123456789, time.FixedZone("CET", 3600)),
	}
	u := lease(map[string]any{"strategy": "OldestEmulationVersion"})
	r.apply(u)
	want := map[string]any{
		"strategy":       "OldestEmulationVersion", // kept
		"holderIdentity": "pod-a", "leaseDurationSeconds": int64(15), "leaseTransitions": int64(1),
		"acquireTime": "2026-11-23T12:00:00.123456Z", // UTC, microseconds; no renewTime (zero)
	}
	if diff := cmp.Diff(want, u.Object["spec"]); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	back, err := ParseRecord(u)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.truncate(), back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// FuzzParseRecord feeds arbitrary JSON specs to ParseRecord: it must not
// panic, and what it accepts must survive apply and a second parse.
func FuzzParseRecord(f *testing.F) {
	f.Add(`{"holderIdentity":"a","leaseDurationSeconds":15,"acquireTime":"2026-11-23T12:00:00.123456Z","renewTime":"2026-11-23T12:00:00Z","leaseTransitions":3}`)
	f.Add(`{"leaseDurationSeconds":1e10}`)
	f.Add(`{"renewTime":"2026-13-40T99:00:00Z"}`)
	f.Add(`{"holderIdentity":null,"leaseTransitions":-2}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, spec string) {
		var v any
		if json.Unmarshal([]byte(spec), &v) != nil {
			return
		}
		u := lease(nil)
		u.Object["spec"] = v
		r, err := ParseRecord(u)
		if err != nil {
			return
		}
		r.apply(u)
		back, err := ParseRecord(u)
		if err != nil {
			t.Fatalf("re-parse of %q after apply: %v", spec, err)
		}
		if diff := cmp.Diff(r.truncate(), back); diff != "" {
			t.Fatalf("round trip of %q (-want +got):\n%s", spec, diff)
		}
	})
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error, in order; nil for none
	}{
		{name: "defaults", cfg: Config{Namespace: "ns", Name: "l", Identity: "me"}, want: []string{"no Client"}},
		{
			name: "everything wrong at once",
			cfg:  Config{LeaseDuration: 500 * time.Millisecond, RenewDeadline: time.Second, RetryPeriod: 2 * time.Second},
			want: []string{"no Client", "namespace and a name", "no Identity", "under one second", "RenewDeadline 1s must be shorter", "RetryPeriod 2s must be positive"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.withDefaults().validate()
			var got []string
			for _, w := range tc.want {
				if err != nil && strings.Contains(err.Error(), w) {
					got = append(got, w)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error %v: missing parts (-want +got):\n%s", err, diff)
			}
		})
	}
}
