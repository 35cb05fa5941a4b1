package memserver

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"mime"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// maxBody is the largest request body accepted (kube-apiserver: 3 MiB of
// object plus overhead).
const maxBody = 3 << 20 * 2

// readBody reads the request body, refusing more than maxBody.
func (c *call) readBody() ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("unable to read the request body: %v", err))
	}
	if len(b) > maxBody {
		return nil, apierrors.NewRequestEntityTooLargeError("limit is 3145728")
	}
	return b, nil
}

// mediaType is the request's Content-Type without parameters.
func (c *call) mediaType() string {
	ct := c.r.Header.Get("Content-Type")
	if ct == "application/json" {
		return ct // what ParseMediaType returns, without its parameter map
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "application/json"
	}
	return mt
}

// errUnsupportedMedia is the 415 for a body format the server cannot read.
func errUnsupportedMedia(mt string, accepted []string) error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Message: fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: %s", strings.Join(accepted, ", ")),
		Reason:  metav1.StatusReasonUnsupportedMediaType,
		Code:    http.StatusUnsupportedMediaType,
	}}
}

// errRouteUnsupportedMedia is the 415 kube-apiserver's router (go-restful)
// answers for a PATCH content type no built-in route consumes.
func errRouteUnsupportedMedia() error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Message: "415: Unsupported Media Type",
		Reason:  metav1.StatusReasonUnsupportedMediaType,
		Details: &metav1.StatusDetails{},
		Code:    http.StatusUnsupportedMediaType,
	}}
}

// decodeBody decodes a JSON or YAML object body. Duplicate fields are
// reported as strict errors (warnings or a 400 per fieldValidation).
func (c *call) decodeBody() (object, error) {
	mt := c.mediaType()
	if mt != "application/json" && mt != "application/yaml" {
		return nil, errUnsupportedMedia(mt, []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"})
	}
	b, err := c.readBody()
	if err != nil {
		return nil, err
	}
	return c.decodeJSONish(b, mt == "application/yaml")
}

// decodeJSONish decodes b (YAML when asked) into an object, recording
// duplicate fields under the call's fieldValidation.
func (c *call) decodeJSONish(b []byte, isYAML bool) (object, error) {
	if isYAML {
		j, err := yaml.YAMLToJSON(b)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("error decoding YAML: %v", err))
		}
		b = j
	}
	if o, ok := decodeFast(b); ok {
		return o, nil
	}
	var o object
	strict, err := sigsjson.UnmarshalStrict(b, &o, sigsjson.DisallowDuplicateFields)
	if err != nil || o == nil {
		return nil, c.decodeError(b)
	}
	for _, e := range strict {
		c.duplicates = append(c.duplicates, e.Error())
	}
	return o, nil
}

// decodeFast decodes b with kubedyn's one-pass decoder when that gives what
// the strict decoder gives: an object (not a list, with a kind) that
// repeats no member. Anything else (malformed JSON, duplicates, a list) is
// left to the strict decoder and its messages. FuzzDecodeBody compares the
// two.
func decodeFast(b []byte) (object, bool) {
	u, dups, err := kdu.DecodeObjectBytes(b)
	if err != nil || dups {
		return nil, false
	}
	return u.Object, true
}

// decodeError is the server's 400 for a body it cannot read as an object
// (its transformDecodeError and summarizeData).
func (c *call) decodeError(b []byte) error {
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	base := "Object 'Kind' is missing"
	if err := json.Unmarshal(b, &tm); err != nil {
		base = "couldn't get version/kind; json parse error: " + err.Error()
	} else if tm.Kind != "" {
		gv, _ := schema.ParseGroupVersion(tm.APIVersion)
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: the body is not an object", tm.Kind, gv.Version, c.res.kind))
	}
	return apierrors.NewBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %s (%s)", c.res.kind, base, summarizeData(b, 30)))
}

// summarizeData is how the server quotes a body it could not decode.
func summarizeData(data []byte, maxLength int) string {
	switch {
	case len(data) == 0:
		return "<empty>"
	case data[0] == '{':
		if len(data) > maxLength {
			return string(data[:maxLength]) + " ..."
		}
		return string(data)
	default:
		if len(data) > maxLength {
			return hex.EncodeToString(data[:maxLength]) + " ..."
		}
		return hex.EncodeToString(data)
	}
}

// strictness applies fieldValidation to strict-decoding findings (the
// duplicate fields of the body and the unknown fields given): Strict fails
// with 400, Warn (the default) adds warnings, Ignore drops them. Custom
// resources list duplicates first (decoding, then pruning); built-ins
// unknown fields first.
func (c *call) strictness(unknown []string) error {
	msgs := append(append([]string(nil), unknown...), c.duplicates...)
	if c.res.crd != nil {
		msgs = append(append([]string(nil), c.duplicates...), unknown...)
	}
	c.duplicates = nil
	if len(msgs) == 0 {
		return nil
	}
	switch c.q.Get("fieldValidation") {
	case "Ignore":
		return nil
	case "Strict":
		if c.patched != nil {
			return apierrors.NewInvalid(schema.GroupKind{}, "", field.ErrorList{field.Invalid(field.NewPath("patch"), string(c.patched), "strict decoding error: "+strings.Join(msgs, ", "))})
		}
		v := c.res.gvr.Version
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: strict decoding error: %s", c.res.kind, v, c.res.kind, strings.Join(msgs, ", ")))
	}
	c.warnings = append(c.warnings, msgs...)
	return nil
}

func truncate(b []byte) string {
	if len(b) > 100 {
		return string(b[:100])
	}
	return string(b)
}
