// Package bench holds side-by-side benchmarks of kubedyn against client-go
// and the interop proofs between them. It is a separate module so that the
// main module never depends on k8s.io/client-go.
//
// Fixtures: testdata/discovery.json holds discovery documents recorded from
// the local kube-apiserver v1.36.3 control plane (aggregated /api and /apis,
// and every legacy document); testdata/pod.json is one recorded pod. The
// tests synthesize from them a +300-CRD discovery set and pod lists of any
// size, and serve them over TLS with HTTP/2 (100 concurrent streams per
// connection, as kube-apiserver does), answering the Accept header for
// aggregated or legacy discovery as kube-apiserver does, and counting
// requests and new connections.
//
// Run the benchmarks with ./run.sh; see README.md.
package bench
