package unstructured

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		want      []segment
		canonical string // String() of the result; "" means the input
		wantErr   string // substring of the error
	}{
		{name: "fields", path: "spec.replicas", want: []segment{{key: "spec"}, {key: "replicas"}}},
		{name: "leading dot", path: ".spec.replicas", want: []segment{{key: "spec"}, {key: "replicas"}}, canonical: "spec.replicas"},
		{name: "selector", path: "spec.containers[name=nginx].image", want: []segment{{key: "spec"}, {key: "containers"}, {kind: segSelector, key: "name", value: "nginx"}, {key: "image"}}},
		{name: "index", path: "a[0][12]", want: []segment{{key: "a"}, {kind: segIndex, index: 0}, {kind: segIndex, index: 12}}},
		{name: "negative index", path: "a[-1]", want: []segment{{key: "a"}, {kind: segIndex, index: -1}}},
		{name: "leading zero index", path: "a[007]", want: []segment{{key: "a"}, {kind: segIndex, index: 7}}, canonical: "a[7]"},
		{name: "quoted key with dots", path: `metadata.annotations["example.com/a.b"]`, want: []segment{{key: "metadata"}, {key: "annotations"}, {key: "example.com/a.b"}}},
		{name: "quoted plain key", path: `metadata["name"]`, want: []segment{{key: "metadata"}, {key: "name"}}, canonical: "metadata.name"},
		{name: "quoted first", path: `["a.b"].c`, want: []segment{{key: "a.b"}, {key: "c"}}},
		{name: "quoted escapes", path: `a["x\"y\u00e9"]`, want: []segment{{key: "a"}, {key: "x\"yé"}}, canonical: `a.x"yé`},
		{name: "quoted empty", path: `a[""]`, want: []segment{{key: "a"}, {key: ""}}},
		{name: "selector quoted value", path: `a[name="x]y"]`, want: []segment{{key: "a"}, {kind: segSelector, key: "name", value: "x]y"}}},
		{name: "selector quoted key", path: `a["a=b"=1]`, want: []segment{{key: "a"}, {kind: segSelector, key: "a=b", value: "1"}}},
		{name: "selector empty value", path: `a[name=]`, want: []segment{{key: "a"}, {kind: segSelector, key: "name"}}},
		{name: "selector digit key", path: `a[1x=2]`, want: []segment{{key: "a"}, {kind: segSelector, key: "1x", value: "2"}}},
		{name: "selector dash key", path: `a[-k=v]`, want: []segment{{key: "a"}, {kind: segSelector, key: "-k", value: "v"}}},
		{name: "selector value with dots", path: `a[ip=10.0.0.1].x`, want: []segment{{key: "a"}, {kind: segSelector, key: "ip", value: "10.0.0.1"}, {key: "x"}}},
		{name: "name with colon and slash", path: `f:metadata.k:{x}/y`, want: []segment{{key: "f:metadata"}, {key: "k:{x}/y"}}},
		{name: "empty", path: "", wantErr: "empty path"},
		{name: "only dot", path: ".", wantErr: "no field"},
		{name: "double dot", path: "a..b", wantErr: "empty field name"},
		{name: "leading double dot", path: "..a", wantErr: "expected '.' or '['"},
		{name: "trailing dot", path: "a.", wantErr: "empty field name"},
		{name: "unterminated bracket", path: "a[0", wantErr: "expected ']'"},
		{name: "open bracket at end", path: "a[", wantErr: "unterminated '['"},
		{name: "empty brackets", path: "a[]", wantErr: "expected a list index"},
		{name: "bad index", path: "a[-]", wantErr: "invalid list index"},
		{name: "huge index", path: "a[99999999999999999999999]", wantErr: "invalid list index"},
		{name: "empty selector key", path: "a[=x]", wantErr: "empty selector key"},
		{name: "stray close", path: "a]", wantErr: "unexpected ']'"},
		{name: "text after bracket", path: "a[0]b", wantErr: "unexpected 'b'"},
		{name: "unterminated quote", path: `a["x]`, wantErr: "unterminated quoted string"},
		{name: "bad quote escape", path: `a["\q"]`, wantErr: "invalid quoted string"},
		{name: "junk after quoted", path: `a["x"y]`, wantErr: "expected ']'"},
		{name: "too long", path: strings.Repeat("a.", maxPathLen), wantErr: "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePath(tc.path)
			if tc.wantErr != "" {
				var se *PathSyntaxError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParsePath(%q) error = %v, want a *PathSyntaxError containing %q", tc.path, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", tc.path, err)
			}
			if diff := cmp.Diff(tc.want, p.segs, cmp.AllowUnexported(segment{})); diff != "" {
				t.Errorf("segments (-want +got):\n%s", diff)
			}
			want := tc.canonical
			if want == "" {
				want = tc.path
			}
			if got := p.String(); got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		})
	}
}

// pathObject is a Deployment-like object the path tests read and change.
func pathObject() map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata": map[string]any{
			"name":        "web",
			"annotations": map[string]any{"example.com/a.b": "dotted"},
			"labels":      nil,
		},
		"spec": map[string]any{
			"replicas": int64(3),
			"ratio":    0.5,
			"whole":    2.0,
			"huge":     1e20,
			"paused":   false,
			"template": map[string]any{"spec": map[string]any{
				"containers": []any{
					map[string]any{"name": "nginx", "image": "nginx:1.27", "ports": []any{map[string]any{"containerPort": int64(80)}, map[string]any{"containerPort": int64(443)}}},
					map[string]any{"name": "sidecar", "image": "envoy:1", "ports": []any{map[string]any{"containerPort": int64(80)}}},
					"not an object",
					map[string]any{"name": "dup", "image": "a"},
					map[string]any{"name": "dup", "image": "b"},
				},
			}},
		},
	}
}

func TestGet(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		want     any
		wantErr  error  // sentinel the error must wrap
		wantText string // substring of the error
	}{
		{name: "string field", path: "metadata.name", want: "web"},
		{name: "selector", path: "spec.template.spec.containers[name=nginx].image", want: "nginx:1.27"},
		{name: "index", path: "spec.template.spec.containers[1].name", want: "sidecar"},
		{name: "last index", path: "spec.template.spec.containers[-1].image", want: "b"},
		{name: "numeric selector", path: "spec.template.spec.containers[0].ports[containerPort=443]", want: map[string]any{"containerPort": int64(443)}},
		{name: "quoted key", path: `metadata.annotations["example.com/a.b"]`, want: "dotted"},
		{name: "explicit null", path: "metadata.labels", want: nil},
		{name: "whole object", path: "spec.template", want: pathObject()["spec"].(map[string]any)["template"]},
		{name: "missing field", path: "spec.strategy.type", wantErr: ErrNotFound, wantText: `at spec.strategy: no field "strategy"`},
		{name: "null on the way", path: "metadata.labels.app", wantErr: ErrNotFound, wantText: `field "labels" is null`},
		{name: "field of a string", path: "metadata.name.first", wantErr: ErrWrongType, wantText: `at metadata.name.first: found the string "web", not an object`},
		{name: "field of a list", path: "spec.template.spec.containers.name", wantErr: ErrWrongType, wantText: "found a list (5 elements), not an object"},
		{name: "index of an object", path: "spec[0]", wantErr: ErrWrongType, wantText: "not a list"},
		{name: "index out of range", path: "spec.template.spec.containers[5]", wantErr: ErrNotFound, wantText: "index 5 out of range (list of 5)"},
		{name: "negative out of range", path: "spec.template.spec.containers[-6]", wantErr: ErrNotFound, wantText: "index -6 out of range"},
		{name: "selector no match", path: "spec.template.spec.containers[name=redis].image", wantErr: ErrNoMatch, wantText: "at spec.template.spec.containers[name=redis]: none of 5 elements has name=redis"},
		{name: "selector several", path: "spec.template.spec.containers[name=dup].image", wantErr: ErrAmbiguous, wantText: "elements 3 and 4 both have name=dup"},
		{name: "selector on object", path: "metadata[name=web]", wantErr: ErrWrongType, wantText: "not a list"},
		{name: "syntax error", path: "spec..x", wantText: `unstructured: get: invalid path "spec..x" at offset 5: empty field name`},
		{name: "selector compares text: 80.0 is not 80", path: "spec.template.spec.containers[0].ports[containerPort=80.0]", wantErr: ErrNoMatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Get(pathObject(), tc.path)
			checkPathErr(t, err, tc.wantErr, tc.wantText)
			if tc.wantErr == nil && tc.wantText == "" {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("Get(%q) (-want +got):\n%s", tc.path, diff)
				}
			}
		})
	}
}

// checkPathErr checks err against the wanted sentinel and message text; no
// sentinel and no text mean no error.
func checkPathErr(t *testing.T, err, wantErr error, wantText string) {
	t.Helper()
	if wantErr == nil && wantText == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %v %q", wantErr, wantText)
	}
	var pe *PathError
	if !errors.As(err, &pe) {
		t.Errorf("error %v is a %T, not a *PathError", err, err)
	}
	if wantErr != nil && !errors.Is(err, wantErr) {
		t.Errorf("error %q does not wrap %v", err, wantErr)
	}
	if !strings.Contains(err.Error(), wantText) {
		t.Errorf("error %q does not contain %q", err, wantText)
	}
}

func TestTypedGetters(t *testing.T) {
	obj := pathObject()
	obj["n"] = map[string]any{"int": 7, "u64": uint64(1 << 63), "num": json.Number("12"), "fnum": json.Number("1.5"), "bad": json.Number("x"), "f32": float32(2)}
	tests := []struct {
		name     string
		get      func() (any, error)
		want     any
		wantErr  error
		wantText string
	}{
		{name: "int64", get: func() (any, error) { return GetInt64(obj, "spec.replicas") }, want: int64(3)},
		{name: "int64 from whole float", get: func() (any, error) { return GetInt64(obj, "spec.whole") }, want: int64(2)},
		{name: "int64 from fraction", get: func() (any, error) { return GetInt64(obj, "spec.ratio") }, wantErr: ErrNumber, wantText: "0.5 has a fraction"},
		{name: "int64 overflow", get: func() (any, error) { return GetInt64(obj, "spec.huge") }, wantErr: ErrNumber, wantText: "1e+20 overflows int64"},
		{name: "int64 from int", get: func() (any, error) { return GetInt64(obj, "n.int") }, want: int64(7)},
		{name: "int64 from uint64 overflow", get: func() (any, error) { return GetInt64(obj, "n.u64") }, wantErr: ErrNumber, wantText: "overflows int64"},
		{name: "int64 from json.Number", get: func() (any, error) { return GetInt64(obj, "n.num") }, want: int64(12)},
		{name: "int64 from fractional json.Number", get: func() (any, error) { return GetInt64(obj, "n.fnum") }, wantErr: ErrNumber, wantText: "has a fraction"},
		{name: "int64 from bad json.Number", get: func() (any, error) { return GetInt64(obj, "n.bad") }, wantErr: ErrNumber, wantText: `json.Number "x"`},
		{name: "int64 from string", get: func() (any, error) { return GetInt64(obj, "metadata.name") }, wantErr: ErrWrongType, wantText: "not a number"},
		{name: "int64 missing", get: func() (any, error) { return GetInt64(obj, "spec.nope") }, wantErr: ErrNotFound},
		{name: "float64", get: func() (any, error) { return GetFloat64(obj, "spec.ratio") }, want: 0.5},
		{name: "float64 from int64", get: func() (any, error) { return GetFloat64(obj, "spec.replicas") }, want: 3.0},
		{name: "float64 from float32", get: func() (any, error) { return GetFloat64(obj, "n.f32") }, want: 2.0},
		{name: "float64 from json.Number", get: func() (any, error) { return GetFloat64(obj, "n.fnum") }, want: 1.5},
		{name: "float64 from bool", get: func() (any, error) { return GetFloat64(obj, "spec.paused") }, wantErr: ErrWrongType},
		{name: "string", get: func() (any, error) { return GetString(obj, "metadata.name") }, want: "web"},
		{name: "string from number", get: func() (any, error) { return GetString(obj, "spec.replicas") }, wantErr: ErrWrongType, wantText: "found the number 3, not a string"},
		{name: "bool", get: func() (any, error) { return GetBool(obj, "spec.paused") }, want: false},
		{name: "bool from null", get: func() (any, error) { return GetBool(obj, "metadata.labels") }, wantErr: ErrWrongType, wantText: "found null, not a boolean"},
		{name: "map", get: func() (any, error) { return GetMap(obj, "metadata.annotations") }, want: map[string]any{"example.com/a.b": "dotted"}},
		{name: "map from list", get: func() (any, error) { return GetMap(obj, "spec.template.spec.containers") }, wantErr: ErrWrongType},
		{name: "slice", get: func() (any, error) { return GetSlice(obj, "spec.template.spec.containers[sidecar=x]") }, wantErr: ErrNoMatch},
		{name: "slice ok", get: func() (any, error) { return GetSlice(obj, "spec.template.spec.containers[name=sidecar].ports") }, want: []any{map[string]any{"containerPort": int64(80)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.get()
			checkPathErr(t, err, tc.wantErr, tc.wantText)
			if tc.wantErr == nil && tc.wantText == "" {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestSelectorMatches(t *testing.T) {
	tests := []struct {
		name  string
		value any
		text  string
		want  bool
	}{
		{name: "string", value: "nginx", text: "nginx", want: true},
		{name: "string differs", value: "nginx", text: "Nginx"},
		{name: "int64", value: int64(80), text: "80", want: true},
		{name: "whole float64", value: 80.0, text: "80", want: true},
		{name: "float64", value: 0.5, text: "0.5", want: true},
		{name: "big float64", value: 1e300, text: "1e+300", want: true},
		{name: "bool", value: true, text: "true", want: true},
		{name: "go int", value: 7, text: "7", want: true},
		{name: "null", value: nil, text: ""},
		{name: "missing is not empty", value: nil, text: "null"},
		{name: "object", value: map[string]any{}, text: "map[]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := matches(tc.value, tc.text); got != tc.want {
				t.Errorf("matches(%#v, %q) = %v, want %v", tc.value, tc.text, got, tc.want)
			}
		})
	}
}
