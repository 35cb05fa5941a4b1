package unstructured

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetRemove(t *testing.T) {
	containers := func(obj map[string]any) []any {
		return obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)
	}
	tests := []struct {
		name     string
		op       func(obj map[string]any) error
		want     func(obj map[string]any) // applies the expected change to a fresh object
		wantErr  error
		wantText string
	}{
		{
			name: "set through selector",
			op: func(o map[string]any) error {
				return Set(o, "spec.template.spec.containers[name=nginx].image", "nginx:1.28")
			},
			want: func(o map[string]any) { containers(o)[0].(map[string]any)["image"] = "nginx:1.28" },
		},
		{
			name: "set creates objects",
			op:   func(o map[string]any) error { return Set(o, `spec.strategy.rollingUpdate["max.surge"]`, 1) },
			want: func(o map[string]any) {
				o["spec"].(map[string]any)["strategy"] = map[string]any{"rollingUpdate": map[string]any{"max.surge": int64(1)}}
			},
		},
		{
			name: "set replaces null",
			op:   func(o map[string]any) error { return Set(o, "metadata.labels.app", "web") },
			want: func(o map[string]any) { o["metadata"].(map[string]any)["labels"] = map[string]any{"app": "web"} },
		},
		{
			name: "set normalizes go types",
			op: func(o map[string]any) error {
				return Set(o, "data", map[string]any{"list": []string{"a"}, "m": map[string]int32{"x": 1}, "f": float32(0.5), "u": uint8(2), "b": []byte("hi")})
			},
			want: func(o map[string]any) {
				o["data"] = map[string]any{"list": []any{"a"}, "m": map[string]any{"x": int64(1)}, "f": 0.5, "u": int64(2), "b": "aGk="}
			},
		},
		{
			name: "set list element by index",
			op: func(o map[string]any) error {
				return Set(o, "spec.template.spec.containers[2]", map[string]any{"name": "x"})
			},
			want: func(o map[string]any) { containers(o)[2] = map[string]any{"name": "x"} },
		},
		{
			name: "set through missing selector",
			op: func(o map[string]any) error {
				return Set(o, "spec.template.spec.containers[name=redis].image", "redis")
			},
			wantErr:  ErrNoMatch,
			wantText: "set",
		},
		{
			name:     "set field of a string",
			op:       func(o map[string]any) error { return Set(o, "metadata.name.x", 1) },
			wantErr:  ErrWrongType,
			wantText: `found the string "web", not an object`,
		},
		{
			name:     "set a struct",
			op:       func(o map[string]any) error { return Set(o, "spec.x", struct{ A int }{1}) },
			wantErr:  ErrWrongType,
			wantText: "has no JSON form",
		},
		{
			name:     "set map with int keys",
			op:       func(o map[string]any) error { return Set(o, "spec.x", map[int]string{1: "a"}) },
			wantErr:  ErrWrongType,
			wantText: "non-string keys",
		},
		{
			name: "remove field",
			op:   func(o map[string]any) error { return Remove(o, "spec.replicas") },
			want: func(o map[string]any) { delete(o["spec"].(map[string]any), "replicas") },
		},
		{
			name: "remove quoted key",
			op:   func(o map[string]any) error { return Remove(o, `metadata.annotations["example.com/a.b"]`) },
			want: func(o map[string]any) { o["metadata"].(map[string]any)["annotations"] = map[string]any{} },
		},
		{
			name: "remove list element by selector",
			op:   func(o map[string]any) error { return Remove(o, "spec.template.spec.containers[name=sidecar]") },
			want: func(o map[string]any) {
				c := containers(o)
				o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"] = append(c[:1:1], c[2:]...)
			},
		},
		{
			name: "remove nested list element",
			op: func(o map[string]any) error {
				return Remove(o, "spec.template.spec.containers[0].ports[containerPort=80]")
			},
			want: func(o map[string]any) {
				containers(o)[0].(map[string]any)["ports"] = []any{map[string]any{"containerPort": int64(443)}}
			},
		},
		{
			name: "remove last element",
			op:   func(o map[string]any) error { return Remove(o, "spec.template.spec.containers[-1]") },
			want: func(o map[string]any) {
				o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"] = containers(o)[:4]
			},
		},
		{
			name:     "remove missing field",
			op:       func(o map[string]any) error { return Remove(o, "spec.nope") },
			wantErr:  ErrNotFound,
			wantText: `remove "spec.nope": at spec.nope: no field "nope"`,
		},
		{
			name:     "remove ambiguous",
			op:       func(o map[string]any) error { return Remove(o, "spec.template.spec.containers[name=dup]") },
			wantErr:  ErrAmbiguous,
			wantText: "both have name=dup",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pathObject()
			err := tc.op(got)
			checkPathErr(t, err, tc.wantErr, tc.wantText)
			want := pathObject()
			if tc.want != nil {
				tc.want(want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("object after the operation (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetCopiesValue(t *testing.T) {
	obj := map[string]any{}
	v := map[string]any{"a": []any{"x"}}
	if err := Set(obj, "spec", v); err != nil {
		t.Fatal(err)
	}
	v["a"].([]any)[0] = "changed"
	if diff := cmp.Diff(map[string]any{"spec": map[string]any{"a": []any{"x"}}}, obj); diff != "" {
		t.Errorf("Set kept a reference to the value (-want +got):\n%s", diff)
	}
	var zero Path
	if _, err := zero.Get(obj); err == nil {
		t.Error("Get on the zero Path: no error")
	}
	if err := Set(nil, "a", 1); err == nil {
		t.Error("Set on a nil object: no error")
	}
}
