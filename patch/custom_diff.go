package patch

import (
	"encoding/json"
	"fmt"
	"slices"
)

// customDiff computes a strategic merge patch in the custom-resource dialect
// (see the package documentation) that turns original into modified.
func customDiff(original, modified []byte, t *Type) ([]byte, error) {
	o, err := decodeObject("original", original)
	if err != nil {
		return nil, err
	}
	m, err := decodeObject("modified", modified)
	if err != nil {
		return nil, err
	}
	p, err := diffObject(o, m, t, "")
	if err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

// diffObject returns the patch that turns o into m; it is empty when they
// are equal.
func diffObject(o, m map[string]any, t *Type, path string) (map[string]any, error) {
	patch := map[string]any{}
	for k := range o {
		if _, ok := m[k]; !ok {
			patch[k] = nil
		}
	}
	for _, k := range sortedKeys(m) {
		mv := m[k]
		ov, ok := o[k]
		switch {
		case !ok && mv == nil:
		case !ok || mv == nil:
			patch[k] = mv
		default:
			if err := diffField(patch, k, ov, mv, t, path+"/"+escapePointer(k)); err != nil {
				return nil, err
			}
		}
	}
	return patch, nil
}

// diffField adds to patch what turns field k from ov into mv.
func diffField(patch map[string]any, k string, ov, mv any, t *Type, path string) error {
	child, meta := t.field(k)
	switch mv := mv.(type) {
	case map[string]any:
		if om, ok := ov.(map[string]any); ok {
			sub, err := diffObject(om, mv, child, path)
			if err != nil {
				return err
			}
			if len(sub) > 0 {
				patch[k] = sub
			}
			return nil
		}
	case []any:
		if ol, ok := ov.([]any); ok {
			return diffList(patch, k, ol, mv, listPlan{t: child.items(), meta: meta, path: path})
		}
	}
	if canonical(ov) != canonical(mv) {
		patch[k] = mv
	}
	return nil
}

// diffList adds to patch the list field k and its directives.
func diffList(patch map[string]any, k string, o, m []any, plan listPlan) error {
	kind, keys := plan.meta.listKind()
	switch kind {
	case listSet:
		return diffSet(patch, k, o, m, plan.path)
	case listMap:
		return diffMapList(patch, k, o, m, keys, plan)
	}
	if canonical(o) != canonical(m) {
		patch[k] = m
	}
	return nil
}

func diffSet(patch map[string]any, k string, o, m []any, path string) error {
	inM := map[string]bool{}
	for _, v := range m {
		c := canonical(v)
		if inM[c] {
			return fmt.Errorf("at %s: value %s appears twice in a set list", path, compact(v))
		}
		inM[c] = true
	}
	inO := map[string]bool{}
	var dels, kept []any
	for _, v := range o {
		c := canonical(v)
		if !inM[c] {
			dels = append(dels, v)
		} else if !inO[c] {
			kept = append(kept, v)
		}
		inO[c] = true
	}
	var adds []any
	for _, v := range m {
		if !inO[canonical(v)] {
			adds = append(adds, v)
		}
	}
	if dels != nil {
		patch[prefixDeleteFromPrimitiveList+k] = dels
	}
	if adds != nil {
		patch[k] = adds
	}
	if canonical(append(kept, adds...)) != canonical(m) {
		patch[prefixSetElementOrder+k] = m
	}
	return nil
}

func diffMapList(patch map[string]any, k string, o, m []any, keys []string, plan listPlan) error {
	mIDs := make([]string, len(m))
	seen := map[string]bool{}
	for i, v := range m {
		id, err := itemID(v, keys)
		if err != nil {
			return fmt.Errorf("at %s/%d: %w", plan.path, i, err)
		}
		if seen[id] {
			return fmt.Errorf("at %s/%d: two items have the same keys (%s)", plan.path, i, describeList(listMap, keys))
		}
		seen[id] = true
		mIDs[i] = id
	}
	oByID := map[string]map[string]any{}
	var items, kept []any
	var keptIDs []string
	for _, v := range o {
		id, err := itemID(v, keys)
		if err != nil || oByID[id] != nil {
			// The original is not a valid map list: replace it whole.
			patch[k] = append([]any{map[string]any{directivePatch: "replace"}}, m...)
			return nil
		}
		oByID[id] = v.(map[string]any)
		if !seen[id] {
			items = append(items, keyFields(v, keys, directivePatch, "delete"))
		} else {
			kept, keptIDs = append(kept, v), append(keptIDs, id)
		}
	}
	var added []string
	for i, v := range m {
		ov, ok := oByID[mIDs[i]]
		if !ok {
			items = append(items, v)
			added = append(added, mIDs[i])
			continue
		}
		sub, err := diffObject(ov, v.(map[string]any), plan.t, fmt.Sprintf("%s/%d", plan.path, i))
		if err != nil {
			return err
		}
		if len(sub) > 0 {
			for _, key := range keys {
				sub[key] = v.(map[string]any)[key]
			}
			items = append(items, sub)
		}
	}
	if items != nil {
		patch[k] = items
	}
	if !slices.Equal(append(keptIDs, added...), mIDs) {
		order := make([]any, len(m))
		for i, v := range m {
			order[i] = keyFields(v, keys)
		}
		patch[prefixSetElementOrder+k] = order
	}
	return nil
}

// keyFields returns the map keys of item, plus extra key/value pairs.
func keyFields(item any, keys []string, extra ...string) map[string]any {
	src := item.(map[string]any)
	out := make(map[string]any, len(keys)+len(extra)/2)
	for _, k := range keys {
		out[k] = src[k]
	}
	for i := 0; i+1 < len(extra); i += 2 {
		out[extra[i]] = extra[i+1]
	}
	return out
}
