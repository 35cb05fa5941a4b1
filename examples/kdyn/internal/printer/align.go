package printer

import (
	"io"
	"strings"
	"unicode/utf8"
)

// kubectl's tab writer settings (k8s.io/cli-runtime/pkg/printers/tabwriter.go):
// minimal cell width 6 including padding, padding 3, padded with spaces.
const (
	minWidth = 6
	padding  = 3
)

// Aligner lays out rows of cells as kubectl's tab writer (liggitt/tabwriter
// with RememberWidths) does: every cell but the last of a row is padded to
// its column's width, the widest cell plus 3 and at least 6. Widths are
// remembered from one Write to the next, as kubectl get -w keeps its columns
// steady while rows arrive; Reset forgets them (kubectl does between the tables
// of different resources).
//
// Rows of one Write are assumed to have the same number of cells, which is
// what kubectl's tables print; where they do not, a column's width is the
// widest of all rows that have a cell after it.
type Aligner struct {
	widths []int // remembered column widths
}

// Reset forgets the remembered widths.
func (a *Aligner) Reset() { a.widths = nil }

// Write writes rows, aligned, each ending in a newline.
func (a *Aligner) Write(w io.Writer, rows [][]string) error {
	for _, row := range rows {
		for j := 0; j < len(row)-1; j++ {
			width := max(minWidth, utf8.RuneCountInString(row[j])+padding)
			if j >= len(a.widths) {
				a.widths = append(a.widths, width)
			} else if width > a.widths[j] {
				a.widths[j] = width
			}
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for j, cell := range row {
			b.WriteString(cell)
			if j < len(row)-1 {
				b.WriteString(strings.Repeat(" ", a.widths[j]-utf8.RuneCountInString(cell)))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Align returns rows laid out once, with no remembered widths.
func Align(rows [][]string) string {
	var b strings.Builder
	var a Aligner
	_ = a.Write(&b, rows) // a strings.Builder never fails
	return b.String()
}
