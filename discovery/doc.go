// Package discovery finds out what a Kubernetes API server serves: its
// version, its API groups, the resources of every group-version, the
// preferred version of each resource, and its OpenAPI v3 documents. It
// returns apimachinery's own types (metav1.APIGroup, metav1.APIResourceList,
// metav1.APIResource, version.Info), so the results plug into the rest of
// the ecosystem, and takes a context first on every call.
//
// # Aggregated and legacy discovery
//
// A Client first asks /api and /apis for aggregated discovery (one round
// trip each) with the Accept header AcceptAggregated: apidiscovery.k8s.io
// v2, then v2beta1, then plain application/json. The Content-Type of each
// answer decides how it is decoded. A server or proxy that answers with
// plain JSON gets legacy discovery instead (Options.Mode Auto, the
// default): /api, /apis, then every group-version's APIResourceList, at
// most Options.Concurrency at a time (DefaultConcurrency, 12, well below
// the 100 streams of one HTTP/2 connection, so legacy discovery does not
// force the transport to dial more connections). Mode Aggregated and Legacy
// force one path; Legacy skips the aggregated attempt entirely.
//
// Aggregated documents (and legacy resource lists) are decoded in one pass
// by hand-written decoders on the module's one JSON tokenizer,
// unstructured.Tokenizer, that give exactly what encoding/json gives (held
// so by differential tests and fuzz targets), several times faster; strings
// share the fetched document's memory. Aggregated documents are kept for
// the run's Snapshot (see Capabilities below) and converted into the legacy
// shapes with each subresource listed after its resource as legacy
// discovery lists it ("deployments/status", "deployments/scale" with kind
// autoscaling/v1 Scale, "pods/eviction"). The two paths then differ only in ways
// Normalize removes, so that for one server
//
//	Normalize(aggregated) == Normalize(legacy)
//
// Normalize clears StorageVersionHash (aggregated discovery does not carry
// it), clears a resource's Group and Version when they equal its list's
// group-version (aggregated discovery sets them on custom resources, legacy
// discovery does not), clears SingularName on subresources, makes empty
// slices nil, and sorts resources by name and lists by group-version.
// Groups and their versions keep the server's (preference) order.
//
// # Capabilities
//
// A Snapshot answers "what can I do with this resource?" in one map
// lookup: Snapshot.Resource(gvr) returns its Capabilities, which keep what
// a resource is (Identity: group, version, kind, plural) apart from what
// it supports (scope, verbs, subresources with the kinds of their bodies,
// short names, categories), with Capabilities.Supports(verb) and
// Capabilities.Subresource(name) to ask. A snapshot is built once per
// discovery run, on first use: from the aggregated documents directly (a
// resource there carries its subresources), and from the legacy resource
// lists, whose "pods/status" rows are attached to their resource, only for
// group-versions no aggregated document covers. Both formats give equal
// snapshots for one server. Client.Snapshot runs discovery for one;
// Cached.Snapshot shares one per cached run. For a single resource,
// Client.Resource makes the fewest requests (its group-version's list
// alone) and Cached.Resource answers from the cached run when it can.
//
// # Partial failure
//
// When some group-versions cannot be discovered (an aggregated APIService
// whose backend is down, a 503, a timeout) or aggregated discovery reports
// them Stale, the calls return every group and list that succeeded together
// with a *PartialError whose Failed map names each failed group-version and
// its cause (a *StaleError for Stale ones). IsPartial tells this apart from
// an error where nothing could be discovered (for instance /apis failing).
// A legacy group-version request that answers 5xx is not retried
// (rest.Request.NoRetry5xx): a down APIService costs one request, not
// seconds of backoff.
//
// # Caching
//
// A Client caches nothing but OpenAPI v3 documents, which the server serves
// under immutable ?hash= URLs. NewCached wraps a Client in a cache that is
// safe for concurrent use: a discovery run is kept in memory until
// Invalidate (of everything, or of named groups); concurrent callers share
// one run (singleflight); no lock is held across network I/O. After
// Invalidate of named groups, ServerGroupAndResources of such a group reads
// that group alone (/apis/GROUP and the list of each of its versions, small
// legacy documents, in every mode) rather than running discovery again. A refresh
// sends If-None-Match for every document that came with an ETag
// (aggregated /api and /apis; kube-apiserver 1.36 sends none with legacy
// documents or the OpenAPI v3 index), so an unchanged server answers 304
// with no body. When a refresh of a document or a group-version
// fails, the last good copy is served and Cached.Stale reports it with its
// age (stale-while-error). With CacheOptions.Dir, documents are also kept
// on disk per server URL (files 0600, atomic writes); a corrupt or
// truncated file is ignored and the document refetched.
//
// Cached implements the restmapper.Source and restmapper.Invalidator
// interfaces, so a RESTMapper can be built on it directly.
package discovery
