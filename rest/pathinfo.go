package rest

import (
	"net/http"
	"net/url"
	"strings"
)

// pathInfo is what an API path names, read as the API server's
// RequestInfoFactory reads it, for events and logs.
type pathInfo struct {
	group, version, namespace, resource, name, subresource string
}

// parsePath reads an API path (with the server's path prefix removed). A
// path that is not a resource path (/api, /apis/g/v, /version,
// /openapi/v3) has an empty resource.
func parsePath(p string) pathInfo {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	var info pathInfo
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		info.version, parts = parts[1], parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		info.group, info.version, parts = parts[1], parts[2], parts[3:]
	default:
		return pathInfo{}
	}
	if len(parts) >= 2 && parts[0] == "namespaces" {
		info.namespace = parts[1]
		// /namespaces/NAME/status and /finalize are the namespace's own
		// subresources; anything else is a resource inside it.
		if len(parts) > 2 && parts[2] != "status" && parts[2] != "finalize" {
			parts = parts[2:]
		}
	}
	if len(parts) > 0 {
		info.resource = parts[0]
	}
	if len(parts) > 1 {
		info.name = parts[1]
	}
	if len(parts) > 2 {
		info.subresource = strings.Join(parts[2:], "/")
	}
	return info
}

// verbOf names the Kubernetes verb of a request with method on info with
// query q; for a path that is not a resource, the lower-case method.
func verbOf(method string, info pathInfo, q url.Values) string {
	if info.resource == "" {
		return strings.ToLower(method)
	}
	switch method {
	case http.MethodGet, http.MethodHead:
		switch {
		case isWatch(q):
			return "watch"
		case info.name == "":
			return "list"
		}
		return "get"
	case http.MethodPost:
		return "create"
	case http.MethodPut:
		return "update"
	case http.MethodPatch:
		return "patch"
	case http.MethodDelete:
		if info.name == "" {
			return "deletecollection"
		}
		return "delete"
	}
	return strings.ToLower(method)
}
