package conformance

// KnownDiffs lists the scenarios where memserver is known to answer
// differently from kube-apiserver, each with the reason (the same list, in
// prose, is in test/memserver's doc.go). TestConformance fails on a
// mismatch not listed here, and on an entry that matches again.
var KnownDiffs = map[string]string{}
