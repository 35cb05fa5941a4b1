package unstructured

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestDiff(t *testing.T) {
	live := func() *k8su.Unstructured {
		return &k8su.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": serverMeta(map[string]any{"annotations": map[string]any{"note": "live"}}),
			"data":     map[string]any{"a": "1", "n": 2.0}, "status": map[string]any{"ok": true}}}
	}
	desired := func() *k8su.Unstructured {
		return &k8su.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "x", "namespace": "src", "labels": map[string]any{"app": "web"}, "annotations": map[string]any{"note": "live"}},
			"data":     map[string]any{"a": "1", "n": int64(2)}}}
	}
	tests := []struct {
		name     string
		a, b     *k8su.Unstructured
		opts     DiffOptions
		wantSame bool
		want     []string // lines (trimmed) the diff must contain
		wantErr  string
	}{
		{name: "identical", a: live(), b: live(), wantSame: true},
		{
			name: "server fields and status differ",
			a:    live(), b: desired(),
			want: []string{`-       "uid":               string("u-1"),`, `- 	"status": map[string]any{"ok": bool(true)},`, `-       "n": float64(2),`, `+       "n": int64(2),`},
		},
		{
			name: "everything ignored",
			a:    live(), b: desired(),
			opts:     DiffOptions{IgnoreServerFields: true, IgnoreStatus: true, EquateNumbers: true},
			wantSame: true,
		},
		{
			name: "a real change remains",
			a:    live(), b: func() *k8su.Unstructured { d := desired(); d.Object["data"].(map[string]any)["a"] = "2"; return d }(),
			opts: DiffOptions{IgnoreServerFields: true, IgnoreStatus: true, EquateNumbers: true},
			want: []string{`-       "a": string("1"),`, `+       "a": string("2"),`},
		},
		{
			name: "extra ignored paths",
			a:    live(), b: func() *k8su.Unstructured {
				d := desired()
				d.Object["metadata"].(map[string]any)["annotations"] = map[string]any{"note": "new"}
				return d
			}(),
			opts:     DiffOptions{IgnoreServerFields: true, IgnoreStatus: true, EquateNumbers: true, IgnorePaths: []string{`metadata.annotations["note"]`, "spec.absent", "data.a.b"}},
			wantSame: true,
		},
		{name: "nil against empty", a: nil, b: &k8su.Unstructured{Object: map[string]any{}}, wantSame: true},
		{name: "nil against object", a: nil, b: desired(), want: []string{`+ 	"kind":       string("ConfigMap"),`}},
		{name: "bad ignore path", a: live(), b: live(), opts: DiffOptions{IgnorePaths: []string{"a..b"}}, wantErr: "empty field name"},
		{name: "value with no JSON form", a: &k8su.Unstructured{Object: map[string]any{"f": func() {}}}, b: live(), wantErr: "first object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before []*k8su.Unstructured
			for _, u := range []*k8su.Unstructured{tc.a, tc.b} {
				if u != nil && tc.wantErr == "" {
					before = append(before, u.DeepCopy())
				}
			}
			got, err := Diff(tc.a, tc.b, tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantSame != (got == "") {
				t.Fatalf("diff = %q, want empty: %v", got, tc.wantSame)
			}
			norm := strings.ReplaceAll(strings.ReplaceAll(got, "\u00a0", " "), "\t", " ")
			for _, line := range tc.want {
				l := strings.ReplaceAll(strings.ReplaceAll(line, "\t", " "), "\u00a0", " ")
				if !strings.Contains(collapse(norm), collapse(l)) {
					t.Errorf("diff lacks %q:\n%s", line, got)
				}
			}
			i := 0
			for _, u := range []*k8su.Unstructured{tc.a, tc.b} {
				if u != nil {
					if diff := cmp.Diff(before[i], u); diff != "" {
						t.Errorf("Diff changed its input:\n%s", diff)
					}
					i++
				}
			}
		})
	}
}

// collapse squeezes runs of spaces, as go-cmp aligns columns with them.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
