package dynamic

import (
	"cmp"
	"errors"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/rest"
)

// Client reads and writes any resource of one API server as unstructured
// objects. It is safe for concurrent use; create one per server and identity
// and share it.
type Client struct {
	rc       *rest.Client
	mapper   meta.RESTMapper // nil: kind-driven calls are refused
	defNS    string          // namespace for namespaced kinds that name none
	schemas  SchemaSource    // nil: no local strategic merge for custom resources
	maxEvent int64           // bound on one watch event's bytes; <= 0: none
	wire     WireFormat      // how objects travel

	schemaCache schemaCache
}

// Options configures a Client beyond its transport.
type Options struct {
	// Mapper resolves kinds to resources for the kind-driven calls
	// ([Client.ForObject]); a *restmapper.Mapper is the usual choice. nil
	// leaves only the resource-driven calls ([Client.Resource]).
	Mapper meta.RESTMapper
	// DefaultNamespace is used by kind-driven calls on namespaced kinds whose
	// object names no namespace; usually rest.Config.Namespace (the
	// kubeconfig context's namespace). "" means such a call is an error.
	DefaultNamespace string
	// Schemas serves the OpenAPI v3 documents that a strategic merge patch
	// on a custom resource needs: the server answers such a patch with 415,
	// and Patch then applies it locally (package patch) and writes the
	// result with optimistic concurrency. A *discovery.Cached is the usual
	// choice. nil leaves the 415 to the caller.
	Schemas SchemaSource
	// MaxWatchEventBytes bounds one watch event (0: the default,
	// DefaultMaxWatchEventBytes; negative: no bound). A larger event ends
	// the watch with an ERROR event saying so, instead of growing the heap
	// without end.
	MaxWatchEventBytes int64
	// Wire chooses how objects travel: the zero value, WireCBORReads,
	// asks for CBOR and reads whatever the server sends (JSON from a server
	// without the CBORServingAndStorage gate) and sends JSON; WireCBOR
	// also sends CBOR bodies to a server that takes them; WireJSONOnly
	// keeps to JSON. See [WireFormat].
	Wire WireFormat
}

// DefaultMaxWatchEventBytes is the default bound on one watch event: 8
// MiB. The API server refuses request bodies over 3 MiB and etcd values
// over 1.5 MiB, so no object it stores is larger than a few MiB as JSON;
// the bound leaves room for that and keeps a broken or hostile stream from
// taking the process down.
const DefaultMaxWatchEventBytes = 8 << 20

// New returns a Client that sends its requests through rc.
func New(rc *rest.Client, opts Options) (*Client, error) {
	if rc == nil {
		return nil, errors.New("dynamic.New: nil *rest.Client")
	}
	return &Client{rc: rc, mapper: opts.Mapper, defNS: opts.DefaultNamespace, schemas: opts.Schemas,
		maxEvent: cmp.Or(opts.MaxWatchEventBytes, DefaultMaxWatchEventBytes), wire: opts.Wire}, nil
}

// Resource returns a handle on one resource, cluster-wide. Call its
// Namespace method for a namespaced resource's objects in one namespace; a
// handle without a namespace lists and watches across all namespaces.
func (c *Client) Resource(gvr schema.GroupVersionResource) *ResourceHandle {
	return &ResourceHandle{c: c, gvr: gvr}
}

// ResourceHandle is one resource, optionally in one namespace. It is
// immutable: [ResourceHandle.Namespace] returns a copy, so a handle can be
// shared between goroutines and kept for the life of the program. Its
// methods have the signatures of client-go's dynamic.ResourceInterface.
type ResourceHandle struct {
	c   *Client
	gvr schema.GroupVersionResource
	ns  string
}

// Namespace returns a copy of h that works in namespace ns ("" means
// cluster-scoped, or all namespaces for List, Watch and DeleteCollection).
func (h *ResourceHandle) Namespace(ns string) *ResourceHandle {
	cp := *h
	cp.ns = ns
	return &cp
}

// Observe reports ev to the client's rest.Config.Observer (nothing without
// one). The list-and-watch loops built on a handle (WatchResumable,
// informers, followers) report their watch reconnects and relists through
// it.
func (h *ResourceHandle) Observe(ev rest.Event) { h.c.rc.Observe(ev) }

// GroupVersionResource returns the resource h works on.
func (h *ResourceHandle) GroupVersionResource() schema.GroupVersionResource { return h.gvr }

// NamespaceName returns the namespace h works in ("" for none).
func (h *ResourceHandle) NamespaceName() string { return h.ns }
