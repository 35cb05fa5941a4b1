package patch

import (
	"encoding/json"
	"errors"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// Apply applies p to the JSON document doc in memory and returns the result,
// as the server would store it before defaulting, validation and admission:
// for previews, dry runs, and custom resources (which the server cannot
// patch strategically).
//
//   - A JSON patch applies its operations in order (RFC 6902); the first one
//     that fails (a path that does not exist, a failed test) fails the
//     whole patch, and the error names it.
//   - A JSON merge patch merges as RFC 7386 says.
//   - A strategic merge patch needs t, the type of doc. For kinds whose
//     server accepts strategic merge (t.NativeStrategic()), Apply runs the
//     same code as the server (apimachinery's strategicpatch). For custom
//     resources it follows the rules in the package documentation.
//   - A server-side apply patch cannot be applied locally: the result
//     depends on field ownership that only the server knows.
//
// t is ignored for JSON and merge patches and may be nil.
func Apply(doc []byte, p Patch, t *Type) ([]byte, error) {
	var out []byte
	var err error
	switch p.Type {
	case types.JSONPatchType:
		out, err = applyJSONPatch(doc, p.Data)
	case types.MergePatchType:
		out, err = applyMergePatch(doc, p.Data)
	case types.StrategicMergePatchType:
		out, err = applyStrategic(doc, p.Data, t)
	case types.ApplyPatchType:
		err = errors.New("server-side apply needs the server's field ownership; send the patch to the server (with dryRun=All for a preview)")
	default:
		err = fmt.Errorf("unknown patch type %q", p.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("patch: apply %s: %w", p.Type, err)
	}
	return out, nil
}

func applyJSONPatch(doc, data []byte) ([]byte, error) {
	ops, err := decodeOperations(data)
	if err != nil {
		return nil, err
	}
	if err := checkJSON(doc); err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	decoded, err := jsonpatch.DecodePatch(data)
	if err != nil {
		return nil, err
	}
	out, err := decoded.Apply(doc)
	if err == nil {
		return out, nil
	}
	// Find which operation failed, to say so.
	cur := doc
	for i, op := range ops {
		one, _ := json.Marshal([]Operation{op})
		d, _ := jsonpatch.DecodePatch(one)
		next, oerr := d.Apply(cur)
		if oerr != nil {
			return nil, fmt.Errorf("operation %d (%s %s): %w", i, op.Op, op.Path, oerr)
		}
		cur = next
	}
	return nil, err
}

func applyMergePatch(doc, data []byte) ([]byte, error) {
	if _, err := decodeJSON(data); err != nil {
		return nil, fmt.Errorf("patch: %w", err)
	}
	if err := checkJSON(doc); err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	return jsonpatch.MergePatch(doc, data)
}

func applyStrategic(doc, data []byte, t *Type) ([]byte, error) {
	if t == nil {
		return nil, errors.New("a strategic merge patch needs the object's schema (a *Type from Schema.Type)")
	}
	original, err := decodeObject("document", doc)
	if err != nil {
		return nil, err
	}
	patch, err := decodeObject("patch", data)
	if err != nil {
		return nil, err
	}
	if t.NativeStrategic() {
		if err := checkNative(patch, t, ""); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name(), err)
		}
		out, err := safely("strategic merge", func() ([]byte, error) {
			return strategicpatch.StrategicMergePatchUsingLookupPatchMeta(doc, data, t)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name(), err)
		}
		return out, nil
	}
	if err := checkDirectives(patch, ""); err != nil {
		return nil, err
	}
	merged, err := customMerge(original, patch, t)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Name(), err)
	}
	return json.Marshal(merged)
}
