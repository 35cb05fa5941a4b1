package rest

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"sync/atomic"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubedyn/kubedyn/unstructured"
)

// Media types of Kubernetes' CBOR wire format (KEP-4222), which
// kube-apiserver serves behind its CBORServingAndStorage feature gate
// (alpha, off by default through 1.37), and of the JSON forms a client
// falls back to.
const (
	// MediaTypeJSON is JSON, every server's format.
	MediaTypeJSON = "application/json"
	// MediaTypeCBOR is one CBOR data item (an object, a list, a Status),
	// self-described (tag 55799).
	MediaTypeCBOR = "application/cbor"
	// MediaTypeCBORSeq is a watch stream in CBOR: a CBOR sequence (RFC
	// 8742) of self-described watch event objects.
	MediaTypeCBORSeq = "application/cbor-seq"
	// MediaTypeApplyPatchCBOR is a server-side apply patch in CBOR.
	MediaTypeApplyPatchCBOR = "application/apply-patch+cbor"
	// MediaTypeApplyPatchYAML is a server-side apply patch in YAML (or
	// JSON, which is YAML).
	MediaTypeApplyPatchYAML = "application/apply-patch+yaml"
	// AcceptCBOR asks for CBOR with JSON as a lower-quality alternative in
	// the same Accept header, so that a server without the gate (or a
	// resource it cannot serve as CBOR) answers JSON instead of 406. It is
	// what client-go's dynamic client sends when its ClientsAllowCBOR gate
	// is on ("application/json;q=0.9,application/cbor;q=1"), in the other
	// order. A watch so asked is answered with application/cbor-seq.
	AcceptCBOR = "application/cbor;q=1, application/json;q=0.9"
)

// IsCBOR reports whether a Content-Type names CBOR (application/cbor or
// application/cbor-seq, parameters ignored).
func IsCBOR(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == MediaTypeCBOR || mt == MediaTypeCBORSeq)
}

// isCBORBody reports whether a request Content-Type sends a CBOR body.
func isCBORBody(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == MediaTypeCBOR || mt == MediaTypeApplyPatchCBOR)
}

// cborState is what one server has shown of CBOR, learnt from its answers,
// never from its version. Both flags only ever turn on.
type cborState struct {
	served  atomic.Bool // it answered a request with a CBOR body
	refused atomic.Bool // it answered a CBOR request body with 415
}

// CBORBodies reports whether request bodies may go to this client's server
// as CBOR: it has answered at least one request in CBOR (so its
// CBORServingAndStorage gate is on) and has never refused a CBOR request
// body with 415 Unsupported Media Type. Packages that send objects
// (dynamic's create, update and apply) ask it before each request.
func (c *Client) CBORBodies() bool {
	return c.cbor.served.Load() && !c.cbor.refused.Load()
}

// ServedCBOR reports whether this client's server has answered any request
// in CBOR.
func (c *Client) ServedCBOR() bool { return c.cbor.served.Load() }

// noteResponse records what a successful response shows of CBOR.
func (c *Client) noteResponse(resp *http.Response) {
	if !c.cbor.served.Load() && IsCBOR(resp.Header.Get("Content-Type")) {
		c.cbor.served.Store(true)
	}
}

// unsupportedCBOR reports whether resp refuses hreq's CBOR body, and
// remembers the refusal for the server.
func (c *Client) unsupportedCBOR(hreq *http.Request, resp *http.Response) bool {
	if resp.StatusCode != http.StatusUnsupportedMediaType || !isCBORBody(hreq.Header.Get("Content-Type")) {
		return false
	}
	c.cbor.refused.Store(true)
	return true
}

// decodeCBORStatus reports whether body is a CBOR metav1.Status (the
// server answers errors in the format the request accepted) and decodes it.
func decodeCBORStatus(body []byte) (metav1.Status, bool) {
	var st metav1.Status
	if !bytes.HasPrefix(body, []byte{0xd9, 0xd9, 0xf7}) {
		return st, false
	}
	obj, err := unstructured.DecodeCBORObjectBytes(body)
	if err != nil || obj.GetKind() != "Status" {
		return st, false
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &st); err != nil {
		return metav1.Status{}, false
	}
	return st, true
}

// withJSONBody returns a copy of req with the body and Content-Type its
// JSONFallback gives.
func withJSONBody(req *Request) (*Request, error) {
	body, ct, err := req.JSONFallback()
	if err != nil {
		return nil, fmt.Errorf("encoding the JSON fallback of a CBOR body: %w", err)
	}
	r := *req
	r.Body, r.JSONFallback = body, nil
	r.Header = req.Header.Clone()
	if r.Header == nil {
		r.Header = http.Header{}
	}
	r.Header.Set("Content-Type", ct)
	return &r, nil
}
