package discovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/unstructured"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// isAggregated reports whether a response Content-Type is an aggregated
// discovery list (v2 or v2beta1). A plain or missing JSON type is not.
func isAggregated(contentType string) (bool, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false, fmt.Errorf("unparseable Content-Type %q: %w", contentType, err)
	}
	if mt != "application/json" {
		return false, fmt.Errorf("unexpected Content-Type %q (want application/json)", contentType)
	}
	if params["g"] != "apidiscovery.k8s.io" {
		return false, nil
	}
	if params["as"] != "APIGroupDiscoveryList" || (params["v"] != "v2" && params["v"] != "v2beta1") {
		return false, fmt.Errorf("unsupported aggregated discovery type %q", contentType)
	}
	return true, nil
}

// decodeAggregated decodes an aggregated discovery list with the
// single-pass decoder of aggjson.go.
func decodeAggregated(body []byte) (*groupDiscoveryList, error) {
	var l groupDiscoveryList
	if err := unmarshalAggregated(body, &l); err != nil {
		return nil, explainJSON(body, err)
	}
	if l.Kind != "APIGroupDiscoveryList" {
		return nil, fmt.Errorf("not an APIGroupDiscoveryList (kind %q)", l.Kind)
	}
	return &l, nil
}

// decodeLegacy decodes a legacy discovery document (APIVersions,
// APIGroupList, APIGroup or APIResourceList) into into, checking its kind.
func decodeLegacy(body []byte, kind string, into any) error {
	if l, ok := into.(*metav1.APIResourceList); ok && kind == "APIResourceList" {
		// The single-pass decoder of legacyjson.go: one per group-version.
		if err := unmarshalResourceList(body, l); err != nil {
			return explainJSON(body, err)
		}
		if l.Kind != kind {
			return fmt.Errorf("not a %s (kind %q)", kind, l.Kind)
		}
		return nil
	}
	var tm metav1.TypeMeta
	if err := strictJSON(body, &tm); err != nil {
		return err
	}
	if tm.Kind != kind {
		return fmt.Errorf("not a %s (kind %q)", kind, tm.Kind)
	}
	return json.Unmarshal(body, into)
}

// strictJSON decodes one JSON value, explaining a body that is not JSON
// (an HTML error page, a truncated answer) with a snippet.
func strictJSON(body []byte, into any) error {
	return explainJSON(body, json.Unmarshal(body, into))
}

// explainJSON turns a decoding error of body into one that says what the
// body was: empty, or a snippet of it. nil stays nil.
func explainJSON(body []byte, err error) error {
	if err == nil {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("empty body")
	}
	var se *unstructured.SyntaxError
	if errors.As(err, &se) { // without its "unstructured:" prefix
		err = fmt.Errorf("%s at offset %d", se.Msg, se.Offset)
	}
	return fmt.Errorf("invalid JSON (%v): %s", err, rest.Snippet(body, 120))
}
