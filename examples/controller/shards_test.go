package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/dynamic/shard"
)

// TestShardFlags: --shards excludes --leader-elect, --shard-key is uid or
// namespace, and the lease timings are checked for --shards too.
func TestShardFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "shards", args: []string{"--shards", "cm"}},
		{name: "namespace key", args: []string{"--shards", "--shard-key", "namespace", "cm"}},
		{name: "both modes", args: []string{"--shards", "--leader-elect", "cm"}, wantErr: "exclude each other"},
		{name: "bad key", args: []string{"--shards", "--shard-key", "name", "cm"}, wantErr: "--shard-key must be uid or namespace"},
		{name: "renew not shorter", args: []string{"--shards", "--leader-elect-renew-deadline", "20s", "cm"}, wantErr: "must be shorter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOptions(tc.args, io.Discard)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && !strings.Contains(got, tc.wantErr) {
				t.Errorf("parseOptions(%q) = %q, want an error containing %q", tc.args, got, tc.wantErr)
			}
		})
	}
}

// TestDNSIdentity: the default identity (hostname_hex) becomes a DNS label
// for the member's Lease name.
func TestDNSIdentity(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{in: "host_0a1b2c3d", want: "host-0a1b2c3d"},
		{in: "My.Host_ff", want: "my.host-ff"},
		{in: "-x_", want: "x"},
	} {
		if diff := cmp.Diff(tc.want, dnsIdentity(tc.in)); diff != "" {
			t.Errorf("dnsIdentity(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestShardCoverage checks the replay the sharding integration tests judge
// handovers by: the longest time a hash went unserved after from, and
// every moment a hash was served twice.
func TestShardCoverage(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	halves := shard.Split(2)
	lo, hi := shard.Ranges{halves[0]}, shard.Ranges{halves[1]}
	full := shard.Ranges{shard.Full}
	for _, tc := range []struct {
		name        string
		changes     []servedChange
		from, until int
		wantGap     time.Duration
		wantWhere   shard.Range
		wantDoubles int
	}{
		{
			name:    "steady: a gap before from does not count",
			changes: []servedChange{{id: "a", at: at(1), ranges: lo}, {id: "b", at: at(2), ranges: hi}},
			from:    3, until: 10,
		},
		{
			name: "a handover after a release",
			changes: []servedChange{{id: "a", at: at(0), ranges: full},
				{id: "a", at: at(4), ranges: lo}, {id: "b", at: at(7), ranges: hi}},
			from: 1, until: 10, wantGap: 3 * time.Second, wantWhere: halves[1],
		},
		{
			name:    "still unserved at until",
			changes: []servedChange{{id: "a", at: at(0), ranges: full}, {id: "a", at: at(5)}},
			from:    2, until: 9, wantGap: 4 * time.Second, wantWhere: shard.Full,
		},
		{
			name: "served twice",
			changes: []servedChange{{id: "a", at: at(0), ranges: full},
				{id: "b", at: at(1), ranges: hi}, {id: "a", at: at(2), ranges: lo}},
			from: 0, until: 3, wantDoubles: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gap, where, doubles := coverage(tc.changes, at(tc.from), at(tc.until))
			if gap != tc.wantGap || (tc.wantGap > 0 && where != tc.wantWhere) || len(doubles) != tc.wantDoubles {
				t.Errorf("gap %v at %v, doubles %v; want gap %v at %v, %d doubles", gap, where, doubles, tc.wantGap, tc.wantWhere, tc.wantDoubles)
			}
		})
	}
}
