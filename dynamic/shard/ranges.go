package shard

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Range is a contiguous part of the 64-bit hash space: every hash h with
// Start <= h <= Last. On the wire it is the half-open interval
// [Start, Last+1); it keeps its last hash instead of its end because the end
// of the space, 2^64, does not fit a uint64. A Range with Start > Last is
// invalid (a Range is never empty).
type Range struct {
	// Start is the first hash of the range.
	Start uint64
	// Last is the last hash of the range (inclusive).
	Last uint64
}

// Full is the whole hash space.
var Full = Range{Start: 0, Last: math.MaxUint64}

// Contains reports whether h falls in r.
func (r Range) Contains(h uint64) bool { return r.Start <= h && h <= r.Last }

// StartHex is r's inclusive lower bound as the server writes it:
// "0x" and 16 lowercase hex digits.
func (r Range) StartHex() string { return fmt.Sprintf("0x%016x", r.Start) }

// EndHex is r's exclusive upper bound as the server writes it: "0x" and 16
// lowercase hex digits, or "0x10000000000000000" (2^64) when r reaches the
// end of the space.
func (r Range) EndHex() string {
	if r.Last == math.MaxUint64 {
		return "0x10000000000000000"
	}
	return fmt.Sprintf("0x%016x", r.Last+1)
}

// String is the half-open form "[0x…, 0x…)".
func (r Range) String() string { return "[" + r.StartHex() + ", " + r.EndHex() + ")" }

// Ranges is a set of hashes written as ranges. The functions and methods of
// this package return it canonical: sorted, disjoint and with no two ranges
// adjacent, so two equal sets have equal Ranges. A nil or empty Ranges is the
// empty set — it owns nothing, never everything.
type Ranges []Range

// Valid reports an error naming the first range of rs with Start > Last.
func (rs Ranges) Valid() error {
	for i, r := range rs {
		if r.Start > r.Last {
			return fmt.Errorf("shard: range %d has start 0x%016x after its last hash 0x%016x", i, r.Start, r.Last)
		}
	}
	return nil
}

// Canonical returns the canonical form of the valid ranges rs: sorted,
// overlapping and adjacent ranges merged. It does not modify rs.
func (rs Ranges) Canonical() Ranges {
	if len(rs) == 0 {
		return nil
	}
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b Range) int { return cmp.Compare(a.Start, b.Start) })
	out := s[:1]
	for _, r := range s[1:] {
		last := &out[len(out)-1]
		if last.Last == math.MaxUint64 || r.Start <= last.Last+1 {
			last.Last = max(last.Last, r.Last)
			continue
		}
		out = append(out, r)
	}
	return out
}

// Contains reports whether h falls in one of rs (canonical).
func (rs Ranges) Contains(h uint64) bool {
	i, _ := slices.BinarySearchFunc(rs, h, func(r Range, h uint64) int {
		switch {
		case r.Last < h:
			return -1
		case r.Start > h:
			return 1
		}
		return 0
	})
	return i < len(rs) && rs[i].Contains(h)
}

// Equal reports whether rs and o (both canonical) are the same set.
func (rs Ranges) Equal(o Ranges) bool { return slices.Equal(rs, o) }

// Empty reports whether rs holds no hash.
func (rs Ranges) Empty() bool { return len(rs) == 0 }

// Union returns the hashes in rs or in o, canonical.
func (rs Ranges) Union(o Ranges) Ranges {
	return append(slices.Clone(rs), o...).Canonical()
}

// Intersect returns the hashes in both rs and o (both canonical), canonical.
func (rs Ranges) Intersect(o Ranges) Ranges {
	var out Ranges
	i, j := 0, 0
	for i < len(rs) && j < len(o) {
		a, b := rs[i], o[j]
		lo, hi := max(a.Start, b.Start), min(a.Last, b.Last)
		if lo <= hi {
			out = append(out, Range{Start: lo, Last: hi})
		}
		if a.Last < b.Last {
			i++
		} else {
			j++
		}
	}
	return out.Canonical()
}

// Subtract returns the hashes in rs and not in o (both canonical), canonical.
func (rs Ranges) Subtract(o Ranges) Ranges {
	return rs.Intersect(o.complement())
}

// Overlaps reports whether rs and o (both canonical) share a hash.
func (rs Ranges) Overlaps(o Ranges) bool { return len(rs.Intersect(o)) > 0 }

// complement returns the hashes not in rs (canonical).
func (rs Ranges) complement() Ranges {
	var out Ranges
	next, open := uint64(0), true // next: first hash not yet covered; open: next is meaningful
	for _, r := range rs {
		if r.Start > next {
			out = append(out, Range{Start: next, Last: r.Start - 1})
		}
		if r.Last == math.MaxUint64 {
			open = false
			break
		}
		next = r.Last + 1
	}
	if open {
		out = append(out, Range{Start: next, Last: math.MaxUint64})
	}
	return out
}

// String writes rs as a comma-separated list of half-open ranges,
// "0x0000000000000000-0x8000000000000000,…" (ParseRanges reads it back);
// the empty set is "".
func (rs Ranges) String() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.StartHex() + "-" + r.EndHex()
	}
	return strings.Join(parts, ",")
}

// ParseRanges reads the form Ranges.String writes: comma-separated
// half-open ranges "start-end" of "0x"-prefixed hex numbers, end at most
// 2^64 ("0x10000000000000000") and greater than start. "" is the empty set.
// The result is canonical.
func ParseRanges(s string) (Ranges, error) {
	if s == "" {
		return nil, nil
	}
	var rs Ranges
	for i, part := range strings.Split(s, ",") {
		lo, hi, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("shard: range %d %q of %q is not start-end", i, part, s)
		}
		r, err := halfOpen(strings.TrimSpace(lo), strings.TrimSpace(hi))
		if err != nil {
			return nil, fmt.Errorf("shard: range %d of %q: %w", i, s, err)
		}
		rs = append(rs, r)
	}
	return rs.Canonical(), nil
}

// halfOpen makes the Range [start, end) from two "0x" hex bounds.
func halfOpen(start, end string) (Range, error) {
	lo, err := parseBound(start, false)
	if err != nil {
		return Range{}, err
	}
	hi, err := parseBound(end, true)
	if err != nil {
		return Range{}, err
	}
	if hi.top {
		return Range{Start: lo.v, Last: math.MaxUint64}, nil
	}
	if hi.v <= lo.v {
		return Range{}, fmt.Errorf("end %s is not after start %s", end, start)
	}
	return Range{Start: lo.v, Last: hi.v - 1}, nil
}

// bound is a parsed range bound: a value, or 2^64 (top).
type bound struct {
	v   uint64
	top bool
}

// parseBound reads "0x" followed by 1 to 17 hex digits (either case);
// 2^64 is accepted only as an end.
func parseBound(s string, end bool) (bound, error) {
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok {
		digits, ok = strings.CutPrefix(s, "0X")
	}
	if !ok || digits == "" {
		return bound{}, fmt.Errorf("bound %q is not 0x followed by hex digits", s)
	}
	trimmed := strings.TrimLeft(digits, "0")
	if trimmed == "" {
		return bound{}, nil
	}
	if len(trimmed) == 17 && strings.Trim(trimmed[1:], "0") == "" && trimmed[0] == '1' {
		if !end {
			return bound{}, fmt.Errorf("start %q is past the last hash of the space", s)
		}
		return bound{top: true}, nil
	}
	v, err := strconv.ParseUint(trimmed, 16, 64)
	if err != nil {
		return bound{}, fmt.Errorf("bound %q is not a hex number of at most 2^64", s)
	}
	return bound{v: v}, nil
}

// Split cuts the hash space into n contiguous ranges of equal size (to one
// hash), in order: range i is [floor(i·2^64/n), floor((i+1)·2^64/n)). Their
// union is the whole space and no two overlap. n < 1 returns nil.
func Split(n int) []Range {
	if n < 1 {
		return nil
	}
	out := make([]Range, n)
	for i := range n {
		out[i] = Range{Start: boundary(i, n)}
		if i+1 < n {
			out[i].Last = boundary(i+1, n) - 1
		} else {
			out[i].Last = math.MaxUint64
		}
	}
	return out
}

// boundary is floor(i·2^64/n) for 0 <= i < n.
func boundary(i, n int) uint64 {
	q, _ := bits.Div64(uint64(i), 0, uint64(n))
	return q
}

// Assign gives each member one range of Split(len(members)), in the order of
// the sorted, de-duplicated member names, so every hash has exactly one
// owner. Members are identities; "" is ignored. It returns nil for no
// members.
func Assign(members []string) map[string]Range {
	sorted := slices.Clone(members)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	if len(sorted) > 0 && sorted[0] == "" {
		sorted = sorted[1:]
	}
	if len(sorted) == 0 {
		return nil
	}
	out := make(map[string]Range, len(sorted))
	for i, r := range Split(len(sorted)) {
		out[sorted[i]] = r
	}
	return out
}

// Delta is what changed from prev to next (both canonical): the hashes
// gained, to list, and the hashes lost, whose objects to drop.
func Delta(prev, next Ranges) (gained, lost Ranges) {
	return next.Subtract(prev), prev.Subtract(next)
}
