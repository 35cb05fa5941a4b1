package patch

import (
	"fmt"
	"sort"
	"strings"
)

// This file applies strategic merge patches to custom resources, whose
// server does not accept them. The rules are in the package documentation
// ("Strategic merge for custom resources").

// customMerge merges patch into original (both decoded JSON objects) under
// type t. It does not modify its arguments.
func customMerge(original, patch map[string]any, t *Type) (map[string]any, error) {
	out, keep, err := mergeObject(original, patch, t, "")
	if err != nil {
		return nil, err
	}
	if !keep {
		return nil, fmt.Errorf("at the top level: $patch: delete would delete the whole object")
	}
	return out, nil
}

// mergeObject merges patch into original (nil when absent). keep is false
// when the patch says $patch: delete.
func mergeObject(original, patch map[string]any, t *Type, path string) (out map[string]any, keep bool, err error) {
	switch d := patch[directivePatch]; d {
	case nil, "merge":
	case "delete":
		return nil, false, nil
	case "replace":
		original = nil
	default:
		return nil, false, fmt.Errorf("at %s: $patch must be \"replace\", \"delete\" or \"merge\", got %s", orRoot(path), compact(d))
	}
	out = make(map[string]any, len(original)+len(patch))
	for k, v := range original {
		out[k] = v
	}
	if err := retainKeys(out, patch, path); err != nil {
		return nil, false, err
	}
	for _, k := range patchedFields(patch) {
		if err := mergeField(out, k, patch, t, path); err != nil {
			return nil, false, err
		}
	}
	for _, k := range sortedKeys(patch) {
		if err := checkOrphanDirective(k, patch, path); err != nil {
			return nil, false, err
		}
	}
	return out, true, nil
}

// mergeField merges patch[k] (with k's list directives) into out[k].
func mergeField(out map[string]any, k string, patch map[string]any, t *Type, path string) error {
	p := path + "/" + escapePointer(k)
	child, meta := t.field(k)
	pv := patch[k]
	dels, hasDels := patch[prefixDeleteFromPrimitiveList+k]
	order, hasOrder := patch[prefixSetElementOrder+k]
	if pv == nil && !hasDels && !hasOrder {
		delete(out, k) // null deletes, as in a merge patch
		return nil
	}
	var merged any
	var keep bool
	var err error
	switch pv := pv.(type) {
	case map[string]any:
		om, _ := out[k].(map[string]any)
		merged, keep, err = mergeObject(om, pv, child, p)
	case []any, nil:
		ol, isList := out[k].([]any)
		pl, _ := pv.([]any)
		plan := listPlan{t: child.items(), meta: meta, dels: dels, order: order, hasList: pv != nil, path: p}
		var l []any
		l, err = mergeList(ol, pl, plan)
		if err == nil && pv == nil && !isList {
			return nil // directives for a list that is absent on both sides
		}
		merged, keep = l, true
	default:
		merged, keep = pv, true
	}
	if err != nil {
		return err
	}
	if keep {
		out[k] = merged
	} else {
		delete(out, k)
	}
	return nil
}

// retainKeys applies $retainKeys: fields of out not named are cleared, and
// every field the patch sets must be named.
func retainKeys(out, patch map[string]any, path string) error {
	rk, ok := patch[directiveRetainKeys]
	if !ok {
		return nil
	}
	names, ok := rk.([]any)
	if !ok {
		return fmt.Errorf("at %s: $retainKeys must be a list of field names, got %s", orRoot(path), jsonKind(rk))
	}
	keep := map[string]bool{}
	for _, n := range names {
		s, ok := n.(string)
		if !ok {
			return fmt.Errorf("at %s: $retainKeys must hold strings, got %s", orRoot(path), compact(n))
		}
		keep[s] = true
	}
	for k, v := range patch {
		if !isDirective(k) && v != nil && !keep[k] {
			return fmt.Errorf("at %s: the patch sets %q, which $retainKeys does not list", orRoot(path), k)
		}
	}
	for k := range out {
		if !keep[k] {
			delete(out, k)
		}
	}
	return nil
}

// checkOrphanDirective rejects directives this implementation does not know.
func checkOrphanDirective(k string, patch map[string]any, path string) error {
	if !strings.HasPrefix(k, "$") || k == directivePatch || k == directiveRetainKeys {
		return nil
	}
	for _, prefix := range []string{prefixDeleteFromPrimitiveList, prefixSetElementOrder} {
		if f, ok := strings.CutPrefix(k, prefix); ok {
			if f == "" {
				return fmt.Errorf("at %s: directive %q names no field", orRoot(path), k)
			}
			if _, ok := patch[k].([]any); !ok {
				return fmt.Errorf("at %s: %s must be a list, got %s", orRoot(path), k, jsonKind(patch[k]))
			}
			return nil
		}
	}
	return fmt.Errorf("at %s: unknown strategic merge directive %q", orRoot(path), k)
}

// patchedFields returns, sorted, the fields patch sets and the fields its
// $setElementOrder and $deleteFromPrimitiveList directives name, which a
// patch may send without the list itself.
func patchedFields(patch map[string]any) []string {
	seen := map[string]bool{}
	var out []string
	for k := range patch {
		f := k
		for _, prefix := range []string{prefixSetElementOrder, prefixDeleteFromPrimitiveList} {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				f = rest
			}
		}
		if (f == k && isDirective(k)) || f == "" || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func isDirective(k string) bool {
	return k == directivePatch || k == directiveRetainKeys ||
		strings.HasPrefix(k, prefixSetElementOrder) || strings.HasPrefix(k, prefixDeleteFromPrimitiveList)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func orRoot(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}
