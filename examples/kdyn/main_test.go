package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	vfield "k8s.io/apimachinery/pkg/util/validation/field"
)

func TestParseResourceArgs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    resourceArgs
		wantErr string
	}{
		{name: "resource", args: []string{"pods"}, want: resourceArgs{Resources: "pods", Names: []string{}}},
		{name: "list and names", args: []string{"cm,secrets", "a", "b"}, want: resourceArgs{Resources: "cm,secrets", Names: []string{"a", "b"}}},
		{name: "type/name pairs", args: []string{"cm/a", "widgets.example.com/w1"},
			want: resourceArgs{Pairs: []typeName{{"cm", "a"}, {"widgets.example.com", "w1"}}}},
		{name: "none", args: nil, wantErr: "you must specify the type of resource"},
		{name: "mixed forms", args: []string{"cm", "cm/a"}, wantErr: "there is no need to specify a resource type"},
		{name: "empty name", args: []string{"cm/"}, wantErr: "must have a single resource and name"},
		{name: "two slashes", args: []string{"cm/a/b"}, wantErr: "must have a single resource and name"},
		{name: "dangling comma", args: []string{"cm,"}, wantErr: `invalid resource "cm,"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseResourceArgs(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// FuzzParseResourceArgs: parsing never panics and a result always names
// something to look up.
func FuzzParseResourceArgs(f *testing.F) {
	for _, s := range []string{"pods", "cm,secrets a b", "cm/a widget/b", "cm cm/a", "/", "a//b", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ra, err := parseResourceArgs(strings.Fields(line))
		if err == nil && ra.Resources == "" && len(ra.Pairs) == 0 {
			t.Errorf("%q parsed to nothing: %+v", line, ra)
		}
	})
}

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want metav1.DeletionPropagation
		err  bool
	}{
		{in: "background", want: metav1.DeletePropagationBackground},
		{in: "foreground", want: metav1.DeletePropagationForeground},
		{in: "orphan", want: metav1.DeletePropagationOrphan},
		{in: "true", err: true},
	} {
		t.Run("cascade="+tc.in, func(t *testing.T) {
			got, err := parseCascade(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("parseCascade(%q) = %q, %v", tc.in, got, err)
			}
		})
	}
	for in, want := range map[string]bool{"": false, "none": false, "server": true} {
		if got, err := parseDryRun(in); err != nil || got != want {
			t.Errorf("parseDryRun(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseDryRun("client"); err == nil {
		t.Error("parseDryRun(client): no error")
	}
}

func TestErrorLine(t *testing.T) {
	gr := schema.GroupResource{Resource: "configmaps"}
	invalid := apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "Bad_Name", vfield.ErrorList{
		vfield.Invalid(vfield.NewPath("metadata", "name"), "Bad_Name", "a lowercase RFC 1123 subdomain"),
		vfield.Required(vfield.NewPath("data"), "needed"),
	})
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{name: "not found", err: apierrors.NewNotFound(gr, "x"), want: `Error from server (NotFound): configmaps "x" not found`},
		{name: "no reason", err: &apierrors.StatusError{ErrStatus: metav1.Status{Message: "boom"}}, want: "Error from server: boom"},
		{name: "invalid with causes", err: invalid,
			want: `The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain; data: Required value: needed`},
		{name: "invalid without details", err: &apierrors.StatusError{ErrStatus: metav1.Status{Reason: metav1.StatusReasonInvalid, Message: "bad"}},
			want: "The request is invalid: bad"},
		{name: "wrapped server error", err: fmt.Errorf("apply x: %w", apierrors.NewConflict(gr, "x", errors.New("changed"))),
			want: `Error from server (Conflict): apply x: Operation cannot be fulfilled on configmaps "x": changed`},
		{name: "other", err: errors.New("line one\nline two"), want: "error: line one line two"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := errorLine(tc.err); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestDiffNameAndMask(t *testing.T) {
	obj := &unstructured.Unstructured{}
	obj.SetAPIVersion("example.com/v1")
	obj.SetKind("Widget")
	obj.SetName("w1")
	if got := diffName(obj, "ns"); got != "example.com.v1.Widget.ns.w1" {
		t.Errorf("diffName = %q", got)
	}
	obj.SetAPIVersion("v1")
	obj.SetKind("Namespace")
	if got := diffName(obj, ""); got != "v1.Namespace..w1" {
		t.Errorf("diffName = %q", got)
	}

	from := &unstructured.Unstructured{Object: map[string]any{"data": map[string]any{"same": "YQ==", "changed": "Yg==", "gone": "Yw=="}}}
	to := &unstructured.Unstructured{Object: map[string]any{"data": map[string]any{"same": "YQ==", "changed": "Yw==", "new": "ZA=="}}}
	maskSecretData(from, to)
	wantFrom := map[string]any{"same": "***", "changed": "*** (before)", "gone": "***"}
	wantTo := map[string]any{"same": "***", "changed": "*** (after)", "new": "***"}
	if d := cmp.Diff(wantFrom, from.Object["data"]); d != "" {
		t.Errorf("from (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantTo, to.Object["data"]); d != "" {
		t.Errorf("to (-want +got):\n%s", d)
	}
	created := &unstructured.Unstructured{Object: map[string]any{"data": map[string]any{"k": "dg=="}}}
	maskSecretData(nil, created)
	if d := cmp.Diff(map[string]any{"k": "***"}, created.Object["data"]); d != "" {
		t.Errorf("new secret (-want +got):\n%s", d)
	}
}

func mapping(group, kind, resource string, namespaced bool) *meta.RESTMapping {
	scope := meta.RESTScopeRoot
	if namespaced {
		scope = meta.RESTScopeNamespace
	}
	return &meta.RESTMapping{
		Resource:         schema.GroupVersionResource{Group: group, Version: "v1", Resource: resource},
		GroupVersionKind: schema.GroupVersionKind{Group: group, Version: "v1", Kind: kind},
		Scope:            scope,
	}
}

func table(names ...string) *metav1.Table {
	t := &metav1.Table{ColumnDefinitions: []metav1.TableColumnDefinition{
		{Name: "Name", Type: "string", Format: "name"}, {Name: "Age", Type: "string"},
	}}
	for _, n := range names {
		t.Rows = append(t.Rows, metav1.TableRow{Cells: []any{n, "1m"}})
	}
	return t
}

// TestPrintTables: kubectl get's layout of several tables.
func TestPrintTables(t *testing.T) {
	cm := mapping("", "ConfigMap", "configmaps", true)
	w := mapping("example.com", "Widget", "widgets", true)
	for _, tc := range []struct {
		name  string
		infos []tableInfo
		o     getFlags
		want  string
	}{
		{name: "pages of one resource: one block, one header",
			infos: []tableInfo{{cm, table("a")}, {cm, table("bbbbbbbbbb")}},
			want:  "NAME         AGE\na            1m\nbbbbbbbbbb   1m\n"},
		{name: "two kinds: kind-prefixed, a blank line between, widths per block",
			infos: []tableInfo{{cm, table("a")}, {w, table("w1")}},
			want:  "NAME          AGE\nconfigmap/a   1m\n\nNAME                    AGE\nwidget.example.com/w1   1m\n"},
		{name: "an empty table prints nothing, and no blank line first",
			infos: []tableInfo{{w, table()}, {cm, table("a")}},
			want:  "NAME          AGE\nconfigmap/a   1m\n"},
		{name: "no headers, no blank line",
			infos: []tableInfo{{cm, table("a")}, {w, table("w1")}},
			o:     getFlags{noHeaders: true},
			want:  "configmap/a   1m\nwidget.example.com/w1   1m\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if _, err := printTables(&b, tc.infos, tc.o); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, b.String()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestPrintObjects(t *testing.T) {
	item := func(apiVersion, kind, name string) unstructured.Unstructured {
		u := unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind,
			"metadata": map[string]any{"name": name, "managedFields": []any{map[string]any{"manager": "m"}}}}}
		return u
	}
	items := []unstructured.Unstructured{item("v1", "ConfigMap", "c1"), item("example.com/v1", "Widget", "w1")}
	var b strings.Builder
	if err := printObjects(&b, items, "name", false); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "configmap/c1\nwidget.example.com/w1\n" {
		t.Errorf("-o name: %q", got)
	}
	b.Reset()
	if err := printObjects(&b, items[:1], "json", true); err != nil {
		t.Fatal(err)
	}
	want := "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\",\n    \"metadata\": {\n        \"name\": \"c1\"\n    }\n}\n"
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("-o json single (-want +got):\n%s", d)
	}
	b.Reset()
	if err := printObjects(&b, nil, "yaml", false); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n" {
		t.Errorf("-o yaml of nothing: %q", got)
	}
}

// TestRunFlagErrors: mistakes found before any connection are one line and
// exit 1 (diff: 2).
func TestRunFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
		code   int
	}{
		{name: "get without a resource", args: []string{"get"}, code: 1,
			stderr: "error: you must specify the type of resource to get. Use \"kdyn api-resources\" for a complete list of supported resources\n"},
		{name: "get bad output", args: []string{"get", "pods", "-o", "xml"}, code: 1,
			stderr: "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: json,name,wide,yaml\n"},
		{name: "get by name across namespaces", args: []string{"get", "pods", "x", "-A"}, code: 1,
			stderr: "error: a resource cannot be retrieved by name across all namespaces\n"},
		{name: "api-resources sort", args: []string{"api-resources", "--sort-by=age"}, code: 1,
			stderr: "error: --sort-by accepts only name or kind\n"},
		{name: "delete without names", args: []string{"delete", "cm"}, code: 1,
			stderr: "error: resource(s) were provided, but no name or label selector was specified\n"},
		{name: "patch without a patch", args: []string{"patch", "cm", "x"}, code: 1,
			stderr: "error: must specify exactly one of --patch (-p) and --patch-file\n"},
		{name: "apply without files", args: []string{"apply"}, code: 1,
			stderr: "error: must specify one of -f and -k\n"},
		{name: "diff without files", args: []string{"diff"}, code: 2,
			stderr: "error: must specify one of -f and -k\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.code || stderr.String() != tc.stderr || stdout.Len() != 0 {
				t.Errorf("got exit %d, stderr %q, stdout %q; want exit %d, stderr %q", code, stderr.String(), stdout.String(), tc.code, tc.stderr)
			}
		})
	}
}
