package patch

import (
	"encoding/json"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/wI2L/jsondiff"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// CreateOptions tunes the Create functions. The zero value adds no
// preconditions.
type CreateOptions struct {
	// TestResourceVersion makes the patch fail unless the object still has
	// the original's metadata.resourceVersion: a JSON patch starts with a
	// test operation on /metadata/resourceVersion, and a merge or strategic
	// merge patch carries metadata.resourceVersion, which the server
	// checks (409 Conflict when the object has changed since).
	TestResourceVersion bool
	// TestUID does the same for metadata.uid, so a patch never lands on a
	// new object that reuses the name.
	TestUID bool
}

// preconditions returns the metadata fields to pin, with their values in
// original, in the order resourceVersion, uid.
func (o CreateOptions) preconditions(original []byte) ([][2]string, error) {
	var fields []string
	if o.TestResourceVersion {
		fields = append(fields, "resourceVersion")
	}
	if o.TestUID {
		fields = append(fields, "uid")
	}
	if fields == nil {
		return nil, nil
	}
	var obj struct {
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(original, &obj); err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	var out [][2]string
	for _, f := range fields {
		v, _ := obj.Metadata[f].(string)
		if v == "" {
			return nil, fmt.Errorf("cannot pin metadata.%s: the original object has none", f)
		}
		out = append(out, [2]string{f, v})
	}
	return out, nil
}

// CreateMergePatch returns the JSON merge patch (RFC 7386) that turns
// original into modified. A merge patch cannot set a field to null (null
// means delete), so a null in modified is treated as an absent field.
func CreateMergePatch(original, modified []byte, opts CreateOptions) (Patch, error) {
	pins, err := opts.preconditions(original)
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create merge patch: %w", err)
	}
	if err := checkJSON(original); err != nil {
		return Patch{}, fmt.Errorf("patch: create merge patch: original: %w", err)
	}
	if err := checkJSON(modified); err != nil {
		return Patch{}, fmt.Errorf("patch: create merge patch: modified: %w", err)
	}
	data, err := jsonpatch.CreateMergePatch(original, modified)
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create merge patch: %w", err)
	}
	if data, err = pinMetadata(data, pins); err != nil {
		return Patch{}, fmt.Errorf("patch: create merge patch: %w", err)
	}
	return Patch{Type: types.MergePatchType, Data: data}, nil
}

// CreateJSONPatch returns a JSON patch (RFC 6902) that turns original into
// modified with few operations: objects are compared field by field and
// lists by their longest common subsequence, so inserting one item into a
// list is one "add". With opts.TestResourceVersion or opts.TestUID the patch
// starts with "test" operations on those fields of original.
func CreateJSONPatch(original, modified []byte, opts CreateOptions) (Patch, error) {
	pins, err := opts.preconditions(original)
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create JSON patch: %w", err)
	}
	if err := checkJSON(original); err != nil {
		return Patch{}, fmt.Errorf("patch: create JSON patch: original: %w", err)
	}
	if err := checkJSON(modified); err != nil {
		return Patch{}, fmt.Errorf("patch: create JSON patch: modified: %w", err)
	}
	diff, err := jsondiff.CompareJSON(original, modified, jsondiff.LCS())
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create JSON patch: %w", err)
	}
	ops := make([]Operation, 0, len(pins)+len(diff))
	for _, p := range pins {
		ops = append(ops, Operation{Op: "test", Path: Pointer("metadata", p[0]), Value: p[1]})
	}
	for _, d := range diff {
		ops = append(ops, Operation{Op: d.Type, Path: d.Path, From: d.From, Value: d.Value})
	}
	return JSONPatch(ops...)
}

// CreateStrategicMergePatch returns the strategic merge patch that turns
// original into modified, for objects of type t. For kinds whose server
// accepts strategic merge (t.NativeStrategic()) it is the patch kubectl
// would compute; for custom resources it is a patch in the dialect that
// [Apply] reads for them (see the package documentation).
func CreateStrategicMergePatch(original, modified []byte, t *Type, opts CreateOptions) (Patch, error) {
	if t == nil {
		return Patch{}, fmt.Errorf("patch: create strategic merge patch: no schema (a *Type from Schema.Type) given")
	}
	pins, err := opts.preconditions(original)
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create strategic merge patch for %s: %w", t.Name(), err)
	}
	var data []byte
	if t.NativeStrategic() {
		data, err = safely("two-way strategic merge", func() ([]byte, error) {
			return strategicpatch.CreateTwoWayMergePatchUsingLookupPatchMeta(original, modified, t)
		})
	} else {
		data, err = customDiff(original, modified, t)
	}
	if err == nil {
		data, err = pinMetadata(data, pins)
	}
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create strategic merge patch for %s: %w", t.Name(), err)
	}
	return Patch{Type: types.StrategicMergePatchType, Data: data}, nil
}

// pinMetadata adds metadata fields to a merge or strategic merge patch.
func pinMetadata(data []byte, pins [][2]string) ([]byte, error) {
	if len(pins) == 0 {
		return data, nil
	}
	p, err := decodeObject("patch", data)
	if err != nil {
		return nil, err
	}
	md, _ := p["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		p["metadata"] = md
	}
	for _, pin := range pins {
		md[pin[0]] = pin[1]
	}
	return json.Marshal(p)
}
