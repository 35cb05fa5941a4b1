package printer

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TableOptions says how a server-side Table is printed, as kubectl's
// HumanReadablePrinter options do.
type TableOptions struct {
	// Wide includes the columns of priority above 0 (-o wide).
	Wide bool
	// NoHeaders leaves the header row out.
	NoHeaders bool
	// WithNamespace adds a NAMESPACE column first, from each row's object
	// metadata (kubectl get -A on a namespaced resource).
	WithNamespace bool
	// Kind, when not empty, prefixes every name cell with the lowercase
	// "kind.group/" (kubectl does so when one get prints several kinds).
	Kind schema.GroupKind
}

// TablePrinter turns server-side Tables into rows of cells the way kubectl's
// HumanReadablePrinter does, keeping its state across calls: a header is
// printed once for a run of tables with the same columns (the tables of one
// resource, or the events of a watch), and a table without column
// definitions (a watch event) reuses the last ones.
type TablePrinter struct {
	Options TableOptions

	lastColumns    []metav1.TableColumnDefinition
	printedHeaders bool
}

// Rows returns the rows kubectl prints for t, the header first when one is
// due. A table without rows prints nothing, not even its header.
func (p *TablePrinter) Rows(t *metav1.Table) [][]string {
	opts := p.Options
	columns := t.ColumnDefinitions
	if p.printedHeaders && (len(columns) == 0 || reflect.DeepEqual(columns, p.lastColumns)) {
		opts.NoHeaders = true
	}
	if len(columns) == 0 {
		columns = p.lastColumns
	} else if !reflect.DeepEqual(columns, p.lastColumns) {
		p.lastColumns = columns
		p.printedHeaders = false
	}
	if len(t.Rows) > 0 {
		p.printedHeaders = true
	}
	return tableRows(columns, t.Rows, opts)
}

// tableRows decorates and formats rows as kubectl's decorateTable and
// printTable do.
func tableRows(columns []metav1.TableColumnDefinition, rows []metav1.TableRow, opts TableOptions) [][]string {
	if len(rows) == 0 {
		return nil
	}
	nameColumn := -1
	if !opts.Kind.Empty() {
		for i, c := range columns {
			if c.Format == "name" && c.Type == "string" {
				nameColumn = i
				break
			}
		}
	}
	var out [][]string
	if !opts.NoHeaders {
		var header []string
		if opts.WithNamespace {
			header = append(header, "NAMESPACE")
		}
		for _, c := range columns {
			if opts.Wide || c.Priority == 0 {
				header = append(header, strings.ToUpper(c.Name))
			}
		}
		out = append(out, header)
	}
	kind := strings.ToLower(opts.Kind.String())
	for _, row := range rows {
		var cells []string
		if opts.WithNamespace {
			cells = append(cells, FormatCell(rowNamespace(row)))
		}
		for i, cell := range row.Cells {
			if i >= len(columns) {
				break // more cells than columns: kubectl drops them (issue 66379)
			}
			if !opts.Wide && columns[i].Priority != 0 {
				continue
			}
			if i == nameColumn {
				cell = fmt.Sprintf("%s/%s", kind, cell)
			}
			cells = append(cells, FormatCell(cell))
		}
		out = append(out, cells)
	}
	return out
}

// rowNamespace returns the namespace in a row's object metadata, or nil
// when the row carries no object (kubectl then prints an empty cell).
func rowNamespace(row metav1.TableRow) any {
	if len(row.Object.Raw) == 0 {
		return nil
	}
	var m struct {
		Metadata struct {
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(row.Object.Raw, &m); err != nil {
		return nil
	}
	return m.Metadata.Namespace
}

var terminalEscaper = strings.NewReplacer("\x1b", "^[", "\r", "\\r")

// FormatCell prints one table cell as kubectl does: nothing for null,
// a string up to its first line break (then "..."), anything else with
// fmt.Sprint; terminal escapes are defused. Numbers decoded from JSON as
// float64 print as integers when they are whole, as kubectl (which decodes
// them as int64) prints them.
func FormatCell(v any) string {
	switch val := v.(type) {
	case nil:
		return ""
	case string:
		if i := strings.IndexAny(val, "\f\n\r"); i >= 0 {
			return terminalEscaper.Replace(val[:i]) + "..."
		}
		return terminalEscaper.Replace(val)
	case float64:
		if val == math.Trunc(val) && math.Abs(val) < 1<<63 {
			return strconv.FormatInt(int64(val), 10)
		}
		return fmt.Sprint(val)
	default:
		return terminalEscaper.Replace(fmt.Sprint(val))
	}
}
