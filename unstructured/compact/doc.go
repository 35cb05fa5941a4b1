// Package compact keeps Kubernetes objects in a compact, immutable form for
// long-lived caches (an informer's store), and turns them into
// *unstructured.Unstructured trees only when asked.
//
// An [Object] is one string of bytes: a binary encoding of the object's
// JSON tree in which each object key, and each short string seen more than
// once (apiVersion and kind, namespaces, label and annotation keys and
// values, images, node names, condition types), is a small number into a
// [Table] the objects of one cache share. Counts come first, so turning an
// object into a tree ([Object.Unstructured]) makes each map and slice once
// at its final size, takes keys and repeated values (already boxed) from
// the Table, and shares the other strings with the Object's bytes: it
// costs the allocations of the tree and no parsing. The tree is new on each
// call, the caller's to change, and not retained. GetName, GetNamespace,
// GetResourceVersion, GetUID (named as metav1.Object's), Kind, APIVersion
// and Labels read the object in place without allocating, for keys,
// indices and label selectors. An Object is a runtime.Object, so a watch
// event can carry it (dynamic's WatchCompact).
//
// A [Builder] makes Objects. Package unstructured's [DecodeCompact] and
// Decoder.NextEventCompact feed it straight from the wire, in one pass,
// without building the tree (NextEventCompact hands a BOOKMARK's object
// and an ERROR's Status as whole trees, which a projection would strip); [Builder.FromUnstructured] feeds it a tree.
// What it keeps is a [Plan], compiled from [Options]:
//
//   - by default the whole object but metadata.managedFields (server-side
//     apply bookkeeping controllers rarely read, often a third of an
//     object's bytes), which KeepManagedFields keeps;
//
//   - with Project, a projection: apiVersion, kind, the metadata fields in
//     [ProjectedMetadata] (name, namespace, uid, resourceVersion, labels,
//     annotations, ownerReferences, generation, deletionTimestamp,
//     finalizers) and the named field paths ("spec.replicas",
//     "status.conditions") only. A projected object's tree carries the
//     annotation [ProjectionAnnotation] ("kubedyn.io/projection":
//     "spec.replicas,status.conditions") and [Object.Projection] returns
//     the paths, so that nobody mistakes it for the whole object.
//
//   - by default, string values of 256 bytes or more (config files,
//     scripts, certificates, last-applied configurations) are stored
//     Huffman-coded (huff.go: a canonical code of the string's bytes,
//     in four streams decoded at once by table lookups) when that saves
//     at least a quarter of them; a string that does not (base64, a
//     certificate) is stored as it is, the code thrown away after a
//     count of its bytes. Every read gives the original string back: a
//     tree decodes each coded string it includes into a new string, and
//     so do the in-place accessors (GetName, Labels) in the rare case
//     their value is one. Decoding costs about 2 ns per byte (a
//     ConfigMap's 1,152 bytes of hex properties in about 2.5 µs, where
//     compress/flate's inflater took 10–15), so that a read stays several
//     times cheaper than decoding the object's JSON again (test/bench
//     BenchmarkCompactRead). Being order 0, the code saves what a
//     string's byte frequencies allow, not its repeats: a kilobyte of hex
//     properties, YAML or JSON takes 0.59–0.66 of its bytes (0.56–0.61
//     at 4 KB), base64 saves too little to be kept; below 256 bytes a
//     string rarely saves a quarter (the code's header takes 1.5 bytes
//     per distinct byte: YAML or JSON of 128–192 bytes keeps 0.83–0.94
//     of its bytes), which is why shorter ones are not tried. This is a
//     deliberate default: UncompressedStrings stores every string as it
//     is, for caches whose long strings are read far more often than
//     memory matters.
//
// The members a Plan drops are validated and skipped by the decoder, never
// built. Differential tests check, for recorded and generated objects and
// a fuzz target over random ones, that an Object's tree equals the decoded
// tree without managedFields, and a projection's equals that tree
// restricted to its paths.
//
// [DecodeCompact]: github.com/kubedyn/kubedyn/unstructured.DecodeCompact
package compact
