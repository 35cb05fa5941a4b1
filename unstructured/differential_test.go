package unstructured

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// reference decodes data with apimachinery's UnstructuredJSONScheme.
func reference(data []byte) (runtime.Object, error) {
	obj, _, err := k8su.UnstructuredJSONScheme.Decode(data, nil, nil)
	return obj, err
}

// checkSame fails when Decode and apimachinery disagree on data, reading
// through r (which yields data).
func checkSame(t testing.TB, data []byte, r io.Reader) {
	t.Helper()
	want, wantErr := reference(data)
	got, gotErr := Decode(r)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("input %q:\napimachinery error: %v\nour error: %v", trunc(data), wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	// reflect.DeepEqual first: cmp is exponential on deeply nested slices.
	if !reflect.DeepEqual(want, runtime.Object(got)) {
		t.Fatalf("input %q: result differs from apimachinery (-want +got):\n%s", trunc(data), cmp.Diff(want, runtime.Object(got)))
	}
}

func trunc(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}

func TestDecodeMatchesApimachinery(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{name: "object", input: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}`},
		{name: "int and float", input: `{"kind":"X","a":1,"b":1.5,"c":1e3,"d":-0,"e":-0.0,"f":1E+2,"g":0.1e-2}`},
		{name: "huge integer becomes float", input: `{"kind":"X","a":123456789012345678901234567890,"b":-9223372036854775808,"c":9223372036854775807,"d":9223372036854775808}`},
		{name: "number beyond float64", input: `{"kind":"X","a":1e400}`},
		{name: "duplicate keys last wins", input: `{"kind":"X","a":{"b":1},"a":{"c":2},"kind":"Y"}`},
		{name: "invalid utf8", input: "{\"kind\":\"X\",\"a\xff\":\"b\xc3\x28\xed\xa0\x80z\"}"},
		{name: "lone surrogates", input: `{"kind":"X","a":"\ud800x","b":"\udc00","c":"\ud83d\ude00","d":"\ud800\u0041","e":"\ud800\ud800"}`},
		{name: "escapes", input: `{"kind":"X","a":"\"\\\/\b\f\n\r\t\u00e9\u2028"}`},
		{name: "bad escape", input: `{"kind":"X","a":"\x"}`},
		{name: "control char", input: "{\"kind\":\"X\",\"a\":\"\x01\"}"},
		{name: "missing kind", input: `{"apiVersion":"v1"}`},
		{name: "kind not string", input: `{"kind":1}`},
		{name: "bad apiVersion hides kind", input: `{"kind":"X","apiVersion":"a/b/c"}`},
		{name: "null", input: `null`},
		{name: "array", input: `[1]`},
		{name: "string", input: `"x"`},
		{name: "empty", input: ``},
		{name: "trailing garbage", input: `{"kind":"X"} x`},
		{name: "trailing space", input: "{\"kind\":\"X\"} \n\t\r"},
		{name: "two objects", input: `{"kind":"X"}{"kind":"X"}`},
		{name: "list", input: `{"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"a"}},{"kind":"Other"},{"apiVersion":"x/v1"},{"kind":"","apiVersion":""},{"kind":1}]}`},
		{name: "list items null", input: `{"kind":"PodList","apiVersion":"v1","items":null}`},
		{name: "list empty items", input: `{"kind":"PodList","apiVersion":"v1","items":[]}`},
		{name: "list null item", input: `{"kind":"PodList","apiVersion":"v1","items":[null]}`},
		{name: "list item not object", input: `{"kind":"PodList","apiVersion":"v1","items":[1]}`},
		{name: "list items not array", input: `{"kind":"PodList","apiVersion":"v1","items":{}}`},
		{name: "list items string", input: `{"kind":"PodList","apiVersion":"v1","items":"x"}`},
		{name: "list without kind", input: `{"items":[{"a":1}]}`},
		{name: "list kind after items", input: `{"items":[{"a":1}],"kind":"FooList","apiVersion":"g/v1"}`},
		{name: "list duplicate items", input: `{"kind":"List","apiVersion":"v1","items":[{"a":1}],"items":[{"b":2},{"c":3}]}`},
		{name: "list items then null", input: `{"kind":"List","apiVersion":"v1","items":[{"a":1}],"items":null}`},
		{name: "Items capitalized is not a list", input: `{"kind":"List","Items":[1]}`},
		{name: "nested arrays", input: `{"kind":"X","a":[[],[{}],[1,"2",true,false,null]]}`},
		{name: "bad literal", input: `{"kind":"X","a":tru}`},
		{name: "leading zero", input: `{"kind":"X","a":01}`},
		{name: "plus sign", input: `{"kind":"X","a":+1}`},
		{name: "dot without digits", input: `{"kind":"X","a":1.}`},
		{name: "trailing comma", input: `{"kind":"X","a":1,}`},
		{name: "unterminated", input: `{"kind":"X","a":"b`},
		{name: "deep", input: `{"kind":"X","a":` + strings.Repeat("[", 50) + strings.Repeat("]", 50) + `}`},
		{name: "too deep", input: `{"kind":"X","a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.input)
			checkSame(t, data, bytes.NewReader(data))
			checkSame(t, data, iotest.OneByteReader(bytes.NewReader(data)))
		})
	}
}

// TestDecodeRecorded checks every recorded server response in testdata.
func TestDecodeRecorded(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded responses in testdata; run TestRecord with KUBEDYN_RECORD=1")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkSame(t, data, bytes.NewReader(data))
			checkSame(t, data, iotest.HalfReader(bytes.NewReader(data)))
		})
	}
}
