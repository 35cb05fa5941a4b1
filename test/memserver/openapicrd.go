package memserver

import (
	"strings"
)

// crdPaths builds the OpenAPI v3 paths of a CRD version's endpoints: each
// operation carries x-kubernetes-action and x-kubernetes-group-version-kind
// and its query parameters, which is what clients read (kubectl checks the
// PATCH operation for fieldValidation before trusting server-side
// validation).
func crdPaths(r *resource) map[string]any {
	gv := r.gvr.GroupVersion()
	base := "/apis/" + gv.Group + "/" + gv.Version
	if r.namespaced {
		base += "/namespaces/{namespace}"
	}
	coll := base + "/" + r.gvr.Resource
	item := coll + "/{name}"
	ref := "#/components/schemas/" + crdModelName(r.gvk())
	listRef := "#/components/schemas/" + crdModelName(gv.WithKind(r.crd.listKind))
	out := map[string]any{
		coll: map[string]any{
			"get":    r.operation("list", listRef, "limit", "continue", "labelSelector", "fieldSelector", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch", "allowWatchBookmarks"),
			"post":   r.operation("post", ref, "dryRun", "fieldManager", "fieldValidation"),
			"delete": r.operation("deletecollection", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status", "dryRun", "gracePeriodSeconds", "propagationPolicy", "labelSelector", "fieldSelector"),
		},
		item: itemOps(r, ref),
	}
	if r.status {
		out[item+"/status"] = itemOps(r, ref)
	}
	if r.scale != nil {
		out[item+"/scale"] = itemOps(r, "#/components/schemas/io.k8s.api.autoscaling.v1.Scale")
	}
	return out
}

func itemOps(r *resource, ref string) map[string]any {
	return map[string]any{
		"get":    r.operation("get", ref, "resourceVersion"),
		"put":    r.operation("put", ref, "dryRun", "fieldManager", "fieldValidation"),
		"patch":  r.operation("patch", ref, "dryRun", "fieldManager", "fieldValidation", "force"),
		"delete": r.operation("delete", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status", "dryRun", "gracePeriodSeconds", "propagationPolicy"),
	}
}

// operation is one OpenAPI operation with its query parameters.
func (r *resource) operation(action, ref string, params ...string) map[string]any {
	gvk := r.gvk()
	var ps []any
	for _, p := range params {
		typ := "string"
		switch p {
		case "limit", "timeoutSeconds", "gracePeriodSeconds":
			typ = "integer"
		case "watch", "allowWatchBookmarks", "sendInitialEvents", "force":
			typ = "boolean"
		}
		ps = append(ps, map[string]any{"name": p, "in": "query", "schema": map[string]any{"type": typ, "uniqueItems": true}})
	}
	op := map[string]any{
		"operationId": action + strings.ToUpper(r.kind[:1]) + r.kind[1:],
		"tags":        []any{gvk.Group + "_" + gvk.Version},
		"parameters":  ps,
		"responses": map[string]any{"200": map[string]any{"description": "OK", "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": ref}},
		}}},
		"x-kubernetes-action":             action,
		"x-kubernetes-group-version-kind": map[string]any{"group": gvk.Group, "version": gvk.Version, "kind": gvk.Kind},
	}
	if action == "patch" {
		op["requestBody"] = map[string]any{"content": map[string]any{
			"application/json-patch+json":  map[string]any{"schema": map[string]any{"type": "object"}},
			"application/merge-patch+json": map[string]any{"schema": map[string]any{"type": "object"}},
			"application/apply-patch+yaml": map[string]any{"schema": map[string]any{"type": "object"}},
		}, "required": true}
	}
	return op
}
