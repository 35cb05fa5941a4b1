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
package desired
