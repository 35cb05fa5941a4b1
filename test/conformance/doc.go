// Package conformance is one suite of scenarios, written once against
// kubedyn's public API (rest, discovery, restmapper, dynamic), that runs
// against the real control plane (test/cluster) and against test/memserver
// and compares what each server answered. The difference is the proof of
// memserver's faithfulness (issue 18).
//
// # Scenarios and records
//
// SCENARIOS.md lists every scenario with its intent; Scenarios returns them
// (TestScenarioListMatchesCode keeps the two equal). A Scenario's Run plays
// it against a Target — clients on one server, a fresh namespace and a
// fresh API group of its own — and returns a Record: one Step per request
// with its HTTP status (for raw requests), the server's Status on error, its
// Warning headers and the answer. Values that differ between runs are
// normalised with their relations kept: uids become uid-1, uid-2… in the
// order first seen; resourceVersions are ranked (rv-1 is the smallest in the
// record), so "the update's resourceVersion is larger" survives; timestamps
// become <time>, table ages <age>, continue tokens <continue>, generated
// name suffixes <gen>, and the scenario's namespace and groups NS, GROUP and
// WGROUP (the shared fixture CRDs' group).
//
// # Running
//
// The real server's records are kept as golden files in testdata/golden, so
// a plain `go test ./test/conformance` needs no control plane: it compares
// memserver with the golden files.
//
//	go test ./test/conformance                                   # memserver vs golden files
//	KUBEDYN_INTEGRATION=1 go test ./test/conformance             # also the real server, live, vs golden and vs memserver
//	KUBEDYN_INTEGRATION=1 KUBEDYN_CONFORMANCE_MEMSERVER=0 go test -run TestConformance ./test/conformance # the real server alone, vs golden
//	KUBEDYN_INTEGRATION=1 KUBEDYN_CONFORMANCE_MEMSERVER=0 KUBEDYN_CONFORMANCE_RECORD=1 go test -run TestConformance ./test/conformance # re-record the golden files
//
// ($KUBEDYN_TEST_KUBECONFIG, as `controlplane env` sets it, stands for
// KUBEDYN_INTEGRATION=1 and reuses that control plane.) With
// $KUBEDYN_CONFORMANCE_REPORT set to a path, TestConformance writes each
// mismatching scenario's diff there; with $KUBEDYN_CONFORMANCE_DUMP set to a
// directory, every record of both servers.
//
// The three scenarios that compact the server's history run alone, after the
// others: on kube-apiserver a compaction makes every watch cache start over.
//
// TestKubectlOnMemserver and TestKubectlOnKubeAPIServer run the same kubectl
// steps (the kubectl test/cluster builds; skipped when it is not built) on
// both servers: apply, apply --server-side, get, get -w, patch, delete, on a
// ConfigMap and a custom resource.
//
// TestConformance fails when memserver differs on a scenario KnownDiffs does
// not list (each entry gives the reason), when an entry there matches again,
// and when fewer than 95% of the scenarios match.
package conformance
