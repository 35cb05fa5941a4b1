package restmapper

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ResourceString is one resource string split the two ways kubectl reads
// it. Kind strings ("Deployment.v1.apps") split the same way, with the kind
// in the Resource field.
type ResourceString struct {
	// Full is the string read as resource.version.group; set only when the
	// string has at least two dots (HasFull). Everything after the second
	// dot is the group.
	Full    schema.GroupVersionResource
	HasFull bool
	// Partial is the string read as resource[.group]: everything after the
	// first dot is the group. Partial.Version is always empty.
	Partial schema.GroupVersionResource
}

// ParseResourceString splits a single kubectl resource string such as
// "pods", "po", "deployments.apps", "deployments.v1.apps",
// "Deployment.v1.apps" or "hpa.autoscal" without consulting the server, as
// apimachinery's schema.ParseResourceArg and ParseKindArg do. It does not
// change case. Empty strings, comma lists (see Mapper.ResolveAll) and
// strings with a slash (kubectl reads "deployments/scale" as TYPE/NAME;
// subresources are passed separately) are errors.
func ParseResourceString(s string) (ResourceString, error) {
	switch {
	case s == "":
		return ResourceString{}, fmt.Errorf("restmapper: empty resource string")
	case strings.Contains(s, "/"):
		return ResourceString{}, fmt.Errorf("restmapper: resource string %q contains %q: a resource string names a type, not TYPE/NAME or a subresource", s, "/")
	case strings.Contains(s, ","):
		return ResourceString{}, fmt.Errorf("restmapper: resource string %q is a list: resolve it with ResolveAll", s)
	}
	var rs ResourceString
	res, rest, dotted := strings.Cut(s, ".")
	rs.Partial = schema.GroupVersionResource{Resource: res, Group: rest}
	if dotted {
		if ver, group, ok := strings.Cut(rest, "."); ok {
			rs.Full = schema.GroupVersionResource{Resource: res, Version: ver, Group: group}
			rs.HasFull = true
		}
	}
	return rs, nil
}
