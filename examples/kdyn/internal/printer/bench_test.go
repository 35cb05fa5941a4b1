package printer

import (
	"fmt"
	"io"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BenchmarkTable lays out a 1000-row server-side Table as kdyn get prints it.
func BenchmarkTable(b *testing.B) {
	t := &metav1.Table{ColumnDefinitions: cols(nameCol, dataCol, wideCol, ageCol)}
	for i := range 1000 {
		t.Rows = append(t.Rows, row("ns", fmt.Sprintf("configmap-%d", i), float64(i), "red", "5m"))
	}
	b.ReportAllocs()
	for b.Loop() {
		p := TablePrinter{Options: TableOptions{WithNamespace: true}}
		var a Aligner
		if err := a.Write(io.Discard, p.Rows(t)); err != nil {
			b.Fatal(err)
		}
	}
}
