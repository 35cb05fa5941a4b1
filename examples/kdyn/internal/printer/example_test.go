package printer_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
)

func ExampleTablePrinter() {
	table := &metav1.Table{
		ColumnDefinitions: []metav1.TableColumnDefinition{
			{Name: "Name", Type: "string", Format: "name"},
			{Name: "Data", Type: "integer"},
			{Name: "Age", Type: "string"},
		},
		Rows: []metav1.TableRow{
			{Cells: []any{"settings", float64(2), "5m"}},
			{Cells: []any{"a-much-longer-name", float64(10), "3d"}},
		},
	}
	p := printer.TablePrinter{}
	fmt.Print(printer.Align(p.Rows(table)))
	// Output:
	// NAME                 DATA   AGE
	// settings             2      5m
	// a-much-longer-name   10     3d
}
