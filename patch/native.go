package patch

import (
	"fmt"
	"slices"
	"strings"
)

// This file guards the calls into apimachinery's strategicpatch, which
// assumes well-formed patches: a directive aimed at a list without a merge
// strategy can make it panic or leave the directive in the result.

// checkNative checks the directives of a strategic merge patch for a kind
// whose server accepts them, against the kind's schema: $patch inside a
// list item, $setElementOrder and $deleteFromPrimitiveList all need a list
// with x-kubernetes-patch-strategy merge.
func checkNative(patch map[string]any, t *Type, path string) error {
	for _, k := range sortedKeys(patch) {
		v := patch[k]
		p := path + "/" + escapePointer(k)
		for _, prefix := range []string{prefixSetElementOrder, prefixDeleteFromPrimitiveList} {
			if f, ok := strings.CutPrefix(k, prefix); ok {
				if _, meta := t.field(f); !slices.Contains(meta.strategies, "merge") {
					return fmt.Errorf("at %s: %s aims at %s, a list with no merge strategy (no x-kubernetes-patch-strategy merge in %s)", orRoot(path), strings.TrimSuffix(prefix, "/"), f, t.Name())
				}
			}
		}
		if isDirective(k) {
			continue
		}
		child, meta := t.field(k)
		switch v := v.(type) {
		case map[string]any:
			if err := checkNative(v, child, p); err != nil {
				return err
			}
		case []any:
			merge := slices.Contains(meta.strategies, "merge")
			for i, item := range v {
				m, ok := item.(map[string]any)
				if !ok {
					continue
				}
				ip := fmt.Sprintf("%s/%d", p, i)
				if !merge {
					for dk := range m {
						if isDirective(dk) {
							return fmt.Errorf("at %s: strategic directive %q in an item of %s, a list with no merge key: a patch replaces this list whole", ip, dk, k)
						}
					}
					continue
				}
				if err := checkNative(m, child.items(), ip); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// safely runs f, turning a panic into an error, so that a malformed input
// that trips apimachinery fails one call instead of the program.
func safely(what string, f func() ([]byte, error)) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%s failed on malformed input: %v", what, r)
		}
	}()
	return f()
}
