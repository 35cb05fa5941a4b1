package shard

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/sharding"
)

// Selector is a set of ranges of one key's hash space — what a member owns —
// both as the server's shardSelector (ShardSelector) and as a client-side
// matcher (Matches), which agree on every object. Make it with NewSelector
// or ParseSelector; the zero Selector matches nothing and has no wire form.
type Selector struct {
	key    Key
	ranges Ranges // canonical
}

// NewSelector returns the Selector of the hashes of k in rs. k must be
// KeyUID or KeyNamespace and every range valid; rs need not be canonical.
// An empty rs is allowed: the Selector matches nothing.
func NewSelector(k Key, rs Ranges) (Selector, error) {
	if err := k.Valid(); err != nil {
		return Selector{}, err
	}
	if err := rs.Valid(); err != nil {
		return Selector{}, err
	}
	return Selector{key: k, ranges: rs.Canonical()}, nil
}

// Key is the field s hashes.
func (s Selector) Key() Key { return s.key }

// Ranges returns a copy of s's ranges, canonical.
func (s Selector) Ranges() Ranges { return slices.Clone(s.ranges) }

// Empty reports whether s matches nothing.
func (s Selector) Empty() bool { return len(s.ranges) == 0 }

// MatchesHash reports whether hash h is in s.
func (s Selector) MatchesHash(h uint64) bool { return s.ranges.Contains(h) }

// Matches reports whether obj's key hashes into s: the client-side
// equivalent of the server's filter.
func (s Selector) Matches(obj metav1.Object) bool {
	return len(s.ranges) > 0 && s.ranges.Contains(HashOf(s.key, obj))
}

// Equal reports whether s and o select the same hashes of the same key.
func (s Selector) Equal(o Selector) bool {
	return s.key == o.key && s.ranges.Equal(o.ranges)
}

// ShardSelector is s as ListOptions.ShardSelector, in the server's own
// normalised form: one shardRange(key, 'start', 'end') per range, joined by
// " || ", bounds as "0x" and 16 lowercase hex digits (the end of the space
// as 0x10000000000000000). An empty s is an error: the empty shardSelector
// selects everything, the opposite of owning nothing.
func (s Selector) ShardSelector() (string, error) {
	if len(s.ranges) == 0 {
		return "", fmt.Errorf("shard: selector of %s owns no range; an empty shardSelector would select every object", s.key)
	}
	reqs := make([]sharding.ShardRangeRequirement, len(s.ranges))
	for i, r := range s.ranges {
		reqs[i] = sharding.ShardRangeRequirement{Key: string(s.key), Start: r.StartHex(), End: r.EndHex()}
	}
	return sharding.NewSelector(reqs...).String(), nil
}

// String is ShardSelector's form, or "none" for an empty s.
func (s Selector) String() string {
	w, err := s.ShardSelector()
	if err != nil {
		return "none"
	}
	return w
}

// EchoedBy reports whether echo — the metadata.shardInfo.selector of a list
// response — selects exactly what s does, after normalising both (bounds in
// any case and length, ranges in any order, split or merged). An empty or
// unreadable echo is false: the server did not filter by s.
func (s Selector) EchoedBy(echo string) bool {
	e, err := ParseSelector(echo)
	return err == nil && s.Equal(e)
}

// Echo returns the metadata.shardInfo.selector of a list response: the
// selector the server filtered by, in its own form, or "" when it did not
// filter (a server without the ShardedListAndWatch gate ignores the
// parameter and echoes nothing). A typed list's echo is
// ListMeta.ShardInfo.Selector.
func Echo(list *unstructured.UnstructuredList) string {
	s, _, _ := unstructured.NestedString(list.Object, "metadata", "shardInfo", "selector")
	return s
}

// ParseSelector reads a shardSelector: one or more
// shardRange(key, 'start', 'end') joined by "||", with any spacing, quotes
// ' or ", bounds "0x" hex of either case and 1 to 17 digits, every key the
// same (KeyUID or KeyNamespace). "" is an error, since it selects
// everything rather than a set of ranges. It is more lenient than the
// server's parser (k8s.io/apiserver/pkg/sharding.Parse, v0.37) about bounds,
// where the server wants exactly 16 lowercase digits (or
// 0x10000000000000000), and it is not a CEL parser: parentheses, comments,
// raw, triple-quoted or escaped strings and spaces inside the key, which
// the server's parser takes, are errors here. It reads every selector the
// server echoes (its normalised form), and ShardSelector writes only that
// form; test/bench's TestShardSelectorEqualToCEL holds the two parsers to
// this.
func ParseSelector(str string) (Selector, error) {
	p := &selParser{s: str}
	var key Key
	var rs Ranges
	for i := 0; ; i++ {
		k, r, err := p.shardRange()
		if err != nil {
			return Selector{}, fmt.Errorf("shard: selector %q: %w", str, err)
		}
		if i > 0 && k != key {
			return Selector{}, fmt.Errorf("shard: selector %q mixes keys %s and %s", str, key, k)
		}
		key = k
		rs = append(rs, r)
		p.space()
		if p.done() {
			break
		}
		if !p.take("||") {
			return Selector{}, fmt.Errorf("shard: selector %q: want || or the end at offset %d", str, p.i)
		}
	}
	return NewSelector(key, rs)
}

// selParser is a cursor over a selector string.
type selParser struct {
	s string
	i int
}

func (p *selParser) done() bool { return p.i >= len(p.s) }

func (p *selParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// take skips spaces and then tok, if it is next.
func (p *selParser) take(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

// shardRange reads shardRange(key, 'start', 'end').
func (p *selParser) shardRange() (Key, Range, error) {
	if !p.take("shardRange") || !p.take("(") {
		return "", Range{}, fmt.Errorf("want shardRange( at offset %d", p.i)
	}
	p.space()
	j := p.i
	for p.i < len(p.s) && (isAlnum(p.s[p.i]) || p.s[p.i] == '.' || p.s[p.i] == '_') {
		p.i++
	}
	key := Key(p.s[j:p.i])
	if err := key.Valid(); err != nil {
		return "", Range{}, err
	}
	if !p.take(",") {
		return "", Range{}, fmt.Errorf("want , after the key at offset %d", p.i)
	}
	start, err := p.quoted()
	if err != nil {
		return "", Range{}, err
	}
	if !p.take(",") {
		return "", Range{}, fmt.Errorf("want , after the start at offset %d", p.i)
	}
	end, err := p.quoted()
	if err != nil {
		return "", Range{}, err
	}
	if !p.take(")") {
		return "", Range{}, fmt.Errorf("want ) at offset %d", p.i)
	}
	r, err := halfOpen(start, end)
	return key, r, err
}

// quoted reads a string in ' or " quotes, without escapes.
func (p *selParser) quoted() (string, error) {
	p.space()
	if p.done() || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", fmt.Errorf("want a quoted bound at offset %d", p.i)
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", fmt.Errorf("unterminated quote at offset %d", p.i)
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
