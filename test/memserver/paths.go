package memserver

import (
	"fmt"
	"strings"
)

// apiPath is a parsed resource request path:
//
//	/api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
//	/apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
//
// plus the deprecated /watch/ form after the version.
type apiPath struct {
	group, version string
	namespace      string
	resource       string
	name           string
	subresource    string
	watchPrefix    bool // the deprecated .../v1/watch/... form
}

// parseAPIPath parses a resource path. ok is false for paths that are not
// resource requests (discovery documents and the like); err reports a
// malformed resource path.
func parseAPIPath(p string) (ap apiPath, ok bool, err error) {
	var rest []string
	switch {
	case strings.HasPrefix(p, "/api/"):
		segs := splitPath(p[len("/api/"):])
		if len(segs) < 2 {
			return ap, false, nil
		}
		ap.version, rest = segs[0], segs[1:]
	case strings.HasPrefix(p, "/apis/"):
		segs := splitPath(p[len("/apis/"):])
		if len(segs) < 3 {
			return ap, false, nil
		}
		ap.group, ap.version, rest = segs[0], segs[1], segs[2:]
	default:
		return ap, false, nil
	}
	for _, s := range rest {
		if s == "" || s == "." || s == ".." {
			return ap, true, fmt.Errorf("invalid path segment %q", s)
		}
	}
	if rest[0] == "watch" && len(rest) > 1 {
		ap.watchPrefix = true
		rest = rest[1:]
	}
	if rest[0] == "namespaces" && len(rest) >= 3 && !(len(rest) == 3 && (rest[2] == "status" || rest[2] == "finalize")) {
		ap.namespace, rest = rest[1], rest[2:]
	}
	ap.resource = rest[0]
	if len(rest) > 1 {
		ap.name = rest[1]
	}
	if len(rest) > 2 {
		ap.subresource = rest[2]
	}
	if len(rest) > 3 {
		return ap, true, fmt.Errorf("too many path segments")
	}
	return ap, true, nil
}

// splitPath splits on "/" and drops one trailing empty segment.
func splitPath(p string) []string {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
