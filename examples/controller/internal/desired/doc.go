// Package desired computes, with no I/O, what the example controller writes
// to an object: the merge patch of its metadata (a label and an annotation
// recording the observed metadata.generation) and the merge patch of its
// status (one condition), each only when something differs, so that the
// controller's own writes, which come back to it as watch events, end in a
// no-op instead of a loop.
//
// Every patch carries metadata.resourceVersion, which the API server treats
// as a precondition: a patch computed from a stale copy fails with 409
// Conflict instead of overwriting a newer state, and the controller retries
// it from its refreshed cache. A merge patch names only the fields it sets,
// so labels, annotations and conditions owned by others are kept (the
// conditions list is rewritten whole, which is why the precondition matters).
//
// Two quirks of built-in resources would otherwise defeat the "only when
// something differs" rule, and Spec has a switch for each, which the
// controller turns on when the server's answers show the quirk:
// Spec.AnnotationsBumpGeneration for resources whose generation moves with
// their annotations (Deployments: recording the generation in an annotation
// would change it again), and Spec.NoObservedGeneration for condition types
// without an observedGeneration field (the server drops it, so a condition
// compared with it would never match).
//
// FuzzPatchesConverge holds the property the controller relies on: once a
// patch is merged, computing it again asks for no write.
package desired
