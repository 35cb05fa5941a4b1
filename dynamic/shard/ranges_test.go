package shard

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want []Range
	}{
		{name: "none", n: 0, want: nil},
		{name: "negative", n: -3, want: nil},
		{name: "one member owns everything", n: 1, want: []Range{Full}},
		{name: "two halves", n: 2, want: []Range{
			{Start: 0, Last: 0x7fffffffffffffff},
			{Start: 0x8000000000000000, Last: math.MaxUint64},
		}},
		{name: "three, floors of thirds", n: 3, want: []Range{
			{Start: 0, Last: 0x5555555555555554},
			{Start: 0x5555555555555555, Last: 0xaaaaaaaaaaaaaaa9},
			{Start: 0xaaaaaaaaaaaaaaaa, Last: math.MaxUint64},
		}},
		{name: "four quarters, as in the API's doc", n: 4, want: []Range{
			{Start: 0, Last: 0x3fffffffffffffff},
			{Start: 0x4000000000000000, Last: 0x7fffffffffffffff},
			{Start: 0x8000000000000000, Last: 0xbfffffffffffffff},
			{Start: 0xc000000000000000, Last: math.MaxUint64},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Split(tc.n)); diff != "" {
				t.Errorf("Split(%d) (-want +got):\n%s", tc.n, diff)
			}
		})
	}
}

// TestSplitCovers checks, for many member counts, that the split is a
// disjoint, contiguous cover of the whole space.
func TestSplitCovers(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 7, 10, 64, 100, 1000, 4097} {
		rs := Split(n)
		if len(rs) != n {
			t.Fatalf("Split(%d) has %d ranges", n, len(rs))
		}
		if rs[0].Start != 0 || rs[n-1].Last != math.MaxUint64 {
			t.Errorf("Split(%d) runs from %v to %v, not the whole space", n, rs[0], rs[n-1])
		}
		for i := 1; i < n; i++ {
			if rs[i].Start != rs[i-1].Last+1 || rs[i].Start > rs[i].Last {
				t.Errorf("Split(%d): range %d %v does not follow %v", n, i, rs[i], rs[i-1])
			}
		}
		if got := Ranges(rs).Canonical(); !got.Equal(Ranges{Full}) {
			t.Errorf("Split(%d) merged is %v, not the full space", n, got)
		}
	}
}

func TestAssign(t *testing.T) {
	half := Split(2)
	tests := []struct {
		name    string
		members []string
		want    map[string]Range
	}{
		{name: "no members", members: nil, want: nil},
		{name: "only blank", members: []string{""}, want: nil},
		{name: "one", members: []string{"a"}, want: map[string]Range{"a": Full}},
		{name: "sorted order decides, not input order", members: []string{"b", "a"}, want: map[string]Range{"a": half[0], "b": half[1]}},
		{name: "duplicates and blanks ignored", members: []string{"b", "", "a", "b"}, want: map[string]Range{"a": half[0], "b": half[1]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Assign(tc.members)); diff != "" {
				t.Errorf("Assign(%q) (-want +got):\n%s", tc.members, diff)
			}
		})
	}
}

func TestOwnerOfKey(t *testing.T) {
	members := []string{"r-0", "r-1", "r-2"}
	a := Assign(members)
	tests := []struct {
		name string
		hash uint64
		want string
	}{
		{name: "first hash", hash: 0, want: "r-0"},
		{name: "last hash", hash: math.MaxUint64, want: "r-2"},
		{name: "first of the second third", hash: 0x5555555555555555, want: "r-1"},
		{name: "last of the first third", hash: 0x5555555555555554, want: "r-0"},
		{name: "a uid", hash: Hash("2f7c1a5e-0000-4000-8000-000000000001"), want: ownerByScan(a, Hash("2f7c1a5e-0000-4000-8000-000000000001"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var owners []string
			for _, m := range members {
				if a[m].Contains(tc.hash) {
					owners = append(owners, m)
				}
			}
			if diff := cmp.Diff([]string{tc.want}, owners); diff != "" {
				t.Errorf("owners of 0x%016x (-want +got):\n%s", tc.hash, diff)
			}
		})
	}
}

func ownerByScan(a map[string]Range, h uint64) string {
	for m, r := range a {
		if r.Start <= h && h <= r.Last {
			return m
		}
	}
	return ""
}

func TestRangesSetOps(t *testing.T) {
	r := func(s, l uint64) Range { return Range{Start: s, Last: l} }
	tests := []struct {
		name                  string
		a, b                  Ranges
		union, inter, aMinusB Ranges
	}{
		{name: "empty", union: nil, inter: nil, aMinusB: nil},
		{name: "disjoint", a: Ranges{r(0, 9)}, b: Ranges{r(20, 29)},
			union: Ranges{r(0, 9), r(20, 29)}, inter: nil, aMinusB: Ranges{r(0, 9)}},
		{name: "adjacent merge", a: Ranges{r(0, 9)}, b: Ranges{r(10, 19)},
			union: Ranges{r(0, 19)}, inter: nil, aMinusB: Ranges{r(0, 9)}},
		{name: "overlap", a: Ranges{r(0, 19)}, b: Ranges{r(10, 29)},
			union: Ranges{r(0, 29)}, inter: Ranges{r(10, 19)}, aMinusB: Ranges{r(0, 9)}},
		{name: "hole punched", a: Ranges{Full}, b: Ranges{r(10, 19)},
			union: Ranges{Full}, inter: Ranges{r(10, 19)}, aMinusB: Ranges{r(0, 9), r(20, math.MaxUint64)}},
		{name: "up to the end", a: Ranges{r(5, math.MaxUint64)}, b: Ranges{r(0, 5)},
			union: Ranges{Full}, inter: Ranges{r(5, 5)}, aMinusB: Ranges{r(6, math.MaxUint64)}},
		{name: "many pieces", a: Ranges{r(0, 9), r(20, 29), r(40, 49)}, b: Ranges{r(5, 44)},
			union: Ranges{r(0, 49)}, inter: Ranges{r(5, 9), r(20, 29), r(40, 44)}, aMinusB: Ranges{r(0, 4), r(45, 49)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.union, tc.a.Union(tc.b)); diff != "" {
				t.Errorf("union (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.inter, tc.a.Intersect(tc.b)); diff != "" {
				t.Errorf("intersection (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.aMinusB, tc.a.Subtract(tc.b)); diff != "" {
				t.Errorf("difference (-want +got):\n%s", diff)
			}
			if got, want := tc.a.Overlaps(tc.b), len(tc.inter) > 0; got != want {
				t.Errorf("Overlaps = %v, want %v", got, want)
			}
		})
	}
}

func TestParseRanges(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Ranges
		wantErr bool
	}{
		{name: "empty set", in: "", want: nil},
		{name: "full", in: "0x0000000000000000-0x10000000000000000", want: Ranges{Full}},
		{name: "short and upper case", in: "0x0-0X8000000000000000, 0xC000000000000000-0x10000000000000000",
			want: Ranges{{Start: 0, Last: 0x7fffffffffffffff}, {Start: 0xc000000000000000, Last: math.MaxUint64}}},
		{name: "merged on reading", in: "0x10-0x20,0x0-0x10", want: Ranges{{Start: 0, Last: 0x1f}}},
		{name: "leading zeros beyond 17 digits", in: "0x0000000000000000000-0x01", want: Ranges{{Start: 0, Last: 0}}},
		{name: "empty range", in: "0x10-0x10", wantErr: true},
		{name: "backwards", in: "0x20-0x10", wantErr: true},
		{name: "no prefix", in: "0-10", wantErr: true},
		{name: "past 2^64", in: "0x0-0x10000000000000001", wantErr: true},
		{name: "start at 2^64", in: "0x10000000000000000-0x10000000000000000", wantErr: true},
		{name: "no dash", in: "0x0", wantErr: true},
		{name: "blank part", in: "0x0-0x1,", wantErr: true},
		{name: "not hex", in: "0x0-0xg", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRanges(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseRanges(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseRanges(%q) (-want +got):\n%s", tc.in, diff)
			}
			if err == nil {
				back, err := ParseRanges(got.String())
				if err != nil || !back.Equal(got) {
					t.Errorf("String %q reads back as %v, %v", got.String(), back, err)
				}
			}
		})
	}
}

func TestRangesContains(t *testing.T) {
	rs := Ranges{{Start: 10, Last: 19}, {Start: 30, Last: 39}, {Start: math.MaxUint64, Last: math.MaxUint64}}
	tests := []struct {
		name string
		h    uint64
		want bool
	}{
		{name: "before", h: 9, want: false},
		{name: "first", h: 10, want: true},
		{name: "last of first", h: 19, want: true},
		{name: "gap", h: 25, want: false},
		{name: "second", h: 35, want: true},
		{name: "after second", h: 40, want: false},
		{name: "top", h: math.MaxUint64, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := rs.Contains(tc.h); got != tc.want {
				t.Errorf("Contains(%d) = %v, want %v", tc.h, got, tc.want)
			}
		})
	}
}

func BenchmarkRangesContains(b *testing.B) {
	rs := Ranges(Split(64)).Subtract(Ranges{Split(3)[1]})
	b.ReportAllocs()
	var h uint64
	for b.Loop() {
		h += 0x9e3779b97f4a7c15
		_ = rs.Contains(h)
	}
}

func TestDelta(t *testing.T) {
	thirds, quarters := Split(3), Split(4)
	tests := []struct {
		name         string
		prev, next   Ranges
		gained, lost Ranges
	}{
		{name: "first ranges", prev: nil, next: Ranges{Full}, gained: Ranges{Full}},
		{name: "stopped", prev: Ranges{Full}, next: nil, lost: Ranges{Full}},
		{name: "unchanged", prev: Ranges{thirds[1]}, next: Ranges{thirds[1]}},
		{name: "a fourth member joined: the middle third becomes the second quarter",
			prev:   Ranges{thirds[1]},
			next:   Ranges{quarters[1]},
			gained: Ranges{{Start: quarters[1].Start, Last: thirds[1].Start - 1}},
			lost:   Ranges{{Start: quarters[1].Last + 1, Last: thirds[1].Last}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gained, lost := Delta(tc.prev, tc.next)
			if diff := cmp.Diff([]Ranges{tc.gained, tc.lost}, []Ranges{gained, lost}); diff != "" {
				t.Errorf("[gained, lost] (-want +got):\n%s", diff)
			}
		})
	}
}
