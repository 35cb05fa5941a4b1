package printer

import (
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestAlign(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows [][]string
		want string
	}{
		{name: "minimum width 6, padding 3, last cell unpadded",
			rows: [][]string{{"NAME", "AGE"}, {"a", "1s"}},
			want: "NAME   AGE\na      1s\n"},
		{name: "widest cell plus 3",
			rows: [][]string{{"NAME", "DATA", "AGE"}, {"configmap-long", "2", "5m"}},
			want: "NAME             DATA   AGE\nconfigmap-long   2      5m\n"},
		{name: "empty cells keep their column",
			rows: [][]string{{"NAME", "SHORTNAMES", "KIND"}, {"bindings", "", "Binding"}, {"pods", "po", "Pod"}},
			want: "NAME       SHORTNAMES   KIND\nbindings                Binding\npods       po           Pod\n"},
		{name: "an empty last cell adds nothing",
			rows: [][]string{{"A", "B"}, {"x", ""}},
			want: "A     B\nx     \n"},
		{name: "width counts runes",
			rows: [][]string{{"ÄÖÜÄÖÜÄ", "x"}, {"a", "y"}},
			want: "ÄÖÜÄÖÜÄ   x\na         y\n"},
		{name: "no rows", rows: nil, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Align(tc.rows)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestAlignMatchesTabwriter: for tables whose rows have the same number of
// cells (what kubectl prints), Align writes what kubectl's tab writer (a
// text/tabwriter with minwidth 6, tabwidth 4, padding 3) writes.
func TestAlignMatchesTabwriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "po", "Running", "configmaps", "ÄÖÜ", "kube-system", "1234567", "true"}
	for i := range 500 {
		ncols, nrows := 1+rng.IntN(6), rng.IntN(8)
		rows := make([][]string, nrows)
		var in strings.Builder
		for r := range rows {
			for range ncols {
				rows[r] = append(rows[r], words[rng.IntN(len(words))])
			}
			in.WriteString(strings.Join(rows[r], "\t") + "\n")
		}
		var want strings.Builder
		tw := tabwriter.NewWriter(&want, 6, 4, 3, ' ', 0)
		_, _ = tw.Write([]byte(in.String()))
		_ = tw.Flush()
		if got := Align(rows); got != want.String() {
			t.Fatalf("case %d, rows %q:\ngot:\n%s\nwant:\n%s", i, rows, got, want.String())
		}
	}
}

// TestAlignerRemembersWidths: as kubectl get -w, a later narrower row keeps
// the widths seen so far, a wider one widens its column; Reset forgets.
func TestAlignerRemembersWidths(t *testing.T) {
	var a Aligner
	var b strings.Builder
	steps := [][][]string{
		{{"NAME", "SIZE", "AGE"}, {"w1", "4", "81s"}},
		{{"w1", "77777777", "83s"}},
		{{"w2", "5", "0s"}},
	}
	for _, rows := range steps {
		if err := a.Write(&b, rows); err != nil {
			t.Fatal(err)
		}
	}
	want := "NAME   SIZE   AGE\nw1     4      81s\nw1     77777777   83s\nw2     5          0s\n"
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	a.Reset()
	b.Reset()
	_ = a.Write(&b, [][]string{{"w2", "5", "0s"}})
	if got := b.String(); got != "w2    5     0s\n" {
		t.Errorf("after Reset: %q", got)
	}
}

func cols(defs ...metav1.TableColumnDefinition) []metav1.TableColumnDefinition { return defs }

var (
	nameCol = metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name"}
	dataCol = metav1.TableColumnDefinition{Name: "Data", Type: "integer"}
	wideCol = metav1.TableColumnDefinition{Name: "Color", Type: "string", Priority: 1}
	ageCol  = metav1.TableColumnDefinition{Name: "Age", Type: "string"}
)

func row(ns string, cells ...any) metav1.TableRow {
	r := metav1.TableRow{Cells: cells}
	if ns != "" {
		r.Object = runtime.RawExtension{Raw: []byte(`{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"x","namespace":"` + ns + `"}}`)}
	}
	return r
}

func TestTablePrinter(t *testing.T) {
	table := &metav1.Table{
		ColumnDefinitions: cols(nameCol, dataCol, wideCol, ageCol),
		Rows:              []metav1.TableRow{row("ns1", "c1", float64(2), "red", "5m"), row("ns2", "c2", float64(1234567), nil, "1d")},
	}
	for _, tc := range []struct {
		name string
		opts TableOptions
		want [][]string
	}{
		{name: "default hides priority columns",
			want: [][]string{{"NAME", "DATA", "AGE"}, {"c1", "2", "5m"}, {"c2", "1234567", "1d"}}},
		{name: "wide",
			opts: TableOptions{Wide: true},
			want: [][]string{{"NAME", "DATA", "COLOR", "AGE"}, {"c1", "2", "red", "5m"}, {"c2", "1234567", "", "1d"}}},
		{name: "namespace column from row metadata",
			opts: TableOptions{WithNamespace: true},
			want: [][]string{{"NAMESPACE", "NAME", "DATA", "AGE"}, {"ns1", "c1", "2", "5m"}, {"ns2", "c2", "1234567", "1d"}}},
		{name: "kind-prefixed names",
			opts: TableOptions{Kind: schema.GroupKind{Group: "example.com", Kind: "Widget"}, NoHeaders: true},
			want: [][]string{{"widget.example.com/c1", "2", "5m"}, {"widget.example.com/c2", "1234567", "1d"}}},
		{name: "core kind",
			opts: TableOptions{Kind: schema.GroupKind{Kind: "ConfigMap"}, NoHeaders: true},
			want: [][]string{{"configmap/c1", "2", "5m"}, {"configmap/c2", "1234567", "1d"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := TablePrinter{Options: tc.opts}
			if d := cmp.Diff(tc.want, p.Rows(table.DeepCopy())); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestTablePrinterHeaders: one header per run of tables with the same
// columns, none for an empty table, and a watch event's table without
// column definitions reuses the last ones.
func TestTablePrinterHeaders(t *testing.T) {
	var p TablePrinter
	empty := &metav1.Table{ColumnDefinitions: cols(nameCol, ageCol)}
	page := &metav1.Table{ColumnDefinitions: cols(nameCol, ageCol), Rows: []metav1.TableRow{row("", "a", "1s")}}
	event := &metav1.Table{Rows: []metav1.TableRow{row("", "b", "2s")}}
	other := &metav1.Table{ColumnDefinitions: cols(nameCol, dataCol, ageCol), Rows: []metav1.TableRow{row("", "c", float64(1), "3s")}}
	var got [][]string
	for _, tb := range []*metav1.Table{empty, page, page, event, other} {
		got = append(got, p.Rows(tb)...)
	}
	want := [][]string{{"NAME", "AGE"}, {"a", "1s"}, {"a", "1s"}, {"b", "2s"}, {"NAME", "DATA", "AGE"}, {"c", "1", "3s"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestFormatCell(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{name: "null", in: nil, want: ""},
		{name: "string", in: "Running", want: "Running"},
		{name: "truncated at a newline", in: "line1\nline2", want: "line1..."},
		{name: "truncated at a carriage return", in: "a\rb", want: "a..."},
		{name: "escape defused", in: "\x1b[31mred", want: "^[[31mred"},
		{name: "whole float as integer", in: float64(1234567), want: "1234567"},
		{name: "negative whole float", in: float64(-3), want: "-3"},
		{name: "fraction", in: 1.5, want: "1.5"},
		{name: "int64", in: int64(7), want: "7"},
		{name: "bool", in: true, want: "true"},
		{name: "list", in: []any{"a", "b"}, want: "[a b]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatCell(tc.in); got != tc.want {
				t.Errorf("FormatCell(%#v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	w := schema.GroupKind{Group: "example.com", Kind: "Widget"}
	cm := schema.GroupKind{Kind: "ConfigMap"}
	for _, tc := range []struct{ name, got, want string }{
		{name: "KindName core", got: KindName(cm), want: "configmap"},
		{name: "KindName group", got: KindName(w), want: "widget.example.com"},
		{name: "ObjectName", got: ObjectName(w, "w1"), want: "widget.example.com/w1"},
		{name: "ObjectName unknown", got: ObjectName(cm, ""), want: "configmap/<unknown>"},
		{name: "Operation", got: Operation(cm, "x", "created", false), want: "configmap/x created"},
		{name: "Operation dry run", got: Operation(cm, "x", "serverside-applied", true), want: "configmap/x serverside-applied (server dry run)"},
		{name: "Deleted namespaced", got: Deleted(cm, "x", "ns", false), want: `configmap "x" deleted from ns namespace`},
		{name: "Deleted cluster-scoped", got: Deleted(schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}, "r", "", false), want: `clusterrole.rbac.authorization.k8s.io "r" deleted`},
		{name: "Deleted dry run", got: Deleted(cm, "x", "ns", true), want: `configmap "x" deleted from ns namespace (server dry run)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
