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
// [ResourceHandle.WatchCompact] decodes the objects straight from the wire
// into package unstructured/compact's immutable form, without the tree:
// what the informer's compact cache keeps.
//
// # Wire format: CBOR when the server offers it
//
// Kubernetes serves CBOR behind kube-apiserver's CBORServingAndStorage
// feature gate (alpha, off by default through 1.37). By default
// ([WireCBORReads]) a Client asks for it with JSON as a lower-quality
// alternative in the same Accept header, on every call that reads objects,
// and decodes each answer by its Content-Type (application/cbor, a watch's
// application/cbor-seq, or JSON) into the same trees; a server without the
// gate answers JSON, as before. Request bodies stay JSON unless
// [Options.Wire] is [WireCBOR]: then create, update and apply bodies go as
// CBOR (application/cbor, application/apply-patch+cbor) once the server has
// answered in CBOR, and a 415 to a CBOR body is sent again as JSON, once,
// and remembered for the server ([rest.Client.CBORBodies]). JSON, merge and
// strategic merge patches have no CBOR form, and the meta.k8s.io views
// (Table, PartialObjectMetadata) stay JSON. [WireJSONOnly] keeps a Client
// to JSON.
//
// Why these defaults, from our tests on kube-apiserver v1.37.2. Reads: with
// the gate on, all 66 listable built-in resources and a custom resource with
// every schema type decode to trees equal to their JSON ones (package
// unstructured's TestCBORServedEqualsJSON); every verb, the resumable watch
// and the informer pass against the real server reading CBOR, and with the
// gate off the same calls with the same Options read JSON (TestCBORVerbs,
// TestCBORGateOff, the informer's TestCBORInformer, and the dynamic and
// informer suites run once with the gate on); a 10,000-pod list is 18%
// smaller on the wire (12% gzipped) and decodes 1.0 to 1.3 times as fast
// as kubedyn's JSON (building the same map[string]any trees costs both the
// most) and about 3 times as fast as client-go's CBOR (test/bench,
// BenchmarkCBORListDecode). Bodies: the
// server's field validation of a CBOR body reports "found unknown field at
// map element index 2" where a JSON body's names the field (the default,
// Warn, turns it into a warning on every write with a stray field;
// TestCBORBodyFieldValidation), and a single object gains little from
// CBOR, so bodies stay JSON by default. The one difference a reader can
// see: a float with an integral value (a number field written as 3.0)
// reads as float64(3) from CBOR where JSON gives int64(3);
// unstructured.GetInt64 and ToInt64 accept both.
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
