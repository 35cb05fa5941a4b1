// Package unstructured decodes and encodes apimachinery's unstructured
// objects (*unstructured.Unstructured and *unstructured.UnstructuredList from
// k8s.io/apimachinery/pkg/apis/meta/v1/unstructured) fast, in one pass, and
// offers the helpers generic tools need around them: reading manifests,
// getting and setting fields by path, typed conversion, diffs, sanitizing
// objects for re-use elsewhere and lean copies for caches.
//
// # Decoding
//
// client-go decodes a list by buffering the body and parsing it four times.
// Decode, DecodeObject and DecodeList read an io.Reader once, with a
// hand-written scanner that builds the tree directly: object members and
// array elements are gathered on reusable stacks so each map and slice is
// allocated once at its final size, object keys are interned, and short
// string values share one boxed interface per Decoder. The result is exactly
// what unstructured.UnstructuredJSONScheme.Decode returns for the same bytes,
// quirks included:
//
//   - integers without '.' that fit are int64 (1e3 is float64 1000, -0 is
//     int64 0, integers beyond int64 are float64, numbers beyond float64 are
//     an error);
//   - duplicate keys are accepted and the last one wins;
//   - invalid UTF-8 and lone UTF-16 surrogates become U+FFFD;
//   - an object with an "items" member (even "items": null) is a list; its
//     items must be objects or null, and an item gets the list's apiVersion
//     and kind (the list kind minus "List") only when it lacks both;
//   - nesting deeper than 10000, trailing data, a missing kind, or an
//     apiVersion with more than one '/' are errors.
//
// Equality with apimachinery is checked by differential fuzz targets
// (FuzzDecode, FuzzMarshalRoundTrip) seeded with responses recorded from a
// real kube-apiserver in testdata/ (TestRecord refreshes them with
// KUBEDYN_RECORD=1).
//
// DecodeObjectBytes and DecodeCBORObjectBytes decode one object already in
// memory in place, without a Decoder's read buffer and intern tables, which
// pay on lists and watches but cost several times a small object: package
// dynamic reads every single-object answer whole and decodes it so.
//
// # Streaming
//
// A Decoder keeps its buffer and intern tables across calls.
// DecodeListFunc passes each list item to a callback as soon as it is read,
// so a large list never exists in memory as a whole; NextEvent and
// NextEventObject read a watch stream one event at a time.
//
// # Encoding
//
// Marshal and Encode write the same bytes as encoding/json (and so as
// UnstructuredJSONScheme) without reflection.
//
// # Manifests
//
// ReadManifests and the streaming NewManifestReader read what kubectl apply
// -f reads: YAML documents separated by "---" lines (comments, blank and
// null documents skipped), or a stream of JSON objects. A document with
// "items" (kind: List) is expanded into its items. YAML goes through
// sigs.k8s.io/yaml and then this package's decoder, so numbers are int64 or
// float64 exactly as apimachinery decodes them. A *ManifestError names the
// document (1-based, among the non-empty ones), the list item, and the line
// within the whole stream: go-yaml's line numbers, which count within one
// document, are translated. Reading goes on past a broken YAML document;
// ReadManifests returns every object it could read with one error per
// broken document.
//
// # Paths
//
// Get, Set and Remove reach into an object by a path such as
//
//	spec.template.spec.containers[name=nginx].image
//	metadata.annotations["example.com/a.b"]
//	spec.containers[0].ports[-1]
//
// (field names, ["quoted"] names for keys with dots, list indexes with
// negative ones counting from the end, and [key=value] selectors that must
// match exactly one element; ParsePath has the grammar; a parsed Path can be
// reused). They never panic: a *PathError names the operation, the step that
// failed and what was found there, and wraps ErrNotFound, ErrWrongType,
// ErrNoMatch, ErrAmbiguous or ErrNumber for errors.Is. GetString, GetBool,
// GetMap and GetSlice check the type; GetInt64 and GetFloat64 (and ToInt64,
// ToFloat64) accept any numeric type an object may hold — int64 from a
// decoder, float64 from encoding/json, json.Number, a Go int — and fail on
// fractions and overflow instead of truncating. Set deep-copies its value
// and converts Go types (int, []string, map[string]string) to the JSON
// types apimachinery's DeepCopy expects, where apimachinery's SetNestedField
// would panic later.
//
// # Typed conversion
//
// ToTyped[T] and ToTypedStrict[T] (which reports fields T lacks) convert to
// a typed struct, FromTyped back, through
// runtime.DefaultUnstructuredConverter; errors name the object's kind and
// name and the Go type, and converter panics become errors.
//
// # Diff and Sanitize
//
// Diff reports the differences between two objects with go-cmp, optionally
// ignoring the fields the server sets (ServerFields), status, more paths, and
// int64/float64 spellings of the same number. Sanitize copies an object read
// from a server without what that server populated, so the copy can be
// created elsewhere (backups, GitOps): metadata such as uid,
// resourceVersion and managedFields on every object, status, ownerReferences
// and kubectl's last-applied annotation unless kept by SanitizeOptions, and
// a data-driven table of per-kind fields (a Service's allocated clusterIP
// and nodePorts, a PersistentVolumeClaim's volumeName, a Job's generated
// selector, ...) that SanitizedFields lists with the reason for each. An
// integration test shows the server refusing naive copies and accepting
// sanitized ones.
//
// # Lean copies
//
// Lean (a copy) and LeanInPlace prepare objects for a long-lived cache, for
// example as an informer's transform: they drop metadata.managedFields and
// intern keys and string values with Go's unique package, which needs no
// table of its own and lets unused strings be collected. BenchmarkLeanMemory
// measures the live heap after GC per pod for 10,000 pods. In the shape a
// real cluster returns (managedFields of two managers, kubelet status): an
// apimachinery-decoded list holds about 25 KB per pod and Lean copies of it
// 12 KB; this package's decoder, which already shares keys and short values
// within one list, holds 21 KB, 12.5 KB without managedFields, and 12 KB
// made lean. For the pod recorded from the test control plane (thin status):
// 12 KB (apimachinery), 9.7 KB (this decoder), 7.3 KB lean. Lean's interning
// matters most across lists and watch events, which no decoder shares.
package unstructured
