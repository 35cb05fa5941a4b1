package dynamic

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/rest"
	kdu "github.com/kubedyn/kubedyn/unstructured"
)

// WireFormat says how a Client's objects travel to and from the server.
type WireFormat int

const (
	// WireCBORReads, the default, asks for CBOR with JSON as a
	// lower-quality alternative in the same Accept header
	// ([rest.AcceptCBOR]) on every call that reads objects (get, list,
	// watch, and the answers of writes), and reads each answer by its
	// Content-Type. A server without the CBORServingAndStorage gate answers
	// JSON as before. Request bodies stay JSON: the server's field
	// validation does not name the unknown fields of a CBOR body.
	WireCBORReads WireFormat = iota
	// WireCBOR is WireCBORReads, and create, update and apply bodies go as
	// CBOR (application/cbor, application/apply-patch+cbor) once the server
	// has answered in CBOR ([rest.Client.CBORBodies]); a 415 to a CBOR body
	// is sent again as JSON, once, and remembered for the server. JSON,
	// merge and strategic merge patches have no CBOR form and stay JSON.
	WireCBOR
	// WireJSONOnly asks for and sends JSON only. The meta.k8s.io views
	// (Table, PartialObjectMetadata) are JSON whatever the WireFormat.
	WireJSONOnly
)

// acceptObjects is the Accept header of a call that reads objects; ""
// leaves rest's default, application/json.
func (c *Client) acceptObjects() string {
	if c.wire == WireJSONOnly {
		return ""
	}
	return rest.AcceptCBOR
}

// encodeBody encodes obj as the body of a write whose JSON content type is
// jsonType (application/json, or application/apply-patch+yaml for apply):
// as CBOR (application/cbor, application/apply-patch+cbor) with a JSON
// fallback when the server has shown it takes CBOR, else as JSON.
func (c *Client) encodeBody(obj *unstructured.Unstructured, jsonType string) (body []byte, contentType string, fallback func() ([]byte, string, error), err error) {
	if c.wire == WireCBOR && c.rc.CBORBodies() {
		if body, err = kdu.MarshalCBOR(obj); err != nil {
			return nil, "", nil, err
		}
		contentType = rest.MediaTypeCBOR
		if jsonType == contentApply {
			contentType = rest.MediaTypeApplyPatchCBOR
		}
		return body, contentType, func() ([]byte, string, error) {
			b, err := encode(obj)
			return b, jsonType, err
		}, nil
	}
	body, err = encode(obj)
	return body, jsonType, nil, err
}
