package unstructured

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	sigsyaml "sigs.k8s.io/yaml"
)

// FuzzReadManifests checks that the manifest reader never panics, that
// reading whole and one byte at a time agree, that every object has a kind
// and survives Marshal and Decode unchanged, and that every error names a
// document and a line inside the input.
func FuzzReadManifests(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {x: \"1\"}\n---\n# c\n---\nkind: List\napiVersion: v1\nitems:\n- {kind: A, n: 1.5}\n"))
	f.Add([]byte("{\"kind\":\"A\",\"n\":[1,2.5]}\n{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"items\":[{}]}"))
	f.Add([]byte("--- {kind: A}\n...\nkind: B\n\tx: 1\n---\nkind: [\n"))
	f.Add([]byte("kind: A\nx: |\n  --- y\n---x: 1\n"))
	f.Add([]byte("\n  kind: A\n  x: 1\n---\n  # c\n  kind: B\n"))
	f.Add([]byte(benchPod))
	f.Fuzz(fuzzManifests)
}

// fuzzManifests is FuzzReadManifests' check of one input.
func fuzzManifests(t *testing.T, data []byte) {
	objs, err := ReadManifests(bytes.NewReader(data))
	objs2, err2 := ReadManifests(iotest.OneByteReader(bytes.NewReader(data)))
	if !reflect.DeepEqual(objs, objs2) || (err == nil) != (err2 == nil) {
		t.Fatalf("whole read: %d objects, error %v; byte-at-a-time: %d objects, error %v", len(objs), err, len(objs2), err2)
	}
	checkManifestOracle(t, data)
	lines := bytes.Count(data, []byte("\n")) + 1
	for _, part := range joined(err) {
		var me *ManifestError
		if !errors.As(part, &me) {
			continue // a read error
		}
		if me.Doc < 1 || me.Line < 0 || me.Line > lines || me.Item < 0 {
			t.Fatalf("error %v: document %d, line %d, item %d out of range (%d lines)", me, me.Doc, me.Line, me.Item, lines)
		}
	}
	for i, o := range objs {
		if o.GetKind() == "" {
			t.Fatalf("object %d has no kind: %v", i, o.Object)
		}
		b, err := Marshal(o)
		if err != nil {
			t.Fatalf("object %d: Marshal: %v", i, err)
		}
		back, err := DecodeObject(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("object %d: %s does not decode: %v", i, b, err)
		}
		if !reflect.DeepEqual(back.Object, o.Object) {
			t.Fatalf("object %d changed through Marshal and Decode:\n%s", i, cmp.Diff(o.Object, back.Object))
		}
	}
}

// joined splits an errors.Join error into its parts.
func joined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// FuzzParsePath checks that ParsePath never panics, that a parsed path's
// String parses back to the same path, and that Get, Set and Remove on a
// real object never panic and agree with each other.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"spec.template.spec.containers[name=nginx].image", `metadata.annotations["a.b/c"]`, "a[0][-1]",
		`a["k=v"="x]y"].b`, ".spec", "a[1x=2]", "a..b", "a[", `a["\u00e9\x00"]`, "[0]", "a[=]", "x[k=]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			var se *PathSyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParsePath(%q): error %v is not a *PathSyntaxError with an offset inside the path", s, err)
			}
			return
		}
		again, err := ParsePath(p.String())
		if err != nil {
			t.Fatalf("ParsePath(%q).String() = %q does not parse: %v", s, p.String(), err)
		}
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("ParsePath(%q) = %#v, but its String %q parses to %#v", s, p, p.String(), again)
		}
		obj := pathObject()
		if _, err := p.Get(obj); err != nil {
			checkFuzzPathErr(t, s, err)
		}
		if err := p.Set(obj, "fuzz"); err != nil {
			checkFuzzPathErr(t, s, err)
		} else if !hasSelector(p) {
			if v, err := p.Get(obj); err != nil || v != "fuzz" {
				t.Fatalf("path %q: Set succeeded, then Get = %v, %v", s, v, err)
			}
		}
		if err := p.Remove(obj); err != nil {
			checkFuzzPathErr(t, s, err)
		}
	})
}

func hasSelector(p Path) bool {
	for _, sg := range p.segs {
		if sg.kind == segSelector {
			return true
		}
	}
	return false
}

// checkFuzzPathErr checks that an operation's error is a *PathError whose
// step is inside the path and that wraps one of the documented sentinels.
func checkFuzzPathErr(t *testing.T, path string, err error) {
	t.Helper()
	var pe *PathError
	if !errors.As(err, &pe) {
		t.Fatalf("path %q: error %v is a %T, not a *PathError", path, err, err)
	}
	known := false
	for _, s := range []error{ErrNotFound, ErrWrongType, ErrNoMatch, ErrAmbiguous, ErrNumber} {
		known = known || errors.Is(err, s)
	}
	if !known {
		t.Fatalf("path %q: error %v wraps no documented sentinel", path, err)
	}
}

// checkManifestOracle compares ReadManifests on a one-document input with
// what kubectl's decoding gives: sigs.k8s.io/yaml.Unmarshal into an
// *unstructured.Unstructured (YAML to JSON, then UnstructuredJSONScheme).
// Inputs the two read differently by design are skipped: several
// documents or JSON objects, lists (which ReadManifests expands), empty or null documents
// (which it skips), a byte-order mark. When kubectl's path succeeds,
// ReadManifests must return the same single object; for YAML input (not a
// JSON stream, which this package decodes without go-yaml and so accepts
// some JSON that go-yaml rejects) the converse holds too.
func checkManifestOracle(t *testing.T, data []byte) {
	t.Helper()
	for _, line := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")) {
			return
		}
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return
	}
	jsonMode := len(bytes.TrimLeft(data, " \t\r\n")) > 0 && bytes.TrimLeft(data, " \t\r\n")[0] == '{'
	if jsonMode && !json.Valid(data) {
		return // go-yaml reads only the first of several JSON objects
	}
	objs, err := ReadManifests(bytes.NewReader(data))
	if err == nil && len(objs) == 0 {
		return // empty or null: skipped here, an error there
	}
	var ref k8su.Unstructured
	refErr := sigsyaml.Unmarshal(data, &ref)
	if refErr == nil {
		if _, isList := ref.Object["items"]; isList {
			return
		}
	}
	switch {
	case refErr == nil && err != nil:
		t.Fatalf("input %q: kubectl's decoding succeeds, ReadManifests fails: %v", trunc(data), err)
	case refErr == nil && (len(objs) != 1 || !reflect.DeepEqual(objs[0].Object, ref.Object)):
		t.Fatalf("input %q: ReadManifests differs from kubectl's decoding:\n%s", trunc(data), cmp.Diff(ref.Object, firstObject(objs)))
	case refErr != nil && err == nil && !jsonMode:
		t.Fatalf("input %q: kubectl's decoding fails (%v), ReadManifests returns %d objects", trunc(data), refErr, len(objs))
	}
}

func firstObject(objs []*k8su.Unstructured) map[string]any {
	if len(objs) == 0 {
		return nil
	}
	return objs[0].Object
}
