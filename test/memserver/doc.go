// Package memserver is a Kubernetes API server that runs inside a test
// process: no binaries, no etcd, ready in milliseconds. It speaks the real
// HTTP API over HTTPS with HTTP/2 on loopback (a generated CA and a bearer
// token), so anything that talks to Kubernetes — kubedyn, kubectl,
// client-go — can use it unchanged:
//
//	func TestMyController(t *testing.T) {
//		s := memserver.Run(t)              // closed in t.Cleanup
//		rc, _ := rest.NewClient(s.RESTConfig())
//		...                                // or s.KubeconfigFile() for kubectl
//	}
//
// [Start] runs one until its context ends or [Server.Close];
// `go run ./test/memserver/cmd/memserver -kubeconfig FILE` serves one until
// interrupted.
//
// # What it serves
//
// The API surface is recorded from a real kube-apiserver ([DefaultVersion],
// the default version of test/cluster) and shipped in testdata: /version,
// aggregated (apidiscovery.k8s.io/v2) and legacy discovery, and OpenAPI v3
// per group-version. Re-record it with a control plane running:
//
//	eval "$(go run ./test/cluster/cmd/controlplane env)"
//	MEMSERVER_RECORD=1 go test -run TestRecord ./test/memserver/
//
// Creating a CustomResourceDefinition serves its versions at once in
// discovery and OpenAPI v3; the server then sets NamesAccepted and
// Established (one MODIFIED event), and deleting it removes its objects and
// stops serving them.
//
// # What is faithful
//
// Custom resources fully, and for built-ins the generic API machinery:
//   - metadata: uid, creationTimestamp, one global resourceVersion counter,
//     generateName, generation (custom resources: any change outside
//     metadata, and outside status when the status subresource is on;
//     built-ins whose strategy sets it, such as Deployments and Pods —
//     never ConfigMaps, Secrets, Services or Namespaces), finalizers and
//     deletionTimestamp, apimachinery's ObjectMeta validation;
//   - namespaces that must exist (404) and that refuse new content while
//     terminating (403); the four default namespaces exist at start;
//   - status and scale subresources with the server's split between spec
//     and status writes (scale writes move managedFields through
//     apimachinery's ScaleHandler);
//   - CRD structural pruning, schema defaults, nulls, and type, required,
//     enum, bounds, pattern and scale-replicas validation; built-ins are
//     decoded against their recorded schema as typed decoding would
//     (unknown fields dropped, nulls dropped, non-pointer structs present);
//     fieldValidation Strict, Warn (the default) and Ignore with the
//     server's messages; dryRun=All on every write; write, delete and list
//     options decoded and validated by apimachinery's own code;
//   - lists with label selectors, the field selectors the server supports
//     (others refused with its message), limit and continue over a
//     consistent snapshot, resourceVersion and resourceVersionMatch (Exact
//     reads older state from the history), 410 Expired for a continue
//     token, an Exact read or a watch older than the history (see
//     Options.HistoryWindow and [Server.CompactHistory]); a consistent read
//     after a write takes a resourceVersion of its own, as on a real
//     cluster where something is always being written;
//   - watches from a resourceVersion or from the current state, selector
//     transitions as ADDED/DELETED (the DELETED carrying the previous
//     content, as the watch cache sends it), bookmarks, timeoutSeconds,
//     sendInitialEvents with the initial-events-end bookmark;
//   - server-side Table (a CRD's printer columns; the ConfigMap, Secret and
//     Namespace printers; NAME and AGE otherwise) and PartialObjectMetadata;
//   - JSON, merge and strategic merge patches (strategic under the recorded
//     schema; 415 for custom resources), server-side apply with
//     managedFields, conflicts and force, and Update managers — all through
//     apimachinery's own k8s.io/apimachinery/pkg/util/managedfields on the
//     unstructured path (NewDefaultCRDFieldManager with a type converter
//     built from the recorded OpenAPI), the code kube-apiserver runs (a
//     create with no managedFields makes the same structured-merge-diff
//     calls without the field manager's wrapper layers, once per shape of
//     object (its keys, lists and kinds of values), proved equal to it by
//     a differential test and fuzz targets);
//   - errors as metav1.Status with the server's code, reason, message and
//     details, including where kube-apiserver's router answers for built-ins
//     (a plain "404 page not found" outside built-in groups, go-restful's
//     406 and 415 texts).
//
// test/conformance proves it: on its 217 scenarios memserver answers as
// kube-apiserver v1.37.2 does on all but two, 215 of 217 (99.1%), listed with
// their reasons in that package's KnownDiffs too: discovery/openapi-v3-crd (a CRD's
// OpenAPI v3 document has its schemas, operations and their
// x-kubernetes-* extensions, not every model and description kube-openapi's
// builder writes) and objects/field-validation-strict-merge-patch (a Strict
// patch error quotes the patched object, whose JSON key order for a built-in
// follows its Go type on kube-apiserver and is sorted on memserver).
//
// # Faults
//
// For testing clients: [Server.CutWatches], [Server.ThrottleNext] (429 with
// Retry-After), [Server.FailNext] (500), [Server.SetLatency],
// [Server.CompactHistory] (every issued resourceVersion expires, as after an
// etcd compaction once kube-apiserver's watch cache has seen it) and
// [Server.MarkStale] (a stale group-version in aggregated discovery).
//
// # Out of scope
//
// The type-specific defaulting and validation of built-ins beyond
// Deployments' and pod specs' defaults (Service cluster IPs, Job and
// StatefulSet defaults, immutable ConfigMaps, …: they live in
// k8s.io/kubernetes), admission webhooks and policies, aggregated
// APIServices, pods/log, exec, attach and port-forward, garbage collection
// (owner references are stored, dependents are not deleted; a Foreground
// or Orphan delete leaves its finalizer, as on a control plane without
// controller-manager), namespace finalization (a deleted namespace stays
// Terminating, as on the local control plane), authentication and
// authorization beyond one bearer token, protobuf and CBOR bodies (JSON and
// YAML only: kubectl's typed commands such as `kubectl create namespace`
// send protobuf and get 415; get, apply, apply --server-side, patch, delete
// and get -w send JSON and work), CEL validation rules and OpenAPI formats
// of CRDs, and CRD conversion webhooks (versions convert by rewriting
// apiVersion, strategy None). A request for a resourceVersion the server
// has not reached answers 504 at once instead of after kube-apiserver's
// three-second wait. managedFields times come from the wall clock (they are
// apimachinery's), not Options.Clock.
package memserver
