// Package manifest reads Kubernetes manifests for kdyn apply and diff, from
// files, directories and standard input, as kubectl -f reads them: YAML
// (several documents separated by "---") or JSON, decoded by kubedyn's
// unstructured.ManifestReader. A document that cannot be read is returned
// with its error, so that the others can still be applied.
package manifest
