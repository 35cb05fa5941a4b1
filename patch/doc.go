// Package patch builds, computes and applies Kubernetes patches in memory,
// for any resource, built-in or custom, given its OpenAPI v3 schema as a
// value. It does no I/O: the caller fetches schemas (through discovery) and
// objects (through the API), and sends the resulting [Patch] itself.
//
// # Patch values
//
// A [Patch] is a body plus its types.PatchType, which is also its
// Content-Type: JSON patch (RFC 6902, application/json-patch+json), JSON
// merge patch (RFC 7386, application/merge-patch+json), strategic merge
// patch (application/strategic-merge-patch+json) and server-side apply
// (application/apply-patch+yaml). [Parse] checks a body of any of the four
// types; [JSONPatch] builds one from [Operation] values.
//
// # Computing patches
//
//   - [CreateMergePatch]: the RFC 7386 merge patch from one object to another.
//   - [CreateJSONPatch]: a short RFC 6902 patch (lists diffed by longest
//     common subsequence), computed with github.com/wI2L/jsondiff.
//   - [CreateStrategicMergePatch]: the two-way strategic merge patch, given
//     the object's [Type].
//   - [CreateThreeWayPatch] and [ClientSideApply]: the patch `kubectl apply`
//     (client-side) sends, from the last applied configuration, the desired
//     object and the live object: strategic for built-in kinds, JSON merge
//     for custom resources, recording [LastAppliedAnnotation] as kubectl does.
//
// Every Create function takes [CreateOptions], which can pin the original's
// metadata.resourceVersion and metadata.uid as preconditions: "test"
// operations in a JSON patch, the fields themselves in a merge patch (the
// server then answers 409 Conflict if the object changed).
//
// # Applying patches
//
// [Apply] applies any patch except server-side apply to a JSON document:
// RFC 6902 and RFC 7386 through github.com/evanphx/json-patch/v5, strategic
// merge through apimachinery's strategicpatch for kinds whose server accepts
// it, and through this package's rules (below) for custom resources.
//
// Bad patches fail with an error that says where: invalid JSON (including
// an object with a member name twice, which RFC 6902 A.13 calls invalid),
// the index and path of the first RFC 6902 operation that cannot apply
// (a path that does not exist, a failed test), and a strategic directive
// aimed at a list with no merge key. For built-in kinds that last check runs
// against the schema before apimachinery sees the patch: "$patch" inside an
// item of a list without x-kubernetes-patch-strategy merge, and
// "$setElementOrder/<field>" or "$deleteFromPrimitiveList/<field>" naming
// such a list, are errors (apimachinery would leave the directive in the
// object, or panic). Any panic inside apimachinery is returned as an error.
//
// For built-in kinds the local result equals the server's own strategic
// merge: the integration tests send both, with dryRun=All, for Deployment
// containers, env, ports, volumes (with $retainKeys), strategy, finalizers,
// Service ports and ConfigMap data, and compare the stored objects.
//
// # Schemas
//
// [NewSchema] reads OpenAPI v3 documents as served at /openapi/v3/api/v1 and
// /openapi/v3/apis/GROUP/VERSION; [Schema.Type] returns the [Type] of one
// kind. A Type implements apimachinery's strategicpatch.LookupPatchMeta. It
// knows, for each list field, x-kubernetes-patch-merge-key and
// x-kubernetes-patch-strategy (merge, replace, retainKeys — built-in kinds)
// and x-kubernetes-list-type with x-kubernetes-list-map-keys (map, set,
// atomic — custom resources, and built-in kinds too). [Type.NativeStrategic]
// tells whether the server itself accepts strategic merge patches for the
// kind, read from the PATCH operation in the document.
//
// # Strategic merge for custom resources
//
// The API server answers 415 to a strategic merge patch on a custom resource.
// For those kinds (Type.NativeStrategic false) [Apply] and
// [CreateStrategicMergePatch] use these rules, driven by
// x-kubernetes-list-type:
//
//   - Maps (objects) merge as in a JSON merge patch: fields in the patch are
//     set, null deletes a field, other fields stay.
//   - A map list (x-kubernetes-list-type: map) merges item by item. A patch
//     item names its target by ALL its x-kubernetes-list-map-keys (one or
//     several); an item lacking one is an error. A matching item is merged
//     as a map; an item matching none is appended.
//   - A set list (x-kubernetes-list-type: set) gets the patch's values
//     added: the union, with the original order kept and new values
//     appended. "$deleteFromPrimitiveList/<field>": [values] removes values
//     first.
//   - An atomic list (x-kubernetes-list-type: atomic, or no list type) is
//     replaced by the patch's list. Any directive aimed at it is an error.
//   - "$patch": "delete" in a map-list item removes the item named by its
//     keys; in a map it removes the map. "$patch": "replace" in a map-list
//     item replaces that item instead of merging it; in a map it replaces
//     the map. A map-list item that is only {"$patch": "replace"} replaces
//     the whole list with the patch's other items (as for built-in kinds).
//   - "$retainKeys": [names] in a map is supported: fields of the original
//     not named are cleared, and the patch may only set named fields.
//   - "$setElementOrder/<field>": [items] is supported for map and set
//     lists: after merging, the items it names (map items by their keys,
//     set values by value) are put in its order, in the positions those
//     items hold; other items do not move. It and
//     "$deleteFromPrimitiveList/<field>" may come without the list itself.
//     Either aimed at an atomic list is an error.
//   - An unknown "$" directive is an error.
//
// A list without x-kubernetes-list-type but with the built-in metadata
// (x-kubernetes-patch-strategy merge) is a map list keyed by its
// x-kubernetes-patch-merge-key, or a set when it has none. Fields the schema
// does not describe (x-kubernetes-preserve-unknown-fields) are untyped:
// their maps merge and their lists are atomic.
//
// # Tests
//
// testdata/openapi-*.json are the OpenAPI v3 documents of the test control
// plane (kube-apiserver v1.36.3): /openapi/v3/api/v1, /openapi/v3/apis/apps/v1
// and the group-version of a Widget CRD with map lists of one and two keys,
// a set and an atomic list. Refresh them with
//
//	go test ./patch -run TestRecordOpenAPI -record
//
// # Limits
//
// Numbers are compared by value (1 and 1.0 are the same set value).
// github.com/evanphx/json-patch/v5 cannot follow a JSON pointer through an
// empty object key in the middle of a path ("/a//b"), so such JSON patch
// operations fail to apply.
package patch
