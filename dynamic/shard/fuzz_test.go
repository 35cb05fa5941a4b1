package shard

import (
	"fmt"
	"math"
	"testing"

	"k8s.io/apimachinery/pkg/sharding"
)

func hex16(v uint64) string { return fmt.Sprintf("%016x", v) }

// FuzzStableOwnership: for any membership and any key, exactly one member's
// assigned range contains the key's hash.
func FuzzStableOwnership(f *testing.F) {
	f.Add(uint8(1), "r", "uid-1")
	f.Add(uint8(3), "replica", "0b7e4a2c-5f1d-4f6e-9b3a-2d8c1e7f6a90")
	f.Add(uint8(255), "m", "")
	f.Fuzz(func(t *testing.T, n uint8, prefix, key string) {
		if n == 0 {
			return
		}
		members := make([]string, n)
		for i := range members {
			members[i] = fmt.Sprintf("%s-%d", prefix, i)
		}
		a := Assign(members)
		h := Hash(key)
		var owners []string
		for m, r := range a {
			if r.Contains(h) {
				owners = append(owners, m)
			}
		}
		if len(owners) != 1 {
			t.Fatalf("key %q (hash 0x%016x) among %d members has owners %q", key, h, n, owners)
		}
		for _, edge := range []uint64{0, math.MaxUint64, a[owners[0]].Start, a[owners[0]].Last} {
			count := 0
			for _, r := range a {
				if r.Contains(edge) {
					count++
				}
			}
			if count != 1 {
				t.Fatalf("hash 0x%016x among %d members has %d owners", edge, n, count)
			}
		}
	})
}

// FuzzHashMatchesServer holds Hash equal to the server's sharding.HashField.
func FuzzHashMatchesServer(f *testing.F) {
	f.Add("")
	f.Add("0b7e4a2c-5f1d-4f6e-9b3a-2d8c1e7f6a90")
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := hex16(Hash(v)), sharding.HashField(v); got != want {
			t.Fatalf("Hash(%q) = %s, sharding.HashField = %s", v, got, want)
		}
	})
}

// FuzzParseSelector: what parses writes back to a selector that parses to
// the same thing, and the client-side matcher agrees with the server's on
// the bounds.
func FuzzParseSelector(f *testing.F) {
	f.Add("shardRange(object.metadata.uid, '0x0', '0x8000000000000000')")
	f.Add("shardRange(object.metadata.namespace,\"0x8\",\"0x10000000000000000\") || shardRange(object.metadata.namespace, '0x1', '0x3')")
	f.Add("shardRange(")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSelector(in)
		if err != nil {
			return
		}
		w, err := s.ShardSelector()
		if err != nil {
			t.Fatalf("parsed %q but has no wire form: %v", in, err)
		}
		back, err := ParseSelector(w)
		if err != nil || !back.Equal(s) {
			t.Fatalf("%q wrote %q which reads back as %v, %v", in, w, back, err)
		}
		if !s.EchoedBy(in) {
			t.Fatalf("%q is not echoed by itself", in)
		}
		for _, r := range s.ranges {
			for _, h := range []uint64{r.Start, r.Last, r.Start - 1, r.Last + 1} {
				client := s.MatchesHash(h)
				if want := serverHashMatch(s, h); client != want {
					t.Fatalf("%q: hash 0x%016x client %v, server %v", in, h, client, want)
				}
			}
		}
	})
}

// FuzzParseRanges: what parses writes back identically.
func FuzzParseRanges(f *testing.F) {
	f.Add("0x0-0x10000000000000000")
	f.Add("0x10-0x20,0x0-0x10")
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := ParseRanges(in)
		if err != nil {
			return
		}
		if err := rs.Valid(); err != nil {
			t.Fatal(err)
		}
		back, err := ParseRanges(rs.String())
		if err != nil || !back.Equal(rs) {
			t.Fatalf("%q wrote %q which reads back as %v, %v", in, rs.String(), back, err)
		}
	})
}

func requirements(s Selector) []sharding.ShardRangeRequirement {
	reqs := make([]sharding.ShardRangeRequirement, len(s.ranges))
	for i, r := range s.ranges {
		reqs[i] = sharding.ShardRangeRequirement{Key: string(s.key), Start: r.StartHex(), End: r.EndHex()}
	}
	return reqs
}

// serverHashMatch applies the server's comparison (sharding.HexLess on
// normalised bounds) to hash h.
func serverHashMatch(s Selector, h uint64) bool {
	hx := "0x" + hex16(h)
	for _, req := range requirements(s) {
		if !sharding.HexLess(hx, req.Start) && sharding.HexLess(hx, req.End) {
			return true
		}
	}
	return false
}
