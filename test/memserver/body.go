package memserver

import (
	"fmt"
	"io"
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
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
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

// decodeBody decodes a JSON or YAML object body. Duplicate fields are
// reported as strict errors (warnings or a 400 per fieldValidation).
func (c *call) decodeBody() (object, error) {
	mt := c.mediaType()
	if mt != "application/json" && mt != "application/yaml" {
		return nil, errUnsupportedMedia(mt, []string{"application/json", "application/yaml"})
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
	var o object
	strict, err := sigsjson.UnmarshalStrict(b, &o, sigsjson.DisallowDuplicateFields)
	if err != nil || o == nil {
		if err == nil {
			err = fmt.Errorf("the body is not a JSON object")
		}
		return nil, apierrors.NewBadRequest(fmt.Sprintf("Object 'Kind' is missing in '%s'", truncate(b)))
	}
	var msgs []string
	for _, e := range strict {
		msgs = append(msgs, e.Error())
	}
	if err := c.strictness(msgs); err != nil {
		return nil, err
	}
	return o, nil
}

// strictness applies fieldValidation to strict-decoding findings: Strict
// fails with 400, Warn (the default) adds warnings, Ignore drops them.
func (c *call) strictness(msgs []string) error {
	if len(msgs) == 0 {
		return nil
	}
	switch c.q.Get("fieldValidation") {
	case "Ignore":
		return nil
	case "Strict":
		return apierrors.NewBadRequest("strict decoding error: " + strings.Join(msgs, ", "))
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
