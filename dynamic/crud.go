package dynamic

import (
	"context"
	"errors"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// Create creates obj (POST to the collection, or to the named object's
// subresource when subresources are given, as for pods/eviction) and returns
// what the server stored.
func (h *ResourceHandle) Create(ctx context.Context, obj *unstructured.Unstructured, opts metav1.CreateOptions, subresources ...string) (*unstructured.Unstructured, error) {
	c := call{verb: "create", method: http.MethodPost, subresource: subresources, query: createQuery(opts)}
	if len(subresources) > 0 {
		c.needName = true
	}
	return h.writeObject(ctx, c, obj)
}

// Update replaces obj (PUT), or its subresource. obj's resourceVersion, when
// set, makes it conditional: a stale one gives apierrors.IsConflict.
func (h *ResourceHandle) Update(ctx context.Context, obj *unstructured.Unstructured, opts metav1.UpdateOptions, subresources ...string) (*unstructured.Unstructured, error) {
	c := call{verb: "update", method: http.MethodPut, needName: true, subresource: subresources, query: updateQuery(opts)}
	return h.writeObject(ctx, c, obj)
}

// UpdateStatus replaces obj's status subresource.
func (h *ResourceHandle) UpdateStatus(ctx context.Context, obj *unstructured.Unstructured, opts metav1.UpdateOptions) (*unstructured.Unstructured, error) {
	return h.Update(ctx, obj, opts, "status")
}

// writeObject sends obj as the body of c, taking the name from obj for
// calls that need one.
func (h *ResourceHandle) writeObject(ctx context.Context, c call, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if obj == nil {
		return nil, h.errorf(c, "nil object")
	}
	if c.needName {
		c.name = obj.GetName()
	}
	if c.method == http.MethodPost && len(c.subresource) == 0 && obj.GetName() == "" && obj.GetGenerateName() == "" {
		return nil, h.errorf(c, "the object has neither metadata.name nor metadata.generateName")
	}
	body, ct, fallback, err := h.c.encodeBody(obj, contentJSON)
	if err != nil {
		return nil, h.errorf(c, "encode the object: %w", err)
	}
	c.body, c.contentType, c.fallback = body, ct, fallback
	return h.doObject(ctx, c)
}

// Get returns the named object, or its subresource.
func (h *ResourceHandle) Get(ctx context.Context, name string, opts metav1.GetOptions, subresources ...string) (*unstructured.Unstructured, error) {
	c := call{verb: "get", method: http.MethodGet, name: name, needName: true, subresource: subresources, query: getQuery(opts)}
	return h.doObject(ctx, c)
}

// Delete deletes the named object (or acts on its subresource). opts'
// preconditions, propagation policy, grace period and dryRun travel in the
// request body, as kubectl sends them.
func (h *ResourceHandle) Delete(ctx context.Context, name string, opts metav1.DeleteOptions, subresources ...string) error {
	c := call{verb: "delete", method: http.MethodDelete, name: name, needName: true, subresource: subresources}
	return h.doDelete(ctx, c, opts)
}

// DeleteCollection deletes every object listOpts selects.
func (h *ResourceHandle) DeleteCollection(ctx context.Context, opts metav1.DeleteOptions, listOpts metav1.ListOptions) error {
	c := call{verb: "deletecollection", method: http.MethodDelete, query: listQuery(listOpts)}
	return h.doDelete(ctx, c, opts)
}

func (h *ResourceHandle) doDelete(ctx context.Context, c call, opts metav1.DeleteOptions) error {
	body, err := deleteBody(opts)
	if err != nil {
		return h.errorf(c, "encode DeleteOptions: %w", err)
	}
	c.body = body
	resp, err := h.send(ctx, c)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Patch applies a patch of type pt (JSON patch, merge patch, strategic merge
// patch or apply patch) to the named object, or its subresource, on the
// server.
//
// A strategic merge patch on a custom resource, which the server refuses
// with 415, is applied locally when the Client has Options.Schemas: the
// object is read, patched under its CRD's OpenAPI v3 schema (list types
// map, set and atomic; see package patch), and written back with its
// resourceVersion as a precondition, again after a conflict (a bounded
// number of times), so a concurrent writer is never overwritten. The
// caller sees what the server would have answered had it supported it.
func (h *ResourceHandle) Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*unstructured.Unstructured, error) {
	c := call{verb: "patch", method: http.MethodPatch, name: name, needName: true, subresource: subresources,
		query: patchQuery(opts), body: data, contentType: string(pt)}
	if pt == "" {
		return nil, h.errorf(c, "no patch type")
	}
	if data == nil {
		return nil, h.errorf(c, "nil patch")
	}
	if pt == types.StrategicMergePatchType && h.c.schemas != nil {
		if _, local := h.c.schemaCache.local.Load(h.gvr); local {
			return h.patchStrategicLocally(ctx, c, opts)
		}
	}
	out, err := h.doObject(ctx, c)
	if pt == types.StrategicMergePatchType && h.c.schemas != nil && apierrors.IsUnsupportedMediaType(err) {
		h.c.schemaCache.local.Store(h.gvr, true)
		return h.patchStrategicLocally(ctx, c, opts)
	}
	return out, err
}

// Apply sends obj as a server-side apply patch for the named object (or its
// subresource). opts.FieldManager is required by the server; opts.Force
// takes over fields other managers own. metav1.ApplyOptions has no field
// validation setting; to choose one, send the object with Patch,
// types.ApplyPatchType and PatchOptions.FieldValidation.
func (h *ResourceHandle) Apply(ctx context.Context, name string, obj *unstructured.Unstructured, opts metav1.ApplyOptions, subresources ...string) (*unstructured.Unstructured, error) {
	c := call{verb: "apply", method: http.MethodPatch, name: name, needName: true, subresource: subresources,
		contentType: contentApply}
	if obj == nil {
		return nil, h.errorf(c, "nil object")
	}
	if opts.FieldManager == "" {
		return nil, h.errorf(c, "ApplyOptions.FieldManager is required for server-side apply")
	}
	if n := obj.GetName(); n != "" && n != name {
		return nil, h.errorf(c, "the object is named %q", n)
	}
	body, ct, fallback, err := h.c.encodeBody(obj, contentApply)
	if err != nil {
		return nil, h.errorf(c, "encode the object: %w", err)
	}
	c.body, c.contentType, c.fallback = body, ct, fallback
	c.query = patchQuery(opts.ToPatchOptions())
	return h.doObject(ctx, c)
}

// ApplyStatus server-side applies obj to the named object's status.
func (h *ResourceHandle) ApplyStatus(ctx context.Context, name string, obj *unstructured.Unstructured, opts metav1.ApplyOptions) (*unstructured.Unstructured, error) {
	return h.Apply(ctx, name, obj, opts, "status")
}

// doObject sends c and decodes the one object the server answers with.
func (h *ResourceHandle) doObject(ctx context.Context, c call) (*unstructured.Unstructured, error) {
	resp, err := h.send(ctx, c)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	obj, err := decodeObject(resp.Header.Get("Content-Type"), resp.ContentLength, resp.Body)
	if err != nil {
		return nil, h.errorf(c, "decode the response: %w", err)
	}
	return obj, nil
}

// serverError returns the server's *apierrors.StatusError as it is (its
// message already names the object and the reason, and callers type-assert
// it as they do with client-go), and wraps any other failure with what was
// asked.
func (h *ResourceHandle) serverError(c call, err error) error {
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return se
	}
	return h.errorf(c, "%w", err)
}
