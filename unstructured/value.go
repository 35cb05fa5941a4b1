package unstructured

// kv is one object member on the decoder's member stack.
type kv struct {
	k string
	v any
}

// value decodes the JSON value at the next non-space byte into the tree
// apimachinery builds: map[string]any, []any, string, int64, float64, bool, nil.
func (d *Decoder) value(depth int) (any, error) {
	c, ok := d.s.skipSpace()
	if !ok {
		return nil, d.s.readErr("value")
	}
	switch c {
	case '{':
		m, err := d.object(depth + 1)
		if err != nil {
			return nil, err
		}
		return m, nil
	case '[':
		return d.array(depth + 1)
	case '"':
		return d.s.stringValue()
	case 't':
		return true, d.s.literal("true")
	case 'f':
		return false, d.s.literal("false")
	case 'n':
		return nil, d.s.literal("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return d.s.number()
		}
		return nil, d.s.errorf(d.s.pos, "invalid character %q looking for beginning of value", c)
	}
}

// object decodes an object whose '{' is at pos. Members are gathered on a
// reusable stack so the map is made once at its final size; a duplicate key
// keeps its last value.
func (d *Decoder) object(depth int) (map[string]any, error) {
	if depth > maxDepth {
		return nil, d.s.errorf(d.s.pos, "exceeded max depth of %d", maxDepth)
	}
	d.s.pos++ // '{'
	mark := len(d.kvs)
	defer func() { d.kvs = d.kvs[:mark] }()
	c, ok := d.s.skipSpace()
	if !ok {
		return nil, d.s.readErr("object")
	}
	if c == '}' {
		d.s.pos++
		return make(map[string]any), nil
	}
	for {
		if c != '"' {
			return nil, d.s.errorf(d.s.pos, "invalid character %q looking for beginning of object key string", c)
		}
		k, err := d.s.key()
		if err != nil {
			return nil, err
		}
		if err := d.s.colon(); err != nil {
			return nil, err
		}
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.kvs = append(d.kvs, kv{k, v})
		more, err := d.s.next('}', "object")
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		if c, ok = d.s.skipSpace(); !ok {
			return nil, d.s.readErr("object")
		}
	}
	members := d.kvs[mark:]
	m := make(map[string]any, len(members))
	for _, p := range members {
		m[p.k] = p.v
	}
	d.dups += len(members) - len(m)
	clear(members) // drop references held by the stack
	return m, nil
}

// array decodes an array whose '[' is at pos; elements are gathered on a
// reusable stack and copied into a slice of the exact length.
func (d *Decoder) array(depth int) ([]any, error) {
	if depth > maxDepth {
		return nil, d.s.errorf(d.s.pos, "exceeded max depth of %d", maxDepth)
	}
	d.s.pos++ // '['
	mark := len(d.vals)
	defer func() { d.vals = d.vals[:mark] }()
	c, ok := d.s.skipSpace()
	if !ok {
		return nil, d.s.readErr("array")
	}
	if c == ']' {
		d.s.pos++
		return []any{}, nil
	}
	for {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.vals = append(d.vals, v)
		more, err := d.s.next(']', "array")
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	out := make([]any, len(d.vals)-mark)
	copy(out, d.vals[mark:])
	clear(d.vals[mark:])
	return out, nil
}
