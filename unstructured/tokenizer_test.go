package unstructured

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// number stands for any number: the Tokenizer validates numbers but does
// not read them.
const number = "<number>"

// walk builds the tree of the next value with the Tokenizer, numbers as
// the number placeholder.
func walk(t *Tokenizer) (any, error) {
	switch c := t.Peek(); {
	case c == '{':
		m := map[string]any{}
		err := t.Object(func(key string) error {
			v, err := walk(t)
			m[key] = v
			return err
		})
		return m, err
	case c == '[':
		l := []any{}
		_, err := t.Array(func(int) error {
			v, err := walk(t)
			l = append(l, v)
			return err
		})
		return l, err
	case c == '"':
		return t.String()
	case c == 't' || c == 'f':
		return t.Bool()
	case c == 'n':
		_, err := t.Null()
		return nil, err
	}
	return number, t.Skip()
}

// walkDoc walks a whole document.
func walkDoc(doc []byte) (any, error) {
	t := NewTokenizer(doc)
	v, err := walk(t)
	if err != nil {
		return nil, err
	}
	return v, t.End()
}

// numbersAsPlaceholder replaces every number of an encoding/json tree.
func numbersAsPlaceholder(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = numbersAsPlaceholder(e)
		}
	case []any:
		for i, e := range v {
			v[i] = numbersAsPlaceholder(e)
		}
	case float64:
		return number
	}
	return v
}

// sameAsEncodingJSON reports how the Tokenizer's tree of doc differs from
// encoding/json's: in the value, or one failing where the other does not.
func sameAsEncodingJSON(doc []byte) string {
	var want any
	werr := json.Unmarshal(doc, &want)
	got, gerr := walkDoc(doc)
	if werr != nil && strings.Contains(werr.Error(), "cannot unmarshal number") {
		werr = nil // out of float64's range: valid JSON, which Skip accepts
		want, gerr = got, nil
	}
	if (werr == nil) != (gerr == nil) {
		return "encoding/json error: " + errString(werr) + "; Tokenizer error: " + errString(gerr)
	}
	if werr != nil {
		return ""
	}
	if want = numbersAsPlaceholder(want); reflect.DeepEqual(want, got) {
		return "" // cmp.Diff takes minutes on 10000 nested arrays
	}
	return cmp.Diff(want, got)
}

func errString(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

func TestTokenizerMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{name: "object", doc: `{"a":"b","c":[1,-2.5e3,true,false,null,{}],"d":{"e":[]}}`},
		{name: "whitespace everywhere", doc: " \n{ \"a\" :\t[ 1 , \"x\" ] , \"b\" : { } }\r\n"},
		{name: "escapes", doc: `["A\"B\\C\/D\b\f\n\r\t\u00e9\ud83d\ude00"]`},
		{name: "lone surrogates", doc: `["\ud83d x \ude00 \ud83d\u0041"]`},
		{name: "invalid utf-8", doc: "[\"a\xffb\xc3\"]"},
		{name: "utf-8", doc: `["héllo 世界"]`},
		{name: "empty string", doc: `[""]`},
		{name: "big number", doc: `[1e400]`},
		{name: "empty", doc: ``},
		{name: "truncated", doc: `{"a":[1,`},
		{name: "truncated string", doc: `["abc`},
		{name: "trailing garbage", doc: `{} x`},
		{name: "two values", doc: `{} {}`},
		{name: "NUL after value", doc: "{}\x00"},
		{name: "control character", doc: "[\"a\nb\"]"},
		{name: "bad escape", doc: `["\x"]`},
		{name: "bad numbers", doc: `[01]`},
		{name: "bad literal", doc: `[nul]`},
		{name: "trailing comma", doc: `{"a":1,}`},
		{name: "array trailing comma", doc: `[1,]`},
		{name: "missing colon", doc: `{"a" 1}`},
		{name: "number key", doc: `{1:2}`},
		{name: "nesting 10000 deep", doc: strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
		{name: "nesting 10001 deep", doc: strings.Repeat("[", 10001) + strings.Repeat("]", 10001)},
		{name: "skipped nesting 10001 deep", doc: `[1,` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := sameAsEncodingJSON([]byte(tc.doc)); d != "" {
				t.Errorf("(-encoding/json +Tokenizer):\n%s", d)
			}
		})
	}
}

func TestTokenizerErrors(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		read    func(*Tokenizer) error
		wantOff int64
		wantMsg string
	}{
		{name: "string expected", doc: ` 5`, read: func(t *Tokenizer) error { _, err := t.String(); return err }, wantOff: 1, wantMsg: "looking for beginning of string"},
		{name: "bool expected", doc: `"x"`, read: func(t *Tokenizer) error { _, err := t.Bool(); return err }, wantOff: 0, wantMsg: "looking for beginning of boolean"},
		{name: "object expected", doc: `[]`, read: func(t *Tokenizer) error { return t.Object(func(string) error { return nil }) }, wantOff: 0, wantMsg: "looking for beginning of object"},
		{name: "member not consumed", doc: `{"a":1}`, read: func(t *Tokenizer) error { return t.Object(func(string) error { return nil }) }, wantOff: 5, wantMsg: "comma or end of object"},
		{name: "end of input", doc: `[1`, read: func(t *Tokenizer) error { _, err := t.Array(func(int) error { return t.Skip() }); return err }, wantOff: 2, wantMsg: "unexpected end of input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(NewTokenizer([]byte(tc.doc)))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SyntaxError", err)
			}
			if se.Offset != tc.wantOff || !strings.Contains(se.Msg, tc.wantMsg) {
				t.Errorf("err = %v, want offset %d and %q", err, tc.wantOff, tc.wantMsg)
			}
		})
	}
}

// TestTokenizerSharesTheDocument: a plain string is a substring of the
// document; an escaped one is a copy that a later string does not change.
func TestTokenizerSharesTheDocument(t *testing.T) {
	doc := []byte(`["plain","esc\u0041ped","esc\u0042ped"]`)
	tk := NewTokenizer(doc)
	var got []string
	if _, err := tk.Array(func(int) error {
		s, err := tk.String()
		got = append(got, s)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"plain", "escAped", "escBped"}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	doc[2] = 'P'
	if got[0] != "Plain" {
		t.Errorf("a plain string is not a substring of the document: %q", got[0])
	}
}

// FuzzTokenizer holds the Tokenizer equal to encoding/json on random
// documents: the same documents fail, and the others give the same tree.
func FuzzTokenizer(f *testing.F) {
	f.Add([]byte(`{"kind":"APIResourceList","resources":[{"name":"pods","verbs":["get"],"namespaced":true,"n":1.5e3}]}`))
	f.Add([]byte(`["\ud83d\ude00\u00e9", null, [], {}, -0, "a\xffb"]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if d := sameAsEncodingJSON(doc); d != "" {
			t.Fatalf("Tokenizer differs from encoding/json on %q:\n%s", doc, d)
		}
	})
}
