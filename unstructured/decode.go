package unstructured

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Decoder reads JSON objects, lists and watch events from a stream in one
// pass, building apimachinery's unstructured trees directly from the bytes.
// Object keys and short string values are interned for the Decoder's
// lifetime, so decoding many similar objects (a list, a watch) shares them.
// A Decoder is not safe for concurrent use.
type Decoder struct {
	s    scanner
	kvs  []kv  // member stack shared by nested objects
	vals []any // element stack shared by nested arrays
	dups int   // duplicate members decoded (the last one wins)
}

// NewDecoder returns a Decoder reading from r. It buffers its reads.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{s: newScanner(r), kvs: make([]kv, 0, 64), vals: make([]any, 0, 64)}
}

// Decode reads one JSON object from r and returns what
// unstructured.UnstructuredJSONScheme's Decode returns for the same bytes:
// a *unstructured.UnstructuredList when the object has an "items" member
// (even "items": null), else a *unstructured.Unstructured. Like apimachinery
// it fails on malformed JSON, on trailing data, on numbers beyond float64,
// on list items that are not objects, and when the kind is missing.
func Decode(r io.Reader) (runtime.Unstructured, error) {
	d := NewDecoder(r)
	m, err := d.topObject()
	if err != nil {
		return nil, err
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return toObject(m)
}

// DecodeObject is Decode for a body that must be a single object (not a list).
func DecodeObject(r io.Reader) (*k8su.Unstructured, error) { return asObject(Decode(r)) }

// DecodeList is Decode for a body that must be a list (an object with "items").
func DecodeList(r io.Reader) (*k8su.UnstructuredList, error) { return asList(Decode(r)) }

// DecodeObjectBytes is DecodeObject for a document already in memory: it
// scans doc in place, without DecodeObject's read buffer or intern tables,
// so one small body costs little beyond its tree. doc is neither modified
// nor retained. duplicates says whether an object in doc repeats a member
// (decoded as DecodeObject does: the last one wins), which strict decoders
// refuse or warn about.
func DecodeObjectBytes(doc []byte) (obj *k8su.Unstructured, duplicates bool, err error) {
	d := Decoder{s: scanner{window: inMemory(doc)}}
	m, err := d.topObject()
	if err != nil {
		return nil, false, err
	}
	if err := d.end(); err != nil {
		return nil, false, err
	}
	obj, err = asObject(toObject(m))
	return obj, err == nil && d.dups > 0, err
}

// asObject returns what a decoder returned when it is a single object, and
// an error when it is a list (DecodeObject, DecodeCBORObject).
func asObject(obj runtime.Unstructured, err error) (*k8su.Unstructured, error) {
	if err != nil {
		return nil, err
	}
	u, ok := obj.(*k8su.Unstructured)
	if !ok {
		return nil, fmt.Errorf("unstructured: decoding an object: got a list (kind %q)", obj.GetObjectKind().GroupVersionKind().Kind)
	}
	return u, nil
}

// asList returns what a decoder returned when it is a list, and an error
// when it is a single object (DecodeList, DecodeCBORList).
func asList(obj runtime.Unstructured, err error) (*k8su.UnstructuredList, error) {
	if err != nil {
		return nil, err
	}
	l, ok := obj.(*k8su.UnstructuredList)
	if !ok {
		return nil, fmt.Errorf("unstructured: decoding a list: got an object of kind %q without \"items\"", obj.GetObjectKind().GroupVersionKind().Kind)
	}
	return l, nil
}

// topObject decodes the top-level value, which must be a JSON object.
func (d *Decoder) topObject() (map[string]any, error) {
	c, ok := d.s.skipSpace()
	if !ok {
		return nil, d.s.readErr("object")
	}
	if c != '{' {
		if c == 'n' { // null decodes to an object without a kind
			if err := d.s.literal("null"); err != nil {
				return nil, err
			}
			return nil, runtime.NewMissingKindErr("null")
		}
		return nil, d.s.errorf(d.s.pos, "expected a JSON object, found %q", c)
	}
	return d.object(1)
}

// end checks that only whitespace follows the value.
func (d *Decoder) end() error {
	c, ok := d.s.skipSpace()
	if ok {
		return d.s.errorf(d.s.pos, "invalid character %q after top-level value", c)
	}
	if d.s.rerr != nil && !errors.Is(d.s.rerr, io.EOF) {
		return fmt.Errorf("unstructured: reading JSON: %w", d.s.rerr)
	}
	return nil
}

// toObject turns a decoded top-level map into the object apimachinery would
// build: a list when "items" is present, with items given the list's
// apiVersion and kind (minus "List") when they lack both.
func toObject(m map[string]any) (runtime.Unstructured, error) {
	rawItems, isList := m["items"]
	if !isList {
		u := &k8su.Unstructured{Object: m}
		return u, checkKind(u, m)
	}
	list := &k8su.UnstructuredList{Object: m}
	items, err := listItems(rawItems)
	if err != nil {
		return nil, err
	}
	delete(m, "items")
	list.Items = make([]k8su.Unstructured, 0, len(items))
	apiVersion, itemKind := list.GetAPIVersion(), strings.TrimSuffix(list.GetKind(), "List")
	for _, it := range items {
		item := k8su.Unstructured{Object: it}
		fixItem(&item, apiVersion, itemKind)
		list.Items = append(list.Items, item)
	}
	return list, checkKind(list, m)
}

// listItems checks that "items" is null or an array of objects or nulls.
func listItems(v any) ([]map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("unstructured: decoding a list: \"items\" is a %s, not an array", jsonType(v))
	}
	items := make([]map[string]any, len(arr))
	for i, e := range arr {
		if e == nil {
			continue // null decodes to a nil map, as in apimachinery
		}
		obj, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("unstructured: decoding a list: item %d is a %s, not an object", i, jsonType(e))
		}
		items[i] = obj
	}
	return items, nil
}

// fixItem gives an item the list's apiVersion and kind when it has neither.
func fixItem(item *k8su.Unstructured, apiVersion, kind string) {
	if item.GetKind() == "" && item.GetAPIVersion() == "" {
		item.SetKind(kind)
		item.SetAPIVersion(apiVersion)
	}
}

// checkKind fails like UnstructuredJSONScheme when the object has no kind
// (or an apiVersion that does not parse, which hides the kind).
func checkKind(obj runtime.Object, m map[string]any) error {
	if obj.GetObjectKind().GroupVersionKind().Kind != "" {
		return nil
	}
	return runtime.NewMissingKindErr(summary(m))
}

// summary renders a short description of an object for error messages.
func summary(m map[string]any) string {
	var b bytes.Buffer
	if err := Encode(&b, &k8su.Unstructured{Object: m}); err != nil || b.Len() > 200 {
		return fmt.Sprintf("object with %d top-level fields", len(m))
	}
	return strings.TrimSpace(b.String())
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}
