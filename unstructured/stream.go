package unstructured

import (
	"errors"
	"fmt"
	"io"
	"strings"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// DecodeListFunc decodes one list from the stream, calling fn with each item
// as soon as it is decoded, and returns the list with its metadata and an
// empty Items. Items get the list's apiVersion and kind (minus "List") when
// they lack both, as in Decode; when "items" comes before the list's
// apiVersion and kind in the document, the items are held back and passed to
// fn after the list is read. An error from fn stops decoding and is returned.
// A body with "items" more than once is rejected, because earlier items
// would already have been passed to fn. Trailing data after the list is
// left unread.
func (d *Decoder) DecodeListFunc(fn func(item *k8su.Unstructured) error) (*k8su.UnstructuredList, error) {
	c, ok := d.s.skipSpace()
	if !ok {
		return nil, d.s.readErr("list")
	}
	if c != '{' {
		return nil, d.s.errorf(d.s.pos, "expected a JSON list object, found %q", c)
	}
	d.s.pos++
	ls := listStream{d: d, fn: fn, meta: make(map[string]any, 4)}
	if err := ls.members(); err != nil {
		return nil, err
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

// listStream is the state of one DecodeListFunc call.
type listStream struct {
	d        *Decoder
	fn       func(*k8su.Unstructured) error
	meta     map[string]any
	sawItems bool
	held     []*k8su.Unstructured // items seen before apiVersion and kind
}

func (ls *listStream) ready() bool {
	_, k := ls.meta["kind"]
	_, v := ls.meta["apiVersion"]
	return k && v
}

func (ls *listStream) fix(item *k8su.Unstructured) {
	l := k8su.UnstructuredList{Object: ls.meta}
	fixItem(item, l.GetAPIVersion(), strings.TrimSuffix(l.GetKind(), "List"))
}

// members reads the list object's members after its '{'.
func (ls *listStream) members() error {
	d := ls.d
	c, ok := d.s.skipSpace()
	if !ok {
		return d.s.readErr("object")
	}
	if c == '}' {
		d.s.pos++
		return nil
	}
	for {
		if c != '"' {
			return d.s.errorf(d.s.pos, "invalid character %q looking for beginning of object key string", c)
		}
		k, err := d.s.key()
		if err != nil {
			return err
		}
		if err := d.s.colon(); err != nil {
			return err
		}
		if k == "items" {
			if ls.sawItems {
				return errors.New("unstructured: decoding a list: \"items\" appears more than once")
			}
			ls.sawItems = true
			if err := ls.items(); err != nil {
				return err
			}
		} else {
			v, err := d.value(1)
			if err != nil {
				return err
			}
			ls.meta[k] = v
		}
		more, err := d.s.next('}', "object")
		if err != nil || !more {
			return err
		}
		if c, ok = d.s.skipSpace(); !ok {
			return d.s.readErr("object")
		}
	}
}

// items reads the "items" value: null or an array of objects (or nulls).
func (ls *listStream) items() error {
	d := ls.d
	c, ok := d.s.skipSpace()
	if !ok {
		return d.s.readErr("items")
	}
	if c != '[' {
		v, err := d.value(1)
		if err != nil {
			return err
		}
		_, err = listItems(v)
		return err
	}
	d.s.pos++
	if c, ok = d.s.skipSpace(); !ok {
		return d.s.readErr("items")
	} else if c == ']' {
		d.s.pos++
		return nil
	}
	for i := 0; ; i++ {
		v, err := d.value(2)
		if err != nil {
			return err
		}
		objs, err := listItems([]any{v})
		if err != nil {
			return fmt.Errorf("unstructured: decoding a list: item %d: %w", i, err)
		}
		item := &k8su.Unstructured{Object: objs[0]}
		if ls.ready() {
			ls.fix(item)
			if err := ls.fn(item); err != nil {
				return err
			}
		} else {
			ls.held = append(ls.held, item)
		}
		more, err := d.s.next(']', "array")
		if err != nil || !more {
			return err
		}
	}
}

// NextEvent reads one watch event, {"type": ..., "object": ...}, and
// returns its type and the raw JSON of its object (validated, not decoded).
// It returns io.EOF when the stream ends cleanly between events.
func (d *Decoder) NextEvent() (eventType string, object []byte, err error) {
	eventType, err = d.event(func(string) error {
		d.s.mark = -1
		if _, ok := d.s.skipSpace(); !ok {
			return d.s.readErr("event object")
		}
		d.s.mark = d.s.pos
		if err := d.s.skip(1, true); err != nil {
			return err
		}
		object = append([]byte(nil), d.s.buf[d.s.mark:d.s.pos]...)
		d.s.mark = -1
		return nil
	})
	return eventType, object, err
}

// NextEventObject reads one watch event, {"type": ..., "object": ...}, and returns
// its type and its decoded object, which must be a JSON object with a kind
// (as apimachinery requires of a watch event's object). It returns io.EOF
// when the stream ends cleanly between events; members other than "type" and
// "object" are validated and ignored. Keys and short values are interned
// across events, so a long watch shares them.
func (d *Decoder) NextEventObject() (eventType string, obj *k8su.Unstructured, err error) {
	eventType, err = d.event(func(string) error {
		var err error
		obj, err = d.eventObject()
		return err
	})
	return eventType, obj, err
}

// eventObject decodes an event's object, which must have a kind.
func (d *Decoder) eventObject() (*k8su.Unstructured, error) {
	c, ok := d.s.skipSpace()
	if !ok {
		return nil, d.s.readErr("event object")
	}
	if c != '{' {
		return nil, d.s.errorf(d.s.pos, "watch event object is not a JSON object")
	}
	m, err := d.object(2)
	if err != nil {
		return nil, err
	}
	obj := &k8su.Unstructured{Object: m}
	return obj, checkKind(obj, m)
}

// event reads one event object, calling object for the "object" member
// with the type read so far ("" when "type" comes after "object").
func (d *Decoder) event(object func(typ string) error) (string, error) {
	c, ok := d.s.skipSpace()
	if !ok {
		if d.s.rerr == nil || errors.Is(d.s.rerr, io.EOF) {
			return "", io.EOF
		}
		return "", fmt.Errorf("unstructured: reading watch event: %w", d.s.rerr)
	}
	if c != '{' {
		return "", d.s.errorf(d.s.pos, "invalid character %q looking for a watch event", c)
	}
	d.s.pos++
	var typ string
	var sawType, sawObject bool
	for first := true; ; first = false {
		if c, ok = d.s.skipSpace(); !ok {
			return "", d.s.readErr("watch event")
		}
		if first && c == '}' {
			d.s.pos++
			break
		}
		if c != '"' {
			return "", d.s.errorf(d.s.pos, "invalid character %q looking for beginning of object key string", c)
		}
		k, err := d.s.key()
		if err != nil {
			return "", err
		}
		if err := d.s.colon(); err != nil {
			return "", err
		}
		switch k {
		case "type":
			v, err := d.value(1)
			if err != nil {
				return "", err
			}
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("unstructured: watch event \"type\" is a %s, not a string", jsonType(v))
			}
			typ, sawType = s, true
		case "object":
			if err := object(typ); err != nil {
				return "", fmt.Errorf("unstructured: watch event object: %w", err)
			}
			sawObject = true
		default:
			if err := d.s.skip(1, true); err != nil {
				return "", err
			}
		}
		more, err := d.s.next('}', "object")
		if err != nil {
			return "", err
		}
		if !more {
			break
		}
	}
	if !sawType || !sawObject {
		return "", fmt.Errorf("unstructured: watch event without \"type\" or \"object\" (type %q)", typ)
	}
	return typ, nil
}
