package unstructured

// The structural steps of a walk over JSON, shared by Decoder and
// Tokenizer: the colon after a key, the separator or end after a member or
// element, and validating a value without building it.

// colon consumes the ':' after an object key.
func (s *scanner) colon() error {
	c, ok := s.skipSpace()
	if !ok {
		return s.readErr("object")
	}
	if c != ':' {
		return s.errorf(s.pos, "invalid character %q after object key", c)
	}
	s.pos++
	return nil
}

// next consumes ',' (more is true) or the closing byte (more is false).
func (s *scanner) next(closing byte, what string) (more bool, err error) {
	c, ok := s.skipSpace()
	if !ok {
		return false, s.readErr(what)
	}
	switch c {
	case ',':
		s.pos++
		return true, nil
	case closing:
		s.pos++
		return false, nil
	}
	return false, s.errorf(s.pos, "invalid character %q after %s element", c, what)
}

// skip validates and skips the value at the next non-space byte without
// building it (a raw watch-event object, a member a decoder ignores).
// depth is the nesting of the value's container. With convert, a number
// must also fit a float64, as when it is decoded into an any (Decoder);
// without, it need only be well formed, as when encoding/json skips a
// member no struct field takes (Tokenizer).
func (s *scanner) skip(depth int, convert bool) error {
	c, ok := s.skipSpace()
	if !ok {
		return s.readErr("value")
	}
	switch c {
	case '{', '[':
		return s.skipContainer(c, depth+1, convert)
	case '"':
		_, err := s.scanString()
		return err
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	if c == '-' || (c >= '0' && c <= '9') {
		if convert {
			_, err := s.number()
			return err
		}
		n, _, err := s.scanNumber()
		s.pos += n
		return err
	}
	return s.errorf(s.pos, "invalid character %q looking for beginning of value", c)
}

// skipContainer skips the object or array opened by c at pos, which is
// depth containers deep.
func (s *scanner) skipContainer(c byte, depth int, convert bool) error {
	if depth > maxDepth {
		return s.errorf(s.pos, "exceeded max depth of %d", maxDepth)
	}
	closing, what := byte('}'), "object"
	if c == '[' {
		closing, what = ']', "array"
	}
	s.pos++
	c, ok := s.skipSpace()
	if !ok {
		return s.readErr(what)
	}
	if c == closing {
		s.pos++
		return nil
	}
	for {
		if closing == '}' {
			if c != '"' {
				return s.errorf(s.pos, "invalid character %q looking for beginning of object key string", c)
			}
			if _, err := s.scanString(); err != nil {
				return err
			}
			if err := s.colon(); err != nil {
				return err
			}
		}
		if err := s.skip(depth, convert); err != nil {
			return err
		}
		more, err := s.next(closing, what)
		if err != nil || !more {
			return err
		}
		if c, ok = s.skipSpace(); !ok {
			return s.readErr(what)
		}
	}
}
