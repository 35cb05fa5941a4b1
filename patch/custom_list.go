package patch

import (
	"fmt"
	"slices"
	"strings"
)

// listPlan is what mergeList needs to merge one list field.
type listPlan struct {
	t       *Type     // type of the items
	meta    fieldMeta // metadata of the list field
	dels    any       // $deleteFromPrimitiveList/<field>, or nil
	order   any       // $setElementOrder/<field>, or nil
	hasList bool      // the patch sets the list itself, not only directives
	path    string
}

// Kinds of lists, from x-kubernetes-list-type.
const (
	listAtomic = "atomic"
	listSet    = "set"
	listMap    = "map"
)

// listKind returns how the list merges, and its map keys for map lists. A
// list without x-kubernetes-list-type falls back to the built-in metadata
// (patch strategy merge with or without a merge key), then to atomic.
func (m fieldMeta) listKind() (string, []string) {
	switch m.listType {
	case listMap:
		return listMap, m.mapKeys
	case listSet, listAtomic:
		return m.listType, nil
	}
	if slices.Contains(m.strategies, "merge") {
		if m.mergeKey != "" {
			return listMap, []string{m.mergeKey}
		}
		return listSet, nil
	}
	return listAtomic, nil
}

// mergeList merges patch into original under plan. It does not modify its
// arguments.
func mergeList(original, patch []any, plan listPlan) ([]any, error) {
	kind, keys := plan.meta.listKind()
	if plan.dels != nil && kind != listSet {
		return nil, fmt.Errorf("at %s: $deleteFromPrimitiveList applies to set lists, but this is %s", plan.path, describeList(kind, keys))
	}
	var out []any
	var err error
	switch kind {
	case listMap:
		out, err = mergeMapList(original, patch, keys, plan)
	case listSet:
		out, err = mergeSetList(original, patch, plan)
	default:
		if plan.order != nil {
			return nil, fmt.Errorf("at %s: $setElementOrder applies to map and set lists, but this is %s", plan.path, describeList(kind, keys))
		}
		return mergeAtomicList(original, patch, plan)
	}
	if err != nil || plan.order == nil {
		return out, err
	}
	return applyOrder(out, plan.order, keys, plan.path)
}

func describeList(kind string, keys []string) string {
	switch kind {
	case listMap:
		return "a map list keyed by " + strings.Join(keys, " and ")
	case listSet:
		return "a set list"
	}
	return "an atomic list (x-kubernetes-list-type atomic or unset), which a patch replaces whole"
}

func mergeAtomicList(original, patch []any, plan listPlan) ([]any, error) {
	if !plan.hasList {
		return original, nil
	}
	for i, item := range patch {
		if m, ok := item.(map[string]any); ok {
			if _, ok := m[directivePatch]; ok {
				return nil, fmt.Errorf("at %s/%d: $patch in a list with no merge key: this is %s", plan.path, i, describeList(listAtomic, nil))
			}
		}
	}
	return patch, nil
}

func mergeSetList(original, patch []any, plan listPlan) ([]any, error) {
	var drop []any
	if plan.dels != nil {
		l, ok := plan.dels.([]any)
		if !ok {
			return nil, fmt.Errorf("at %s: $deleteFromPrimitiveList must be a list, got %s", plan.path, jsonKind(plan.dels))
		}
		drop = l
	}
	seen := map[string]bool{}
	for _, d := range drop {
		seen[canonical(d)] = true
	}
	out := make([]any, 0, len(original)+len(patch))
	deleted := seen
	seen = map[string]bool{}
	for _, v := range original {
		if c := canonical(v); !deleted[c] && !seen[c] {
			seen[c] = true
			out = append(out, v)
		}
	}
	for i, v := range patch {
		if m, ok := v.(map[string]any); ok {
			if _, ok := m[directivePatch]; ok {
				return nil, fmt.Errorf("at %s/%d: $patch in a set list: a set has no keys to name an item by; use $deleteFromPrimitiveList", plan.path, i)
			}
		}
		if c := canonical(v); !seen[c] {
			seen[c] = true
			out = append(out, v)
		}
	}
	return out, nil
}

func mergeMapList(original, patch []any, keys []string, plan listPlan) ([]any, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("at %s: a map list with no x-kubernetes-list-map-keys", plan.path)
	}
	out := append(make([]any, 0, len(original)+len(patch)), original...) // never nil: [] is not null
	for _, item := range patch {
		if m, ok := item.(map[string]any); ok && len(m) == 1 && m[directivePatch] == "replace" {
			out = out[:0] // {"$patch": "replace"} replaces the whole list
		}
	}
	for i, item := range patch {
		p := fmt.Sprintf("%s/%d", plan.path, i)
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("at %s: want an object in %s, got %s", p, describeList(listMap, keys), jsonKind(item))
		}
		if len(m) == 1 && m[directivePatch] == "replace" {
			continue
		}
		id, err := itemID(m, keys)
		if err != nil {
			return nil, fmt.Errorf("at %s: %w", p, err)
		}
		if m[directivePatch] == "delete" {
			out = slices.DeleteFunc(out, func(o any) bool { oid, err := itemID(o, keys); return err == nil && oid == id })
			continue
		}
		at := slices.IndexFunc(out, func(o any) bool { oid, err := itemID(o, keys); return err == nil && oid == id })
		var orig map[string]any
		if at >= 0 {
			orig, _ = out[at].(map[string]any)
		}
		merged, keep, err := mergeObject(orig, m, plan.t, p)
		switch {
		case err != nil:
			return nil, err
		case !keep && at >= 0:
			out = slices.Delete(out, at, at+1)
		case keep && at >= 0:
			out[at] = merged
		case keep:
			out = append(out, merged)
		}
	}
	return out, nil
}

// itemID identifies a map-list item by all its keys. A patch item names its
// target by every key, so a missing key is an error.
func itemID(item any, keys []string) (string, error) {
	m, ok := item.(map[string]any)
	if !ok {
		return "", fmt.Errorf("want an object keyed by %s, got %s", strings.Join(keys, " and "), jsonKind(item))
	}
	var b strings.Builder
	var missing []string
	for _, k := range keys {
		v, ok := m[k]
		if !ok || v == nil {
			missing = append(missing, k)
			continue
		}
		b.WriteString(canonical(v))
		b.WriteByte(0)
	}
	if missing != nil {
		return "", fmt.Errorf("item lacks map key %s: an item of a map list is named by all of its keys (%s)",
			strings.Join(missing, " and "), strings.Join(keys, ", "))
	}
	return b.String(), nil
}

// applyOrder applies $setElementOrder: the items it names are put in its
// order, in the positions those items hold; other items stay where they are.
// keys is nil for set lists, whose items are named by value.
func applyOrder(list []any, order any, keys []string, path string) ([]any, error) {
	ol, ok := order.([]any)
	if !ok {
		return nil, fmt.Errorf("at %s: $setElementOrder must be a list, got %s", path, jsonKind(order))
	}
	id := func(v any) (string, error) {
		if keys == nil {
			return canonical(v), nil
		}
		return itemID(v, keys)
	}
	rank := map[string]int{}
	for i, v := range ol {
		k, err := id(v)
		if err != nil {
			return nil, fmt.Errorf("at %s: $setElementOrder item %d: %w", path, i, err)
		}
		if _, dup := rank[k]; !dup {
			rank[k] = i
		}
	}
	var slots []int
	var named []any
	for i, v := range list {
		if k, err := id(v); err == nil {
			if _, ok := rank[k]; ok {
				slots = append(slots, i)
				named = append(named, v)
			}
		}
	}
	slices.SortStableFunc(named, func(a, b any) int {
		ka, _ := id(a)
		kb, _ := id(b)
		return rank[ka] - rank[kb]
	})
	out := slices.Clone(list)
	for i, s := range slots {
		out[s] = named[i]
	}
	return out, nil
}
