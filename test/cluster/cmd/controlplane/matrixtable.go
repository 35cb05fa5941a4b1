package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// matrixTable renders the matrix as a Markdown table: one row per server,
// one column per package, each cell a verdict with its counts (see
// pkgResult.Cell).
func matrixTable(rows []*matrixRow, module string, paths []string, when time.Time) string {
	rows = append([]*matrixRow(nil), rows...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Minor < rows[j].Minor })
	var b strings.Builder
	fmt.Fprintf(&b, "\nkubedyn compatibility matrix, run %s (counts are top-level tests)\n\n", when.UTC().Format("2006-01-02 15:04 MST"))
	b.WriteString("| server |")
	for _, p := range paths {
		fmt.Fprintf(&b, " %s |", shortPackage(module, p))
	}
	b.WriteString("\n|---|")
	for range paths {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, row := range rows {
		name := row.Name
		if row.Server != "" {
			name += " (" + row.Server + ")"
		}
		fmt.Fprintf(&b, "| %s |", name)
		for _, p := range paths {
			switch {
			case row.StartErr != nil && row.Results == nil:
				b.WriteString(" NO SERVER |")
			case row.Results == nil:
				b.WriteString(" NOT RUN |")
			default:
				fmt.Fprintf(&b, " %s |", row.Results.Get(p).Cell())
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// matrixFailures lists every failed cell: the server, the package, each
// failed test with the last lines it printed, and servers that did not start.
func matrixFailures(rows []*matrixRow, module string) string {
	var b strings.Builder
	for _, row := range rows {
		if row.StartErr != nil {
			fmt.Fprintf(&b, "\n### %s: %v\n", row.Name, row.StartErr)
		}
		if row.Results == nil {
			continue
		}
		for _, p := range row.Results.Packages() {
			if p.OK() {
				continue
			}
			fmt.Fprintf(&b, "\n### %s × %s: %s\n", row.Name, shortPackage(module, p.Package), p.Cell())
			for _, f := range p.Failures {
				fmt.Fprintf(&b, "\n- %s\n", f.Test)
				for _, l := range f.Output {
					fmt.Fprintf(&b, "      %s\n", l)
				}
			}
			if len(p.Unfinished) > 0 {
				fmt.Fprintf(&b, "\n- still running when the binary ended: %s\n", strings.Join(p.Unfinished, ", "))
			}
			if len(p.Failures) == 0 {
				for _, l := range p.Output {
					fmt.Fprintf(&b, "      %s\n", l)
				}
			}
		}
	}
	return b.String()
}

// shortPackage is an import path relative to the module: "dynamic", "examples/kdyn".
func shortPackage(module, path string) string {
	if s, ok := strings.CutPrefix(path, module+"/"); ok {
		return s
	}
	return path
}
