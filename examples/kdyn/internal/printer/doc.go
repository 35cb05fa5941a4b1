// Package printer formats what kdyn prints exactly as kubectl 1.36 formats it:
// tables aligned like kubectl's tab writer, server-side Tables decorated with
// namespace and kind-prefixed names, api-resources rows, "-o name" names and
// the JSON and YAML encodings. It is pure: no I/O beyond the io.Writer given.
package printer
