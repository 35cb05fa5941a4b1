package dynamic

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/kubedyn/kubedyn/rest"
)

// Content types of the four patch kinds and of the bodies this package sends.
const (
	contentJSON  = "application/json"
	contentApply = "application/apply-patch+yaml"
)

// call describes one request before it is built: what is asked of which
// object. It is the single place URLs come from.
type call struct {
	verb        string // for errors: "get", "list", "create", ...
	method      string
	name        string   // "" for the collection
	needName    bool     // the verb acts on one named object
	subresource []string // path segments after the name
	query       url.Values
	body        []byte
	contentType string                         // "" = application/json when body != nil
	fallback    func() ([]byte, string, error) // the JSON form of a CBOR body
	accept      string                         // "" = the Client's objects (Client.acceptObjects)
}

// request builds the rest.Request for c on h's resource and namespace. It
// refuses bad input (an empty, "." or ".." name, a name or namespace with
// "/" or "%") before anything is sent. It does no I/O.
func (h *ResourceHandle) request(c call) (*rest.Request, error) {
	if c.needName {
		if err := rest.ValidateName(c.name); err != nil {
			return nil, h.errorf(c, "%w", err)
		}
	}
	if h.ns != "" {
		if err := rest.ValidateNamespace(h.ns); err != nil {
			return nil, h.errorf(c, "%w", err)
		}
	}
	for _, s := range c.subresource {
		if err := rest.ValidateName(s); err != nil {
			return nil, h.errorf(c, "subresource: %w", err)
		}
	}
	if h.gvr.Resource == "" || h.gvr.Version == "" {
		return nil, h.errorf(c, "the GroupVersionResource needs a version and a resource")
	}
	path, err := rest.ResourcePath{
		Group: h.gvr.Group, Version: h.gvr.Version, Namespace: h.ns,
		Resource: h.gvr.Resource, Name: c.name, Subresource: c.subresource,
	}.Build()
	if err != nil {
		return nil, h.errorf(c, "%w", err)
	}
	req := &rest.Request{Method: c.method, Path: path, Body: c.body, JSONFallback: c.fallback}
	if len(c.query) > 0 {
		req.Query = c.query
	}
	if c.body != nil {
		ct := c.contentType
		if ct == "" {
			ct = contentJSON
		}
		req.Header = http.Header{"Content-Type": {ct}}
	}
	accept := c.accept
	if accept == "" {
		accept = h.c.acceptObjects()
	}
	if accept != "" {
		if req.Header == nil {
			req.Header = http.Header{}
		}
		req.Header.Set("Accept", accept)
	}
	return req, nil
}

// send builds c, sends it, and returns the open response. A server error
// comes back as its *apierrors.StatusError (see serverError).
func (h *ResourceHandle) send(ctx context.Context, c call) (*rest.Response, error) {
	req, err := h.request(c)
	if err != nil {
		return nil, err
	}
	resp, err := h.c.rc.Do(ctx, req)
	if err != nil {
		return nil, h.serverError(c, err)
	}
	return resp, nil
}

// what names the object or collection a call is about, for error messages:
// "get deployments.v1.apps web in namespace ns/status".
func (h *ResourceHandle) what(c call) string {
	var b strings.Builder
	b.WriteString(c.verb)
	b.WriteByte(' ')
	b.WriteString(h.gvr.Resource)
	if h.gvr.Version != "" {
		b.WriteString("." + h.gvr.Version)
	}
	if h.gvr.Group != "" {
		b.WriteString("." + h.gvr.Group)
	}
	if len(c.subresource) > 0 {
		b.WriteString("/" + strings.Join(c.subresource, "/"))
	}
	if c.name != "" {
		fmt.Fprintf(&b, " %q", c.name)
	}
	if h.ns != "" {
		fmt.Fprintf(&b, " in namespace %q", h.ns)
	}
	return b.String()
}

// errorf wraps a failure of c with what was asked.
func (h *ResourceHandle) errorf(c call, format string, args ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{h.what(c)}, args...)...)
}
