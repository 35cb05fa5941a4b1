package unstructured

import (
	"errors"
	"fmt"
	"io"
	"strings"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// CBORDecoder reads CBOR objects, lists and cbor-seq watch events (what
// kube-apiserver sends for Accept: application/cbor when its
// CBORServingAndStorage feature gate is on) from a stream in one pass,
// building the same trees as [Decoder] builds from JSON. Object keys and
// short string values are interned for the decoder's lifetime. A
// CBORDecoder is not safe for concurrent use.
//
// It follows apimachinery's CBOR rules (k8s.io/apimachinery's
// runtime/serializer/cbor): integers are int64 (one beyond int64 is an
// error, where JSON would give a float64), floats of any width are float64,
// NaN, the infinities, undefined and other simple values are refused, text
// strings must be valid UTF-8 while byte strings (the server writes every
// string as one) become Go strings as they are, a map with a duplicate key
// is refused (JSON keeps the last), the self-described tag 55799 is
// skipped wherever it appears, and any other tag is decoded by
// apimachinery's own CBOR mode (times become RFC 3339 strings, bignums are
// refused). Lists are built as [Decode] builds them from JSON: items lacking
// both apiVersion and kind get the list's.
type CBORDecoder struct {
	s      cborReader
	intern *cborIntern
	kvs    []cborKV // member stack shared by nested maps
	vals   []any    // element stack shared by nested arrays
	tmp    []byte   // indefinite-length strings are joined here
}

// NewCBORDecoder returns a CBORDecoder reading from r. It buffers its reads.
func NewCBORDecoder(r io.Reader) *CBORDecoder {
	return &CBORDecoder{
		s:      newCBORReader(r),
		intern: &cborIntern{},
		kvs:    make([]cborKV, 0, 64),
		vals:   make([]any, 0, 64),
	}
}

// DecodeCBOR reads one CBOR object (a map, usually behind tag 55799) from r
// and returns what [Decode] returns for the same object in JSON: a
// *unstructured.UnstructuredList when it has an "items" member, else a
// *unstructured.Unstructured. Trailing data, a missing kind and the
// refusals listed on [CBORDecoder] are errors.
func DecodeCBOR(r io.Reader) (runtime.Unstructured, error) {
	return NewCBORDecoder(r).top()
}

// DecodeCBORObjectBytes is DecodeCBORObject for a document already in
// memory: it reads doc in place, without DecodeCBOR's read buffer, so one
// small body costs little beyond its tree. doc is neither modified nor
// retained.
func DecodeCBORObjectBytes(doc []byte) (*k8su.Unstructured, error) {
	d := &CBORDecoder{s: cborReader{inMemory(doc)}, intern: &cborIntern{}}
	return asObject(d.top())
}

// top reads the one top-level data item of d's input.
func (d *CBORDecoder) top() (runtime.Unstructured, error) {
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if !d.s.atEnd() {
		return nil, d.s.errorf(d.s.pos, "trailing data after the top-level data item")
	}
	if d.s.rerr != nil && !errors.Is(d.s.rerr, io.EOF) {
		return nil, fmt.Errorf("unstructured: reading CBOR: %w", d.s.rerr)
	}
	switch m := v.(type) {
	case map[string]any:
		return toObject(m)
	case nil:
		return nil, runtime.NewMissingKindErr("null")
	default:
		return nil, fmt.Errorf("unstructured: decoding CBOR: the top-level data item is a %s, not a map", jsonType(v))
	}
}

// DecodeCBORObject is DecodeCBOR for a body that must be a single object.
func DecodeCBORObject(r io.Reader) (*k8su.Unstructured, error) { return asObject(DecodeCBOR(r)) }

// DecodeCBORList is DecodeCBOR for a body that must be a list.
func DecodeCBORList(r io.Reader) (*k8su.UnstructuredList, error) { return asList(DecodeCBOR(r)) }

// mapHead reads the head of the next data item, skipping tag 55799, and
// checks that it is a map. what names the item for errors.
func (d *CBORDecoder) mapHead(what string) (info byte, n uint64, err error) {
	major, info, n, err := d.s.head()
	for err == nil && major == cborTag && n == cborSelfDescribed {
		major, info, n, err = d.s.head()
	}
	if err != nil {
		return 0, 0, err
	}
	if major != cborMap {
		return 0, 0, d.s.errorf(d.s.pos, "expected %s as a CBOR map, found major type %d", what, major)
	}
	return info, n, nil
}

// DecodeListFunc decodes one list from the stream, calling fn with each item
// as soon as it is decoded, and returns the list with its metadata and an
// empty Items, as [Decoder.DecodeListFunc] does for JSON (items before the
// list's apiVersion and kind are held back until the list is read). An
// error from fn stops decoding and is returned.
func (d *CBORDecoder) DecodeListFunc(fn func(item *k8su.Unstructured) error) (*k8su.UnstructuredList, error) {
	info, n, err := d.mapHead("a list")
	if err != nil {
		return nil, err
	}
	ls := cborList{d: d, fn: fn, meta: make(map[string]any, 4)}
	for i := 0; ; i++ {
		more, err := d.more(info == cborIndefinite, i, n)
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		if err := ls.member(); err != nil {
			return nil, err
		}
	}
	if !ls.sawItems {
		return nil, fmt.Errorf("unstructured: decoding a list: no \"items\" member")
	}
	list := &k8su.UnstructuredList{Object: ls.meta, Items: []k8su.Unstructured{}}
	if err := checkKind(list, ls.meta); err != nil {
		return nil, err
	}
	for _, it := range ls.held {
		ls.fix(it)
		if err := fn(it); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// cborList is the state of one DecodeListFunc call.
type cborList struct {
	d        *CBORDecoder
	fn       func(*k8su.Unstructured) error
	meta     map[string]any
	sawItems bool
	held     []*k8su.Unstructured // items seen before apiVersion and kind
}

func (ls *cborList) ready() bool {
	_, k := ls.meta["kind"]
	_, v := ls.meta["apiVersion"]
	return k && v
}

func (ls *cborList) fix(item *k8su.Unstructured) {
	l := k8su.UnstructuredList{Object: ls.meta}
	fixItem(item, l.GetAPIVersion(), strings.TrimSuffix(l.GetKind(), "List"))
}

// member reads one pair of the list map.
func (ls *cborList) member() error {
	d := ls.d
	k, err := d.key()
	if err != nil {
		return err
	}
	_, dup := ls.meta[k]
	if dup || (k == "items" && ls.sawItems) {
		return d.s.errorf(d.s.pos, "duplicate map key %q", k)
	}
	if k != "items" {
		v, err := d.value(1)
		if err != nil {
			return err
		}
		ls.meta[k] = v
		return nil
	}
	ls.sawItems = true
	return ls.items()
}

// items reads the "items" value: null or an array of maps (or nulls).
func (ls *cborList) items() error {
	d := ls.d
	major, info, n, err := d.s.head()
	if err != nil {
		return err
	}
	if major != cborArray {
		v, err := d.valueOf(major, info, n, 1)
		if err != nil {
			return err
		}
		_, err = listItems(v)
		return err
	}
	for i := 0; ; i++ {
		more, err := d.more(info == cborIndefinite, i, n)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		v, err := d.value(2)
		if err != nil {
			return err
		}
		objs, err := listItems([]any{v})
		if err != nil {
			return fmt.Errorf("unstructured: decoding a list: item %d: %w", i, err)
		}
		item := &k8su.Unstructured{Object: objs[0]}
		if !ls.ready() {
			ls.held = append(ls.held, item)
			continue
		}
		ls.fix(item)
		if err := ls.fn(item); err != nil {
			return err
		}
	}
}

// NextEventObject reads one watch event of a cbor-seq stream (what the
// server sends a watch that accepts application/cbor: one self-described
// map {"type": ..., "object": ...} after another) and returns its type and
// its decoded object, which must be a map with a kind. It returns io.EOF
// when the stream ends cleanly between events; other members are decoded
// and ignored.
func (d *CBORDecoder) NextEventObject() (eventType string, obj *k8su.Unstructured, err error) {
	if d.s.atEnd() {
		if d.s.rerr == nil || errors.Is(d.s.rerr, io.EOF) {
			return "", nil, io.EOF
		}
		return "", nil, fmt.Errorf("unstructured: reading watch event: %w", d.s.rerr)
	}
	info, n, err := d.mapHead("a watch event")
	if err != nil {
		return "", nil, err
	}
	var sawType bool
	seen := 0
	for i := 0; ; i++ {
		more, err := d.more(info == cborIndefinite, i, n)
		if err != nil {
			return "", nil, err
		}
		if !more {
			break
		}
		k, err := d.key()
		if err != nil {
			return "", nil, err
		}
		v, err := d.value(1)
		if err != nil {
			return "", nil, fmt.Errorf("unstructured: watch event %q: %w", k, err)
		}
		switch k {
		case "type":
			if sawType {
				return "", nil, d.s.errorf(d.s.pos, "duplicate map key \"type\"")
			}
			s, ok := v.(string)
			if !ok {
				return "", nil, fmt.Errorf("unstructured: watch event \"type\" is a %s, not a string", jsonType(v))
			}
			eventType, sawType = s, true
		case "object":
			if obj != nil {
				return "", nil, d.s.errorf(d.s.pos, "duplicate map key \"object\"")
			}
			if obj, err = eventObject(v); err != nil {
				return "", nil, err
			}
		}
		seen++
	}
	if !sawType || obj == nil {
		return "", nil, fmt.Errorf("unstructured: watch event without \"type\" or \"object\" (type %q)", eventType)
	}
	return eventType, obj, nil
}

// eventObject checks that a watch event's object is a map with a kind.
func eventObject(v any) (*k8su.Unstructured, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("unstructured: watch event object: a %s, not a map", jsonType(v))
	}
	obj := &k8su.Unstructured{Object: m}
	if err := checkKind(obj, m); err != nil {
		return nil, fmt.Errorf("unstructured: watch event object: %w", err)
	}
	return obj, nil
}
