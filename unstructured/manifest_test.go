package unstructured

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// wantManifestErr is the part of a *ManifestError a test checks.
type wantManifestErr struct {
	Doc, Item, Line int
	Text            string // substring of the message
}

func TestReadManifests(t *testing.T) {
	cm := func(name string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name}}
	}
	tests := []struct {
		name     string
		input    string
		want     []map[string]any
		wantErrs []wantManifestErr
	}{
		{
			name:  "one document",
			input: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
			want:  []map[string]any{cm("a")},
		},
		{
			name:  "numbers as apimachinery decodes them",
			input: "kind: X\nspec:\n  i: 3\n  f: 1.5\n  e: 1e3\n  big: 123456789012345678901234\n  neg: -7\n  s: \"3\"\n",
			want: []map[string]any{{"kind": "X", "spec": map[string]any{
				"i": int64(3), "f": 1.5, "e": int64(1000), "big": 1.2345678901234568e+23, "neg": int64(-7), "s": "3"}}},
		},
		{
			name:  "separators comments and empty documents",
			input: "# leading comment\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n--- # comment after separator\n\n\n---\nnull\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n",
			want:  []map[string]any{cm("a"), cm("b")},
		},
		{
			name:  "content on the separator line and document end marker",
			input: "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n...\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n...\n",
			want:  []map[string]any{cm("a"), cm("b")},
		},
		{
			name:  "dashes inside a block scalar are content",
			input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: |\n    --- not a separator\n    ---x\n",
			want:  []map[string]any{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "a"}, "data": map[string]any{"x": "--- not a separator\n---x\n"}}},
		},
		{
			name:  "List expanded",
			input: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			want:  []map[string]any{cm("a"), cm("b"), cm("c")},
		},
		{
			name:  "typed list items get the kind",
			input: `{"apiVersion":"v1","kind":"ConfigMapList","items":[{"metadata":{"name":"a"}}]}`,
			want:  []map[string]any{cm("a")},
		},
		{
			name:  "JSON stream",
			input: "\n  {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"v1\",\n\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}  ",
			want:  []map[string]any{cm("a"), cm("b")},
		},
		{
			name:  "JSON document in a YAML stream",
			input: "---\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
			want:  []map[string]any{cm("a"), cm("b")},
		},
		{
			name:  "byte order mark and CRLF",
			input: "\xef\xbb\xbfapiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: b}\r\n",
			want:  []map[string]any{cm("a"), cm("b")},
		},
		{
			name:  "indented document",
			input: "\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n---\n  # indented comment\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n",
			want:  []map[string]any{cm("a"), cm("b")},
		},
		{
			name:     "indented document with an error",
			input:    "\n\n  kind: A\n  a: [1,\n",
			wantErrs: []wantManifestErr{{Doc: 1, Line: 4, Text: "yaml: line 4: did not find expected node content"}},
		},
		{name: "empty stream", input: ""},
		{name: "only whitespace", input: " \n\t\r\n  "},
		{name: "only comments", input: "# a\n\n---\n# b\n"},
		{
			name:     "malformed YAML: line within the stream",
			input:    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# second\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   bad: indent\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			want:     []map[string]any{cm("a"), cm("c")},
			wantErrs: []wantManifestErr{{Doc: 2, Line: 10, Text: "yaml: line 10: mapping values are not allowed"}},
		},
		{
			name:     "unterminated flow sequence",
			input:    "kind: A\na: [1,\n",
			wantErrs: []wantManifestErr{{Doc: 1, Line: 2, Text: "yaml: line 2: did not find expected node content"}},
		},
		{
			name:     "tab indentation",
			input:    "---\nkind: A\n---\nkind: B\n\tx: 1\n",
			want:     []map[string]any{{"kind": "A"}},
			wantErrs: []wantManifestErr{{Doc: 2, Line: 5, Text: "tab character"}},
		},
		{
			name:     "missing kind",
			input:    "kind: A\n---\n\n# c\napiVersion: v1\nmetadata: {name: x}\n",
			want:     []map[string]any{{"kind": "A"}},
			wantErrs: []wantManifestErr{{Doc: 2, Line: 5, Text: "'Kind' is missing"}},
		},
		{
			name:     "scalar document",
			input:    "just text\n",
			wantErrs: []wantManifestErr{{Doc: 1, Line: 1, Text: "expected a JSON object"}},
		},
		{
			name:     "list item without kind",
			input:    "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- metadata: {name: b}\n",
			wantErrs: []wantManifestErr{{Doc: 1, Item: 2, Line: 2, Text: `list item has no kind (list kind "List")`}},
		},
		{
			name:     "null list item",
			input:    "apiVersion: v1\nkind: List\nitems:\n- null\n",
			wantErrs: []wantManifestErr{{Doc: 1, Item: 1, Line: 1, Text: "list item has no kind"}},
		},
		{
			name:     "malformed JSON stream stops",
			input:    "{\"kind\":\"A\"}\n{\"kind\":\"B\",\n\"x\":tru}\n{\"kind\":\"C\"}",
			want:     []map[string]any{{"kind": "A"}},
			wantErrs: []wantManifestErr{{Doc: 2, Line: 3, Text: "invalid character in literal true"}},
		},
		{
			name:     "JSON object without kind",
			input:    "{\"kind\":\"A\"}\n\n{\"apiVersion\":\"v1\"}",
			want:     []map[string]any{{"kind": "A"}},
			wantErrs: []wantManifestErr{{Doc: 2, Line: 3, Text: "'Kind' is missing"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkManifestOracle(t, []byte(tc.input))
			for _, r := range []io.Reader{strings.NewReader(tc.input), iotest.OneByteReader(strings.NewReader(tc.input))} {
				objs, err := ReadManifests(r)
				var got []map[string]any
				for _, o := range objs {
					got = append(got, o.Object)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("objects (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.wantErrs, manifestErrs(t, err, tc.wantErrs)); diff != "" {
					t.Errorf("errors (-want +got):\n%s\nerror: %v", diff, err)
				}
			}
		})
	}
}

// manifestErrs splits a joined error into the *ManifestErrors it holds; a
// message containing the wanted text is reported as that text.
func manifestErrs(t *testing.T, err error, want []wantManifestErr) []wantManifestErr {
	t.Helper()
	if err == nil {
		return nil
	}
	var parts []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts = j.Unwrap()
	} else {
		parts = []error{err}
	}
	var out []wantManifestErr
	for _, p := range parts {
		var me *ManifestError
		if !errors.As(p, &me) {
			t.Fatalf("error %v is a %T, not a *ManifestError", p, p)
		}
		text := me.Err.Error()
		if i := len(out); i < len(want) && strings.Contains(text, want[i].Text) {
			text = want[i].Text
		}
		out = append(out, wantManifestErr{Doc: me.Doc, Item: me.Item, Line: me.Line, Text: text})
	}
	return out
}

func TestManifestReaderNext(t *testing.T) {
	mr := NewManifestReader(strings.NewReader("kind: A\n---\nkind: [\n---\nkind: C\n"))
	var kinds []string
	var errs int
	for {
		obj, err := mr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs++
			continue
		}
		kinds = append(kinds, obj.GetKind())
	}
	if diff := cmp.Diff([]string{"A", "C"}, kinds); diff != "" || errs != 1 {
		t.Errorf("kinds (-want +got):\n%s\nerrors: %d, want 1", diff, errs)
	}
	if _, err := mr.Next(); err != io.EOF {
		t.Errorf("Next after the end: %v, want io.EOF", err)
	}
	readErr := errors.New("disk on fire")
	mr = NewManifestReader(io.MultiReader(strings.NewReader("kind: A\n"), iotest.ErrReader(readErr)))
	if _, err := mr.Next(); !errors.Is(err, readErr) {
		t.Errorf("Next with a failing reader: %v, want %v", err, readErr)
	}
	if _, err := mr.Next(); err != io.EOF {
		t.Errorf("Next after a read error: %v, want io.EOF (a fatal error is reported once)", err)
	}
}

// TestManifestReaderFatalOnce: a caller that reads until io.EOF, going on
// past errors as it may in YAML, ends on a JSON syntax error too.
func TestManifestReaderFatalOnce(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		wantObjs int
		wantErrs int
	}{
		{name: "JSON syntax error ends the stream", input: `{"kind":"A"} {"kind":"B"}00 {"kind":"C"}`, wantObjs: 2, wantErrs: 1},
		{name: "fuzzer's hang", input: `{"000000000":"00","0000":"0"}00`, wantObjs: 0, wantErrs: 1},
		{name: "YAML goes on", input: "kind: [\n---\nkind: B\n---\nkind: {\n", wantObjs: 1, wantErrs: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mr := NewManifestReader(strings.NewReader(tc.input))
			objs, errs := 0, 0
			for i := 0; ; i++ {
				if i > 100 {
					t.Fatalf("Next never returned io.EOF (%d objects, %d errors)", objs, errs)
				}
				obj, err := mr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					errs++
					continue
				}
				if obj == nil {
					t.Fatal("Next returned neither object nor error")
				}
				objs++
			}
			if objs != tc.wantObjs || errs != tc.wantErrs {
				t.Errorf("got %d objects and %d errors, want %d and %d", objs, errs, tc.wantObjs, tc.wantErrs)
			}
		})
	}
}

// endless repeats a pattern for ever: /dev/zero, `yes 'a: b'`.
type endless struct {
	pattern []byte
	off     int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[e.off%len(e.pattern)]
		e.off++
	}
	return len(p), nil
}

// TestManifestReaderDocumentBound checks that a document that never ends
// fails with ErrDocumentTooLarge after about MaxDocumentBytes, in every
// shape a stream can take, and that documents under the bound still read.
func TestManifestReaderDocumentBound(t *testing.T) {
	const max = 1 << 20
	tests := []struct {
		name    string
		r       io.Reader
		max     int
		wantObj int // objects read before the error
		wantErr bool
	}{
		{name: "zero bytes, no newline", r: &endless{pattern: []byte{0}}, max: max, wantErr: true},
		{name: "yes a: b", r: &endless{pattern: []byte("a: b\n")}, max: max, wantErr: true},
		{name: "blank lines", r: &endless{pattern: []byte("\n")}, max: max, wantErr: true},
		{name: "endless JSON string", r: io.MultiReader(strings.NewReader(`{"kind":"X","a":"`), &endless{pattern: []byte("x")}), max: max, wantErr: true},
		{name: "endless JSON whitespace after an object", r: io.MultiReader(strings.NewReader(`{"kind":"X"}`), &endless{pattern: []byte(" ")}), max: max, wantObj: 1, wantErr: true},
		{name: "a document after one over the bound is not read", max: 64,
			r: strings.NewReader("kind: X\ndata: " + strings.Repeat("y", 100) + "\n---\nkind: Z\n"), wantErr: true},
		{name: "documents under the bound", max: 64, wantObj: 2,
			r: strings.NewReader("kind: X\ndata: " + strings.Repeat("y", 40) + "\n---\nkind: Z\ndata: " + strings.Repeat("z", 40) + "\n")},
		{name: "no bound", max: -1, wantObj: 1, r: strings.NewReader("kind: X\ndata: " + strings.Repeat("y", 4<<10) + "\n")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mr := NewManifestReaderWithOptions(tc.r, ManifestOptions{MaxDocumentBytes: tc.max})
			objs, gotErr := 0, false
			for range 10 {
				_, err := mr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					var me *ManifestError
					if !errors.Is(err, ErrDocumentTooLarge) || !errors.As(err, &me) {
						t.Fatalf("error %v, want a *ManifestError wrapping ErrDocumentTooLarge", err)
					}
					gotErr = true
					continue
				}
				objs++
			}
			if objs != tc.wantObj || gotErr != tc.wantErr {
				t.Errorf("read %d objects, error %v; want %d, %v", objs, gotErr, tc.wantObj, tc.wantErr)
			}
		})
	}
}

func TestDefaultManifestBound(t *testing.T) {
	_, err := ReadManifests(&endless{pattern: []byte("a: " + strings.Repeat("b", 4<<10) + "\n")})
	if !errors.Is(err, ErrDocumentTooLarge) || !strings.Contains(err.Error(), "more than 16777216 bytes") {
		t.Errorf("ReadManifests(yes 'a: b') = %v, want the default bound's error", err)
	}
}
