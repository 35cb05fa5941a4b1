package main

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
