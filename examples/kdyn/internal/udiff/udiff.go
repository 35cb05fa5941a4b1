package udiff

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"
)

// File is one file on both sides of the comparison.
type File struct {
	// Name is the file name inside both directories.
	Name string
	// From and To are the contents; FromTime and ToTime the modification
	// times printed in the headers.
	From, To         string
	FromTime, ToTime time.Time
}

// TimeFormat is how GNU diff prints a modification time.
const TimeFormat = "2006-01-02 15:04:05.000000000 -0700"

// Write writes the diff of the files that differ between directories
// fromDir and toDir and reports whether any did.
func Write(w io.Writer, fromDir, toDir string, files []File) (bool, error) {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	differ := false
	for _, f := range files {
		if f.From == f.To {
			continue
		}
		differ = true
		from, to := filepath.Join(fromDir, f.Name), filepath.Join(toDir, f.Name)
		if _, err := fmt.Fprintf(w, "diff -u -N %s %s\n", from, to); err != nil {
			return differ, err
		}
		ud := difflib.UnifiedDiff{
			A:        Lines(f.From),
			B:        Lines(f.To),
			FromFile: from,
			ToFile:   to,
			FromDate: f.FromTime.Format(TimeFormat),
			ToDate:   f.ToTime.Format(TimeFormat),
			Context:  3,
		}
		if err := difflib.WriteUnifiedDiff(w, ud); err != nil {
			return differ, fmt.Errorf("write the diff of %s: %w", f.Name, err)
		}
	}
	return differ, nil
}

// Lines splits s into lines that keep their "\n". A last line without one
// is kept as it is.
func Lines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
