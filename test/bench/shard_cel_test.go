package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	celsharding "k8s.io/apiserver/pkg/sharding"

	"github.com/kubedyn/kubedyn/dynamic/shard"
)

// The differential test of shardSelector strings: kubedyn's parser
// (dynamic/shard.ParseSelector, hand-written) against the API server's
// (k8s.io/apiserver/pkg/sharding.Parse, which parses the string as CEL and
// walks the AST; the main module cannot import it). The server keeps the
// ranges as written and echoes them in its normalised form (String);
// kubedyn merges them, so the two are compared as sets of hashes.

// selOutcome is how the two parsers treat one string.
type selOutcome string

const (
	// bothAgree: both accept it, with the same key and the same hashes.
	bothAgree selOutcome = "both accept, same ranges"
	// bothRefuse: both refuse it.
	bothRefuse selOutcome = "both refuse"
	// onlyKubedyn: kubedyn accepts what the server refuses: bounds of
	// other lengths or in upper case, 0X. Deliberate: ParseSelector reads
	// any echo; ShardSelector writes only the server's strict form.
	onlyKubedyn selOutcome = "only kubedyn accepts"
	// onlyCEL: the server accepts CEL syntax that kubedyn does not parse
	// (parentheses, comments, raw or escaped strings, spaces in the field
	// path). Harmless: kubedyn never reads a selector a user wrote, only the
	// server's echo, which is its normalised form, and that it reads.
	onlyCEL selOutcome = "only the server accepts"
)

// selView is what one parser made of a string: the key and the set of
// hashes selected.
type selView struct {
	Key    string
	Ranges shard.Ranges
}

// celView parses expr with the server's parser and returns its view,
// computed from the requirements with strconv alone (not with kubedyn's
// parser), and the server's normalised form of expr.
func celView(expr string) (selView, string, error) {
	sel, err := celsharding.Parse(expr)
	if err != nil {
		return selView{}, "", err
	}
	var v selView
	var rs shard.Ranges
	for _, req := range sel.Requirements() {
		start, err := strconv.ParseUint(strings.TrimPrefix(req.Start, "0x"), 16, 64)
		if err != nil {
			return selView{}, "", fmt.Errorf("server accepted start %q that is no uint64: %w", req.Start, err)
		}
		last := uint64(math.MaxUint64)
		if req.End != "0x10000000000000000" {
			end, err := strconv.ParseUint(strings.TrimPrefix(req.End, "0x"), 16, 64)
			if err != nil || end == 0 {
				return selView{}, "", fmt.Errorf("server accepted end %q that is no bound: %v", req.End, err)
			}
			last = end - 1
		}
		v.Key = req.Key
		rs = append(rs, shard.Range{Start: start, Last: last})
	}
	v.Ranges = rs.Canonical()
	return v, sel.String(), nil
}

// kubedynView parses expr with kubedyn's parser.
func kubedynView(expr string) (selView, shard.Selector, error) {
	sel, err := shard.ParseSelector(expr)
	if err != nil {
		return selView{}, sel, err
	}
	return selView{Key: string(sel.Key()), Ranges: sel.Ranges()}, sel, nil
}

// selObjects are the objects both parsers' selectors are matched against;
// the generated selectors put bounds on and next to their hashes.
var selObjects = func() []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 64)
	for i := range out {
		u := &unstructured.Unstructured{}
		u.SetName(fmt.Sprintf("o%d", i))
		u.SetNamespace(fmt.Sprintf("ns-%d", i%16))
		u.SetUID(types.UID(fmt.Sprintf("7a3c%04x-5e1d-4f2b-9c8e-%012x", i, i*7919)))
		out[i] = u
	}
	return out
}()

// compareSelector parses expr with both parsers, reports every broken
// invariant, and returns how they treated it. The invariants: what both
// accept selects the same hashes of the same key, and matches the same
// objects; whatever the server accepts, kubedyn reads the server's
// normalised form of it to the same hashes (an echo is understood); and
// whatever kubedyn accepts, it writes (ShardSelector) in a form the server
// accepts with the same hashes and echoes back byte for byte.
func compareSelector(t *testing.T, expr string) selOutcome {
	t.Helper()
	cv, norm, cerr := celView(expr)
	kv, ksel, kerr := kubedynView(expr)
	if cerr == nil {
		echo, _, err := kubedynView(norm)
		if err != nil {
			t.Errorf("%q: kubedyn cannot read the server's normalised form %q: %v", expr, norm, err)
		} else if d := cmp.Diff(cv, echo); d != "" {
			t.Errorf("%q: the server's normalised form %q read by kubedyn (-server +kubedyn):\n%s", expr, norm, d)
		}
	}
	if kerr == nil {
		wire, err := ksel.ShardSelector()
		if err != nil {
			t.Errorf("%q: accepted, but kubedyn cannot write it: %v", expr, err)
		} else if wv, wnorm, err := celView(wire); err != nil {
			t.Errorf("%q: the server refuses kubedyn's form %q: %v", expr, wire, err)
		} else if d := cmp.Diff(kv, wv); d != "" || wnorm != wire {
			t.Errorf("%q: kubedyn's form %q, echoed as %q (-kubedyn +server):\n%s", expr, wire, wnorm, d)
		}
	}
	switch {
	case cerr != nil && kerr != nil:
		return bothRefuse
	case cerr != nil:
		return onlyKubedyn
	case kerr != nil:
		return onlyCEL
	}
	if d := cmp.Diff(cv, kv); d != "" {
		t.Errorf("%q: both accept, different ranges (-server +kubedyn):\n%s", expr, d)
	}
	compareMatches(t, expr, ksel)
	return bothAgree
}

// compareMatches checks that the server's matcher and kubedyn's select the
// same objects of selObjects.
func compareMatches(t *testing.T, expr string, ksel shard.Selector) {
	t.Helper()
	csel, err := celsharding.Parse(expr)
	if err != nil {
		return
	}
	for _, obj := range selObjects {
		want, err := csel.Matches(obj)
		if err != nil {
			t.Errorf("%q: server matcher on %s: %v", expr, obj.GetName(), err)
			continue
		}
		if got := ksel.Matches(obj); got != want {
			t.Errorf("%q: object %s (uid %s, namespace %s): kubedyn matches %v, server %v", expr, obj.GetName(), obj.GetUID(), obj.GetNamespace(), got, want)
		}
	}
}

// sr writes one shardRange call in the server's form.
func sr(key, start, end string) string {
	return fmt.Sprintf("shardRange(%s, '%s', '%s')", key, start, end)
}

const (
	uidKey = "object.metadata.uid"
	nsKey  = "object.metadata.namespace"
	zero   = "0x0000000000000000"
	half   = "0x8000000000000000"
	top    = "0x10000000000000000"
)

// selectorCases are the hand-written strings: the server's own forms,
// normalisation, what each parser refuses, and the known differences.
var selectorCases = []struct {
	name string
	expr string
	want selOutcome
}{
	{name: "lower half", expr: sr(uidKey, zero, half), want: bothAgree},
	{name: "upper half to 2^64", expr: sr(uidKey, half, top), want: bothAgree},
	{name: "whole space", expr: sr(uidKey, zero, top), want: bothAgree},
	{name: "namespace key", expr: sr(nsKey, "0x00000000000000aa", "0x00000000000000ff"), want: bothAgree},
	{name: "one hash", expr: sr(uidKey, "0x0000000000000005", "0x0000000000000006"), want: bothAgree},
	{name: "last hash", expr: sr(uidKey, "0xffffffffffffffff", top), want: bothAgree},
	{name: "two adjacent ranges merge", expr: sr(uidKey, zero, half) + " || " + sr(uidKey, half, top), want: bothAgree},
	{name: "unsorted", expr: sr(uidKey, half, top) + " || " + sr(uidKey, zero, "0x0000000000000010"), want: bothAgree},
	{name: "overlapping", expr: sr(uidKey, zero, half) + " || " + sr(uidKey, "0x4000000000000000", "0xc000000000000000"), want: bothAgree},
	{name: "duplicate", expr: sr(uidKey, zero, half) + "||" + sr(uidKey, zero, half), want: bothAgree},
	{name: "three ranges", expr: sr(uidKey, zero, "0x0000000000000005") + " || " + sr(uidKey, "0x000000000000000a", "0x000000000000000f") + " || " + sr(uidKey, "0xf000000000000000", top), want: bothAgree},
	{name: "no spaces", expr: "shardRange(object.metadata.uid,'" + zero + "','" + half + "')", want: bothAgree},
	{name: "tabs and newlines", expr: "\n\tshardRange( object.metadata.uid ,\t'" + zero + "' ,\n'" + half + "' )\n", want: bothAgree},
	{name: "double quotes", expr: `shardRange(object.metadata.uid, "` + zero + `", "` + half + `")`, want: bothAgree},

	{name: "empty", expr: "", want: bothRefuse},
	{name: "blank", expr: " \t\n", want: bothRefuse},
	{name: "start equals end", expr: sr(uidKey, half, half), want: bothRefuse},
	{name: "start after end", expr: sr(uidKey, half, zero), want: bothRefuse},
	{name: "start at 2^64", expr: sr(uidKey, top, top), want: bothRefuse},
	{name: "end past 2^64", expr: sr(uidKey, zero, "0x10000000000000001"), want: bothRefuse},
	{name: "18 digits", expr: sr(uidKey, zero, "0x100000000000000000"), want: bothRefuse},
	{name: "no 0x", expr: sr(uidKey, "0000000000000000", half), want: bothRefuse},
	{name: "0x alone", expr: sr(uidKey, "0x", half), want: bothRefuse},
	{name: "not hex", expr: sr(uidKey, "0x000000000000000g", half), want: bothRefuse},
	{name: "negative", expr: sr(uidKey, "-0x0000000000000001", half), want: bothRefuse},
	{name: "name field", expr: sr("object.metadata.name", zero, half), want: bothRefuse},
	{name: "uid without object", expr: sr("metadata.uid", zero, half), want: bothRefuse},
	{name: "mixed keys", expr: sr(uidKey, zero, half) + " || " + sr(nsKey, half, top), want: bothRefuse},
	{name: "and", expr: sr(uidKey, zero, half) + " && " + sr(uidKey, half, top), want: bothRefuse},
	{name: "single bar", expr: sr(uidKey, zero, half) + " | " + sr(uidKey, half, top), want: bothRefuse},
	{name: "not", expr: "!" + sr(uidKey, zero, half), want: bothRefuse},
	{name: "trailing or", expr: sr(uidKey, zero, half) + " ||", want: bothRefuse},
	{name: "leading or", expr: "|| " + sr(uidKey, zero, half), want: bothRefuse},
	{name: "two arguments", expr: "shardRange(object.metadata.uid, '" + zero + "')", want: bothRefuse},
	{name: "four arguments", expr: "shardRange(object.metadata.uid, '" + zero + "', '" + half + "', '" + top + "')", want: bothRefuse},
	{name: "int bounds", expr: "shardRange(object.metadata.uid, 0x0, 0x8000000000000000)", want: bothRefuse},
	{name: "unquoted bounds", expr: "shardRange(object.metadata.uid, " + zero + ", " + half + ")", want: bothRefuse},
	{name: "mismatched quotes", expr: "shardRange(object.metadata.uid, '" + zero + "\", '" + half + "')", want: bothRefuse},
	{name: "unterminated", expr: "shardRange(object.metadata.uid, '" + zero + "', '" + half, want: bothRefuse},
	{name: "capitalised function", expr: "ShardRange(object.metadata.uid, '" + zero + "', '" + half + "')", want: bothRefuse},
	{name: "other function", expr: "inRange(object.metadata.uid, '" + zero + "', '" + half + "')", want: bothRefuse},
	{name: "field as bound", expr: "shardRange(object.metadata.uid, object.metadata.name, '" + half + "')", want: bothRefuse},
	{name: "trailing garbage", expr: sr(uidKey, zero, half) + " x", want: bothRefuse},
	{name: "true", expr: "true", want: bothRefuse},

	{name: "short bounds", expr: sr(uidKey, "0x0", "0x8"), want: onlyKubedyn},
	{name: "upper-case digits", expr: sr(uidKey, zero, "0xFFFFFFFFFFFFFFFF"), want: onlyKubedyn},
	{name: "0X prefix", expr: sr(uidKey, "0X0000000000000000", half), want: onlyKubedyn},
	{name: "17 digits below 2^64", expr: sr(uidKey, "0x00000000000000000", half), want: onlyKubedyn},

	{name: "parenthesised", expr: "(" + sr(uidKey, zero, half) + ")", want: onlyCEL},
	{name: "grouped or", expr: sr(uidKey, zero, "0x1000000000000000") + " || (" + sr(uidKey, "0x2000000000000000", "0x3000000000000000") + " || " + sr(uidKey, half, top) + ")", want: onlyCEL},
	{name: "comment", expr: sr(uidKey, zero, half) + " // the lower half", want: onlyCEL},
	{name: "raw string", expr: "shardRange(object.metadata.uid, r'" + zero + "', '" + half + "')", want: onlyCEL},
	{name: "triple quotes", expr: "shardRange(object.metadata.uid, '''" + zero + "''', '" + half + "')", want: onlyCEL},
	{name: "escaped digit", expr: `shardRange(object.metadata.uid, '\x30x0000000000000000', '` + half + `')`, want: onlyCEL},
	{name: "spaces in the field path", expr: "shardRange(object . metadata . uid, '" + zero + "', '" + half + "')", want: onlyCEL},
}

// TestShardSelectorEqualToCEL holds kubedyn's shardSelector parser to the
// API server's CEL parser on the hand-written cases and on generated ones.
func TestShardSelectorEqualToCEL(t *testing.T) {
	for _, tc := range selectorCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := compareSelector(t, tc.expr); got != tc.want {
				cv, _, cerr := celView(tc.expr)
				kv, _, kerr := kubedynView(tc.expr)
				t.Errorf("%q: %s, want %s\nserver: %v %v\nkubedyn: %v %v", tc.expr, got, tc.want, cv, cerr, kv, kerr)
			}
		})
	}
	t.Run("generated", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 5866))
		counts := map[selOutcome]int{}
		for range 4000 {
			expr, strict := genSelector(rng)
			got := compareSelector(t, expr)
			counts[got]++
			if strict && got != bothAgree {
				t.Errorf("%q (the server's form): %s, want %s", expr, got, bothAgree)
			}
		}
		t.Logf("generated selectors: %v", counts)
		for _, o := range []selOutcome{bothAgree, bothRefuse, onlyKubedyn} {
			if counts[o] == 0 {
				t.Errorf("no generated selector had the outcome %q: the generator lost a class", o)
			}
		}
	})
}

// FuzzShardSelectorEqualToCEL checks compareSelector's invariants on any
// string.
func FuzzShardSelectorEqualToCEL(f *testing.F) {
	for _, tc := range selectorCases {
		f.Add(tc.expr)
	}
	f.Fuzz(func(t *testing.T, expr string) { compareSelector(t, expr) })
}

// genSelector writes a random selector of one to four ranges of one key,
// with bounds on and next to the hashes of selObjects, at the edges of the
// space, or anywhere; in various spellings, spacings and quotes; and
// sometimes with a byte deleted, inserted or changed, or swapped bounds.
// strict reports that it is in the server's own form with valid ranges,
// which both parsers must accept alike.
func genSelector(rng *rand.Rand) (string, bool) {
	key, k := uidKey, shard.KeyUID
	if rng.IntN(5) == 0 {
		key, k = nsKey, shard.KeyNamespace
	}
	strict := true
	parts := make([]string, 1+rng.IntN(4))
	for i := range parts {
		a, b := genHash(rng, k), genHash(rng, k)
		if a > b {
			a, b = b, a
		}
		start, end := genBound(rng, a, false, &strict), ""
		if a == b || rng.IntN(6) == 0 {
			end = genBound(rng, 0, true, &strict)
		} else {
			end = genBound(rng, b, false, &strict)
		}
		if rng.IntN(12) == 0 {
			start, end, strict = end, start, false
		}
		q := "'"
		if rng.IntN(10) == 0 {
			q, strict = `"`, false
		}
		parts[i] = "shardRange(" + genSpace(rng) + key + genSpace(rng) + "," + genSpace(rng) + q + start + q + "," +
			genSpace(rng) + q + end + q + genSpace(rng) + ")"
	}
	expr := genSpace(rng) + parts[0]
	for _, p := range parts[1:] {
		expr += genSpace(rng) + "||" + genSpace(rng) + p
	}
	expr += genSpace(rng)
	if rng.IntN(4) == 0 {
		expr, strict = mutate(rng, expr), false
	}
	return expr, strict
}

// genHash picks a hash: on or next to an object's, at an edge of the
// space, or anywhere.
func genHash(rng *rand.Rand, k shard.Key) uint64 {
	h := shard.HashOf(k, selObjects[rng.IntN(len(selObjects))])
	switch rng.IntN(8) {
	case 0:
		return 0
	case 1:
		return 1 << 63
	case 2:
		return math.MaxUint64 - uint64(rng.IntN(2))
	case 3:
		return rng.Uint64()
	case 4:
		return h + 1
	case 5:
		return h - 1
	}
	return h
}

// genBound writes v (or 2^64 when top) as a bound: mostly in the server's
// form, else in another spelling kubedyn reads (clearing *strict).
func genBound(rng *rand.Rand, v uint64, top bool, strict *bool) string {
	if top {
		if rng.IntN(10) == 0 {
			*strict = false
			return "0X10000000000000000"
		}
		return "0x10000000000000000"
	}
	if rng.IntN(6) > 0 {
		return fmt.Sprintf("0x%016x", v)
	}
	*strict = false
	return fmt.Sprintf([]string{"0x%x", "0x%016X", "0X%016x", "0x0%016x"}[rng.IntN(4)], v)
}

// genSpace is nothing, or spaces, tabs or a newline.
func genSpace(rng *rand.Rand) string {
	return []string{"", "", "", " ", "  ", "\t", "\n"}[rng.IntN(7)]
}

// mutate deletes, inserts or changes one byte of s, or cuts it short.
func mutate(rng *rand.Rand, s string) string {
	const alphabet = "()|&!,'\" x0fFg.-\\"
	i := rng.IntN(len(s))
	c := string(alphabet[rng.IntN(len(alphabet))])
	switch rng.IntN(4) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + c + s[i:]
	case 2:
		return s[:i] + c + s[i+1:]
	}
	return s[:i]
}
