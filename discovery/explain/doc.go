// Package explain looks fields up in a group-version's OpenAPI v3 document,
// as kubectl explain does: what a resource's kind is, and for a field path
// ("spec", "spec.template.spec.containers") the field's type, description,
// whether its parent requires it, its enum, and for lists their
// x-kubernetes-list-type and x-kubernetes-list-map-keys; and the fields of
// its type, through $ref, allOf, array items and map values.
//
// Use it in tools that need a schema's shape without kubectl: an editor's
// completion, a linter, a form. The document comes from discovery
// (Client.OpenAPIV3Schema or Cached.OpenAPIV3Schema, cached by the
// server's hash); this package does no I/O:
//
//	data, err := disc.OpenAPIV3Schema(ctx, "apis/apps/v1")
//	doc, err := explain.Parse(data)
//	gvk, err := doc.KindFor(schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"})
//	f, err := doc.Lookup(gvk, "spec", "replicas")
//	fmt.Println(f.Type, f.Required) // integer false
//
// The walk is kubectl explain's (k8s.io/kubectl/pkg/explain/v2): a path
// goes through a field's properties, else through its array items, map
// values or allOf alternatives; a $ref already followed on the way is a
// cycle and stops the walk. Types are named as kubectl names them:
// "string", "integer", "boolean", "Object", "[]Container",
// "map[string]string", "ObjectMeta".
package explain
