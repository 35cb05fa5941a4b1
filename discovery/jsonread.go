package discovery

import (
	"fmt"

	"github.com/kubedyn/kubedyn/unstructured"
)

// jsonReader reads one discovery document for the hand-written decoders of
// aggjson.go and legacyjson.go, with the module's one JSON tokenizer,
// unstructured.Tokenizer: it accepts exactly what encoding/json accepts
// and unquotes strings as encoding/json does. Strings without escapes are
// substrings of the document, so decoding them allocates nothing: the
// decoded values share the document, which must not be modified afterwards
// (a fetched document never is).
type jsonReader struct {
	*unstructured.Tokenizer
	strs slab[string] // the arrays of strings
}

func newJSONReader(body []byte) jsonReader {
	return jsonReader{Tokenizer: unstructured.NewTokenizer(body)}
}

// typeError consumes the next value and reports that it cannot be decoded
// as what (encoding/json's UnmarshalTypeError). A malformed value is
// reported as the syntax error it is.
func (r *jsonReader) typeError(what string) error {
	off := r.Offset()
	kind := "value"
	switch c := r.Peek(); {
	case c == '{':
		kind = "object"
	case c == '[':
		kind = "array"
	case c == '"':
		kind = "string"
	case c == 't' || c == 'f':
		kind = "bool"
	case c == '-' || (c >= '0' && c <= '9'):
		kind = "number"
	}
	if err := r.Skip(); err != nil {
		return err
	}
	return fmt.Errorf("cannot decode JSON %s into %s at offset %d", kind, what, off)
}
