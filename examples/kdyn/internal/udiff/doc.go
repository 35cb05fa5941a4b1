// Package udiff writes the unified diff of two directories of files as
// `diff -u -N FROM TO` prints it, which is what kubectl diff shows: for each
// file name (in byte order) whose contents differ, a "diff -u -N" line, the
// "---" and "+++" header lines with modification times, and the hunks with
// three lines of context. A file missing on one side counts as empty (-N).
package udiff
