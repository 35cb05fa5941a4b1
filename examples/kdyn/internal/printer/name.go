package printer

import (
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// KindName returns how kubectl names a kind in its messages: the lowercase
// kind, followed by ".group" outside the core group ("configmap",
// "deployment.apps", "widget.example.com").
func KindName(gk schema.GroupKind) string {
	if gk.Group == "" {
		return strings.ToLower(gk.Kind)
	}
	return strings.ToLower(gk.Kind) + "." + gk.Group
}

// ObjectName returns "-o name"'s line for an object without its newline:
// "kind.group/name", or "kind/name" in the core group. An empty name is
// "<unknown>", as in kubectl.
func ObjectName(gk schema.GroupKind, name string) string {
	if name == "" {
		name = "<unknown>"
	}
	return KindName(gk) + "/" + name
}

// Operation returns kubectl's success line for an object: ObjectName
// followed by the operation ("created", "configured", "patched") and, for a
// server-side dry run, " (server dry run)".
func Operation(gk schema.GroupKind, name, operation string, serverDryRun bool) string {
	s := ObjectName(gk, name)
	if operation != "" {
		s += " " + operation
	}
	if serverDryRun {
		s += " (server dry run)"
	}
	return s
}

// Deleted returns kubectl 1.36 delete's line: `configmap "x" deleted from
// ns namespace`, or `namespace "x" deleted` for a cluster-scoped object.
func Deleted(gk schema.GroupKind, name, namespace string, serverDryRun bool) string {
	op := "deleted"
	if namespace != "" {
		op += " from " + namespace + " namespace"
	}
	if serverDryRun {
		op += " (server dry run)"
	}
	return KindName(gk) + ` "` + name + `" ` + op
}
