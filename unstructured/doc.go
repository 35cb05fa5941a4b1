// Package unstructured decodes and encodes apimachinery's unstructured
// objects (*unstructured.Unstructured and *unstructured.UnstructuredList from
// k8s.io/apimachinery/pkg/apis/meta/v1/unstructured) fast, in one pass.
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
package unstructured
