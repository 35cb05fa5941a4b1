package dynamic

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/restmapper"
)

// ForObject returns the handle for obj's own kind and namespace, for tools
// that hold objects (manifests, backups) rather than resources: obj needs
// apiVersion and kind, and a namespace unless its kind is cluster-scoped or
// the Client has a DefaultNamespace. The kind is resolved through the
// Client's Mapper (a *restmapper.Mapper rediscovers once on a miss, under
// ctx). Every mistake — no Mapper, no kind, an unknown kind, a namespace on
// a cluster-scoped kind, no namespace for a namespaced one — is reported
// before any request is sent.
//
//	h, err := c.ForObject(ctx, obj)
//	created, err := h.Create(ctx, obj, metav1.CreateOptions{})
func (c *Client) ForObject(ctx context.Context, obj *unstructured.Unstructured) (*ResourceHandle, error) {
	if obj == nil {
		return nil, errors.New("resolve object: nil object")
	}
	gvk := obj.GroupVersionKind()
	what := fmt.Sprintf("resolve %s %q", kindString(gvk), obj.GetName())
	if gvk.Kind == "" || gvk.Version == "" {
		return nil, fmt.Errorf("%s: the object needs apiVersion and kind", what)
	}
	return c.forKind(ctx, what, gvk, obj.GetNamespace())
}

// ForKind returns the handle for kind gvk in namespace ns ("" for a
// cluster-scoped kind, or the Client's DefaultNamespace), with the same
// checks as [Client.ForObject].
func (c *Client) ForKind(ctx context.Context, gvk schema.GroupVersionKind, ns string) (*ResourceHandle, error) {
	what := "resolve " + kindString(gvk)
	if gvk.Kind == "" || gvk.Version == "" {
		return nil, fmt.Errorf("%s: a kind needs a version and a name", what)
	}
	return c.forKind(ctx, what, gvk, ns)
}

func (c *Client) forKind(ctx context.Context, what string, gvk schema.GroupVersionKind, ns string) (*ResourceHandle, error) {
	mapper := c.mapper
	if mapper == nil {
		return nil, fmt.Errorf("%s: the dynamic Client has no Mapper (Options.Mapper)", what)
	}
	if m, ok := mapper.(*restmapper.Mapper); ok {
		mapper = m.WithContext(ctx)
	}
	mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	h := c.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameRoot {
		if ns != "" {
			return nil, fmt.Errorf("%s: %s is cluster-scoped, but namespace %q was given", what, mapping.Resource.GroupResource(), ns)
		}
		return h, nil
	}
	if ns == "" {
		ns = c.defNS
	}
	if ns == "" {
		return nil, fmt.Errorf("%s: %s is namespaced, and neither the object nor the client's default names a namespace", what, mapping.Resource.GroupResource())
	}
	return h.Namespace(ns), nil
}

// kindString prints a kind as kubectl does: "Deployment.v1.apps", "Pod.v1".
func kindString(gvk schema.GroupVersionKind) string {
	s := gvk.Kind
	if s == "" {
		s = "<no kind>"
	}
	if gvk.Version != "" {
		s += "." + gvk.Version
	}
	if gvk.Group != "" {
		s += "." + gvk.Group
	}
	return s
}
