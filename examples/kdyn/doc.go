// Command kdyn is a kubectl-like CLI for any resource of a Kubernetes API
// server, built only on kubedyn's public API: api-resources, api-versions,
// get (with -w), apply, patch, delete and diff. Its output matches kubectl
// 1.37's byte for byte where kubectl's is deterministic. See README.md.
package main
