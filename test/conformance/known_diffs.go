package conformance

// KnownDiffs lists the scenarios where memserver is known to answer
// differently from kube-apiserver, each with the reason (the same list, in
// prose, is in test/memserver's doc.go). TestConformance fails on a
// mismatch not listed here, and on an entry that matches again.
var KnownDiffs = map[string]string{
	"discovery/openapi-v3-crd": "a CRD's OpenAPI v3 document has its schemas, operations and their " +
		"x-kubernetes-* extensions, not every model and description kube-openapi's builder writes " +
		"(the descriptions of apiVersion, kind and metadata; metadata as $ref where the server writes allOf[$ref])",
	"objects/field-validation-strict-merge-patch": "a Strict patch error quotes the patched object, whose JSON " +
		"key order for a built-in follows its Go type on kube-apiserver and is sorted on memserver",
}
