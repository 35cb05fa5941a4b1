// Package dynamic reads and writes any resource of a Kubernetes API server,
// built-in or custom, as apimachinery's *unstructured.Unstructured, with no
// compiled-in types.
//
// # Handles
//
// A [Client] wraps one *rest.Client. [Client.Resource] returns a handle on
// one resource (a schema.GroupVersionResource) and [ResourceHandle.Namespace]
// a copy of it in one namespace:
//
//	deploys := c.Resource(schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"})
//	d, err := deploys.Namespace("web").Get(ctx, "frontend", metav1.GetOptions{})
//
// Handles are immutable values, safe to share and to keep. Their methods
// have the signatures of client-go's dynamic.ResourceInterface (Create,
// Update, UpdateStatus, Delete, DeleteCollection, Get, List, Watch, Patch,
// Apply, ApplyStatus, with subresources as trailing arguments), so a
// namespaced handle satisfies that interface and code written against
// client-go moves over by changing how the handle is made. Every
// metav1.*Options field reaches the server under the parameter name the
// server expects; DeleteOptions travel in the request body, as kubectl sends
// them, so preconditions work.
//
// # Kind-driven access
//
// Tools that hold objects rather than resources (manifests, backups) call
// [Client.ForObject]: it maps the object's apiVersion and kind to its
// resource through the Client's Mapper (see package restmapper) and picks
// the namespace — the object's, else [Options.DefaultNamespace] (usually the
// kubeconfig context's) — refusing a namespace on a cluster-scoped kind or
// none on a namespaced one before anything is sent.
//
// # Lists and watches
//
// [ResourceHandle.List] returns one list, or one page of it with Limit;
// [ResourceHandle.Items] iterates over every object, fetching pages lazily.
// [ResourceHandle.Watch] returns a watch.Interface whose events carry
// *unstructured.Unstructured objects, and *metav1.Status for ERROR events
// (an expired resourceVersion arrives so, inside a 200 response:
// apierrors.IsResourceExpired(apierrors.FromObject(ev.Object))).
//
// # Errors
//
// Mistakes visible locally — an empty name, a name or namespace with "/" or
// "%", "." or "..", a nil object, a server-side apply without a field
// manager — are reported before any request is sent, naming the call. An
// error from the server is its *apierrors.StatusError, returned as it is,
// so apierrors.IsNotFound, IsConflict, IsAlreadyExists, IsForbidden and
// friends work; other failures name the call and wrap the cause.
package dynamic
