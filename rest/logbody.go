package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/serializer/cbor/direct"
)

const (
	// bodyLogLimit is how much of a body LevelBodies shows, as kubectl's
	// -v=8 truncates.
	bodyLogLimit = 10 << 10
	// bodyParseLimit is how much of a body is kept to redact it before
	// logging; a longer body is shown only when it cannot hold secrets.
	bodyParseLimit = 1 << 20
)

// secretFields lists, per kind, the fields whose values are credentials:
// every value of a Secret's data and stringData, the token of a
// TokenRequest's status and of a TokenReview's spec.
var secretFields = map[string][]string{
	"Secret":       {"data", "stringData"},
	"TokenRequest": {"status"},
	"TokenReview":  {"spec"},
}

// bodyForLog returns body as text for a log line, truncated to
// bodyLogLimit, with every credential it holds redacted. complete says
// body is the whole body; secretPath that the request was about secrets
// (a patch of a Secret names no kind, so its data is redacted by place).
//
// A JSON body is parsed whole and redacted at any depth (a Secret, a List
// or SecretList of them, a watch event, a Table row's object). A body that
// cannot be parsed whole (cut, or not JSON: protobuf, CBOR, YAML) is not
// shown if it may hold one: when the request was about secrets or the text
// "Secret" or "Token" appears in it.
func bodyForLog(body []byte, complete, secretPath bool) string {
	if bytes.HasPrefix(body, cborSelfDescribedHead) {
		return cborBodyForLog(body, complete, secretPath)
	}
	var v any
	if complete && json.Valid(body) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			changed := redactJSON(v, secretPath)
			if !changed {
				return truncateForLog(body)
			}
			if out, err := json.Marshal(v); err == nil {
				return truncateForLog(out)
			}
		}
	}
	if secretPath || bytes.Contains(body, []byte("Secret")) || bytes.Contains(body, []byte("Token")) {
		return fmt.Sprintf("(%d bytes not shown: they may hold credentials and could not be parsed whole)", len(body))
	}
	return truncateForLog(body)
}

func truncateForLog(b []byte) string {
	if len(b) <= bodyLogLimit {
		return string(b)
	}
	return string(b[:bodyLogLimit]) + fmt.Sprintf(" ... (%d more bytes)", len(b)-bodyLogLimit)
}

// redactJSON redacts, in place, the credential fields of every object in
// v whose kind secretFields lists; with top set, also the top-level
// data and stringData (a merge patch of a Secret) and the value of every
// JSON patch operation. It reports whether it changed anything.
func redactJSON(v any, top bool) bool {
	changed := false
	if top {
		switch t := v.(type) {
		case map[string]any:
			for _, f := range secretFields["Secret"] {
				changed = redactValues(t, f) || changed
			}
			changed = redactLastApplied(t) || changed
		case []any: // a JSON patch
			for _, op := range t {
				if m, ok := op.(map[string]any); ok {
					changed = redactValues(m, "value") || changed
				}
			}
		}
	}
	return redactKinds(v) || changed
}

// redactKinds walks v and redacts the fields secretFields lists in every
// object of a listed kind.
func redactKinds(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		if kind, _ := t["kind"].(string); kind != "" {
			for _, f := range secretFields[kind] {
				changed = redactValues(t, f) || changed
			}
			if kind == "Secret" {
				changed = redactLastApplied(t) || changed
			}
			changed = redactTypedList(t, kind) || changed
		}
		for _, c := range t {
			changed = redactKinds(c) || changed
		}
	case []any:
		for _, c := range t {
			changed = redactKinds(c) || changed
		}
	}
	return changed
}

// redactTypedList redacts the items of a typed list (SecretList), whose
// items carry no kind of their own.
func redactTypedList(list map[string]any, kind string) bool {
	fields := secretFields[strings.TrimSuffix(kind, "List")]
	items, _ := list["items"].([]any)
	if !strings.HasSuffix(kind, "List") || len(fields) == 0 {
		return false
	}
	changed := false
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			for _, f := range fields {
				changed = redactValues(m, f) || changed
			}
			changed = redactLastApplied(m) || changed
		}
	}
	return changed
}

// redactLastApplied redacts kubectl's last-applied-configuration
// annotation of obj, which repeats a Secret's data as text.
func redactLastApplied(obj map[string]any) bool {
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	const key = "kubectl.kubernetes.io/last-applied-configuration"
	if _, ok := ann[key]; !ok {
		return false
	}
	ann[key] = redacted
	return true
}

// redactValues replaces m[field]: every value of a map, or the value itself.
func redactValues(m map[string]any, field string) bool {
	v, ok := m[field]
	if !ok || v == nil {
		return false
	}
	if inner, ok := v.(map[string]any); ok {
		for k := range inner {
			inner[k] = redacted
		}
		return len(inner) > 0
	}
	m[field] = redacted
	return true
}

// cborSelfDescribedHead begins every CBOR body the API server writes (tag 55799).
var cborSelfDescribedHead = []byte{0xd9, 0xd9, 0xf7}

// cborBodyForLog shows a CBOR body as the JSON it stands for, redacted as
// a JSON body is; a CBOR body that cannot be read whole (cut, or a
// cbor-seq watch stream) is not shown: it is binary.
func cborBodyForLog(body []byte, complete, secretPath bool) string {
	var v any
	if complete && direct.Unmarshal(body, &v) == nil {
		if j, err := json.Marshal(v); err == nil {
			return "(CBOR, shown as JSON) " + bodyForLog(j, true, secretPath)
		}
	}
	return fmt.Sprintf("(%d bytes of CBOR not shown)", len(body))
}
