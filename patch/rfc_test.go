package patch

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
)

// jsonEqual decodes two JSON documents and returns their cmp.Diff.
func jsonDiff(t *testing.T, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got %s: %v", got, err)
	}
	return cmp.Diff(w, g)
}

// TestRFC6902Examples applies every example of RFC 6902 appendix A. The
// vectors are written from the RFC's text.
func TestRFC6902Examples(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		patch   string
		want    string
		wantErr string // "" for success
	}{
		{name: "A.1 adding an object member", doc: `{"foo":"bar"}`,
			patch: `[{"op":"add","path":"/baz","value":"qux"}]`, want: `{"baz":"qux","foo":"bar"}`},
		{name: "A.2 adding an array element", doc: `{"foo":["bar","baz"]}`,
			patch: `[{"op":"add","path":"/foo/1","value":"qux"}]`, want: `{"foo":["bar","qux","baz"]}`},
		{name: "A.3 removing an object member", doc: `{"baz":"qux","foo":"bar"}`,
			patch: `[{"op":"remove","path":"/baz"}]`, want: `{"foo":"bar"}`},
		{name: "A.4 removing an array element", doc: `{"foo":["bar","qux","baz"]}`,
			patch: `[{"op":"remove","path":"/foo/1"}]`, want: `{"foo":["bar","baz"]}`},
		{name: "A.5 replacing a value", doc: `{"baz":"qux","foo":"bar"}`,
			patch: `[{"op":"replace","path":"/baz","value":"boo"}]`, want: `{"baz":"boo","foo":"bar"}`},
		{name: "A.6 moving a value", doc: `{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`,
			patch: `[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`,
			want:  `{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}`},
		{name: "A.7 moving an array element", doc: `{"foo":["all","grass","cows","eat"]}`,
			patch: `[{"op":"move","from":"/foo/1","path":"/foo/3"}]`, want: `{"foo":["all","cows","eat","grass"]}`},
		{name: "A.8 testing a value: success", doc: `{"baz":"qux","foo":["a",2,"c"]}`,
			patch: `[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]`,
			want:  `{"baz":"qux","foo":["a",2,"c"]}`},
		{name: "A.9 testing a value: error", doc: `{"baz":"qux"}`,
			patch: `[{"op":"test","path":"/baz","value":"bar"}]`, wantErr: "operation 0 (test /baz)"},
		{name: "A.10 adding a nested member object", doc: `{"foo":"bar"}`,
			patch: `[{"op":"add","path":"/child","value":{"grandchild":{}}}]`, want: `{"foo":"bar","child":{"grandchild":{}}}`},
		{name: "A.11 ignoring unrecognized elements", doc: `{"foo":"bar"}`,
			patch: `[{"op":"add","path":"/baz","value":"qux","xyz":123}]`, want: `{"foo":"bar","baz":"qux"}`},
		{name: "A.12 adding to a nonexistent target", doc: `{"foo":"bar"}`,
			patch: `[{"op":"add","path":"/baz/bat","value":"qux"}]`, wantErr: "operation 0 (add /baz/bat)"},
		{name: "A.13 invalid JSON patch document", doc: `{"foo":"bar","baz":"qux"}`,
			patch: `[{"op":"add","path":"/baz","value":"qux","op":"remove"}]`, wantErr: `duplicate`},
		{name: "A.14 ~ escape ordering", doc: `{"/":9,"~1":10}`,
			patch: `[{"op":"test","path":"/~01","value":10}]`, want: `{"/":9,"~1":10}`},
		{name: "A.15 comparing strings and numbers", doc: `{"/":9,"~1":10}`,
			patch: `[{"op":"test","path":"/~01","value":"10"}]`, wantErr: "operation 0 (test /~01)"},
		{name: "A.16 adding an array value", doc: `{"foo":["bar"]}`,
			patch: `[{"op":"add","path":"/foo/-","value":["abc","def"]}]`, want: `{"foo":["bar",["abc","def"]]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Apply([]byte(tc.doc), Patch{Type: types.JSONPatchType, Data: []byte(tc.patch)}, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Apply = %s, %v; want an error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if diff := jsonDiff(t, []byte(tc.want), got); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRFC7386Examples applies every example of RFC 7386 appendix A. The
// vectors are written from the RFC's text.
func TestRFC7386Examples(t *testing.T) {
	tests := []struct {
		name, doc, patch, want string
	}{
		{name: "replace a member", doc: `{"a":"b"}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "add a member", doc: `{"a":"b"}`, patch: `{"b":"c"}`, want: `{"a":"b","b":"c"}`},
		{name: "remove the only member", doc: `{"a":"b"}`, patch: `{"a":null}`, want: `{}`},
		{name: "remove one member", doc: `{"a":"b","b":"c"}`, patch: `{"a":null}`, want: `{"b":"c"}`},
		{name: "array replaced by a string", doc: `{"a":["b"]}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "string replaced by an array", doc: `{"a":"c"}`, patch: `{"a":["b"]}`, want: `{"a":["b"]}`},
		{name: "nested merge with a null", doc: `{"a":{"b":"c"}}`, patch: `{"a":{"b":"d","c":null}}`, want: `{"a":{"b":"d"}}`},
		{name: "array of objects replaced", doc: `{"a":[{"b":"c"}]}`, patch: `{"a":[1]}`, want: `{"a":[1]}`},
		{name: "array replaced by an array", doc: `["a","b"]`, patch: `["c","d"]`, want: `["c","d"]`},
		{name: "object replaced by an array", doc: `{"a":"b"}`, patch: `["c"]`, want: `["c"]`},
		{name: "object replaced by null", doc: `{"a":"foo"}`, patch: `null`, want: `null`},
		{name: "object replaced by a string", doc: `{"a":"foo"}`, patch: `"bar"`, want: `"bar"`},
		{name: "existing null kept", doc: `{"e":null}`, patch: `{"a":1}`, want: `{"e":null,"a":1}`},
		{name: "array target replaced by an object", doc: `[1,2]`, patch: `{"a":"b","c":null}`, want: `{"a":"b"}`},
		{name: "nulls in a new object dropped", doc: `{}`, patch: `{"a":{"bb":{"ccc":null}}}`, want: `{"a":{"bb":{}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Apply([]byte(tc.doc), Patch{Type: types.MergePatchType, Data: []byte(tc.patch)}, nil)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if diff := jsonDiff(t, []byte(tc.want), got); diff != "" {
				t.Errorf("Apply %s to %s (-want +got):\n%s", tc.patch, tc.doc, diff)
			}
		})
	}
}
