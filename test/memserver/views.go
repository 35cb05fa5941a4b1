package memserver

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// view is the shape a read answers in, from the Accept header.
type view int

const (
	viewObject view = iota // the objects themselves
	viewTable              // meta.k8s.io Table
	viewMeta               // meta.k8s.io PartialObjectMetadata(List)
)

// viewOf negotiates the first acceptable media range of Accept, as the
// server does; nothing acceptable is 406.
func (c *call) view() (view, error) {
	accept := c.r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return viewObject, nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/json", "application/*", "*/*":
		default:
			continue
		}
		switch as := params["as"]; {
		case as == "":
			return viewObject, nil
		case params["g"] != "meta.k8s.io" || (params["v"] != "v1" && params["v"] != "v1beta1"):
			continue
		case as == "Table":
			return viewTable, nil
		case as == "PartialObjectMetadata" || as == "PartialObjectMetadataList":
			return viewMeta, nil
		}
	}
	return viewObject, errNotAcceptable(c.res.crd != nil)
}

// errNotAcceptable is the 406 for an Accept header the server cannot meet:
// for built-ins its router's (go-restful) answer, for custom resources the
// API handler's.
func errNotAcceptable(custom bool) error {
	if custom {
		return &apierrors.StatusError{ErrStatus: metav1.Status{
			Status:  metav1.StatusFailure,
			Message: "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf",
			Reason:  metav1.StatusReasonNotAcceptable,
			Code:    http.StatusNotAcceptable,
		}}
	}
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Message: "406: Not Acceptable\n\nAvailable representations: application/json, application/yaml, application/vnd.kubernetes.protobuf",
		Reason:  metav1.StatusReasonNotAcceptable,
		Details: &metav1.StatusDetails{},
		Code:    http.StatusNotAcceptable,
	}}
}

// partialMeta is raw as PartialObjectMetadata.
func partialMeta(raw []byte) []byte {
	var o struct {
		Metadata json.RawMessage `json:"metadata"`
	}
	_ = json.Unmarshal(raw, &o)
	b, _ := json.Marshal(map[string]any{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o.Metadata})
	return b
}

// respondView writes one object in the negotiated view.
func (c *call) respondView(v view, raw []byte) error {
	switch v {
	case viewTable:
		c.flushWarnings()
		writeJSON(c.w, http.StatusOK, c.table([][]byte{raw}, rvOf(raw), ""))
		return nil
	case viewMeta:
		c.flushWarnings()
		writeRaw(c.w, http.StatusOK, "application/json", partialMeta(c.present(raw)))
		return nil
	}
	return c.respondRaw(http.StatusOK, raw)
}
