package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Record is the observable outcome of one scenario on one server: a step per
// request (or per watch), in order, with the values that differ between runs
// (uids, timestamps, resourceVersions, generated names, the scenario's
// namespace and API groups) replaced by placeholders that keep their
// relations: the same uid is the same placeholder, resourceVersions are
// ranked ("rv-1" is the smallest seen in the record).
type Record struct {
	Steps []Step `json:"steps"`
}

// Step is one request's outcome.
type Step struct {
	// Op says what was asked, e.g. "create cm a".
	Op string `json:"op"`
	// Code is the HTTP status of a raw request (package rest), 0 for calls
	// through dynamic and discovery, whose successful answers hide it.
	Code int `json:"code,omitempty"`
	// Error is the server's Status when the request failed.
	Error *Status `json:"error,omitempty"`
	// Warnings are the Warning headers the server sent for the request.
	Warnings []string `json:"warnings,omitempty"`
	// Value is the answer (an object, a list, a document, watch events, a
	// computed fact), as generic JSON.
	Value any `json:"value,omitempty"`

	maskDigits bool // replace the digits of the error message by N
}

// Status is the part of a metav1.Status a client sees in an error.
type Status struct {
	Code    int32                 `json:"code"`
	Reason  string                `json:"reason,omitempty"`
	Message string                `json:"message,omitempty"`
	Details *metav1.StatusDetails `json:"details,omitempty"`
}

// Event is one watch event as recorded.
type Event struct {
	Type   string `json:"type"`
	Object any    `json:"object"`
}

// statusOf returns the Status an error carries (a client-side error becomes
// code 0 and its message).
func statusOf(err error) *Status {
	if err == nil {
		return nil
	}
	var as apierrors.APIStatus
	if errors.As(err, &as) {
		s := as.Status()
		return &Status{Code: s.Code, Reason: string(s.Reason), Message: s.Message, Details: s.Details}
	}
	return &Status{Message: "client error: " + err.Error()}
}

// decodeJSON decodes one JSON value from rd into v.
func decodeJSON(rd io.Reader, v any) error { return json.NewDecoder(rd).Decode(v) }

// generic turns v into generic JSON (maps, slices, strings, float64s, bools).
func generic(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("record %T: %w", v, err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("record %T: %w", v, err)
	}
	return out, nil
}

// normaliser replaces the values that differ between runs and servers.
type normaliser struct {
	literal   [][2]string       // exact strings (namespace, groups) and their placeholders, longest first
	uids      map[string]string // uid -> "uid-N", first seen first
	rvs       map[string]string // resourceVersion -> "rv-N", ranked
	generated map[string]string // generated name -> prefix + "<gen>"
}

var timeKeys = map[string]bool{"creationTimestamp": true, "deletionTimestamp": true, "time": true, "lastTransitionTime": true, "lastUpdateTime": true}

// normalise rewrites rec in place. literal maps run-specific strings to
// their placeholders.
func normalise(rec *Record, literal map[string]string) error {
	n := &normaliser{uids: map[string]string{}, rvs: map[string]string{}, generated: map[string]string{}}
	for k, v := range literal {
		if k != "" {
			n.literal = append(n.literal, [2]string{k, v})
		}
	}
	sort.Slice(n.literal, func(i, j int) bool { return len(n.literal[i][0]) > len(n.literal[j][0]) })
	var rvs []string
	for i := range rec.Steps {
		n.collect(rec.Steps[i].Value, &rvs)
	}
	if err := n.rank(rvs); err != nil {
		return err
	}
	for i := range rec.Steps {
		s := &rec.Steps[i]
		s.Op = n.str(s.Op, false)
		s.Value = n.walk(s.Value, "")
		for j := range s.Warnings {
			s.Warnings[j] = n.str(s.Warnings[j], true)
		}
		if s.Error != nil {
			v := n.walk(mustGeneric(s.Error), "")
			data, _ := json.Marshal(v)
			var st Status
			_ = json.Unmarshal(data, &st)
			st.Message = n.str(s.Error.Message, true)
			if s.maskDigits {
				st.Message = digitsRE.ReplaceAllString(st.Message, "N")
			}
			s.Error = &st
		}
	}
	return nil
}

func mustGeneric(v any) any {
	g, err := generic(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return g
}

// collect finds uids (first-seen order), resourceVersions and generated names.
func (n *normaliser) collect(v any, rvs *[]string) {
	switch t := v.(type) {
	case map[string]any:
		keys := sortedKeys(t)
		if gn, ok := t["generateName"].(string); ok && gn != "" {
			if name, ok := t["name"].(string); ok && strings.HasPrefix(name, gn) && len(name) == len(gn)+5 {
				n.generated[name] = gn + "<gen>"
			}
		}
		for _, k := range keys {
			switch s, _ := t[k].(string); {
			case k == "uid" && s != "":
				if _, ok := n.uids[s]; !ok {
					n.uids[s] = fmt.Sprintf("uid-%d", len(n.uids)+1)
				}
			case k == "resourceVersion" && s != "":
				*rvs = append(*rvs, s)
			}
			n.collect(t[k], rvs)
		}
	case []any:
		for _, e := range t {
			n.collect(e, rvs)
		}
	}
}

// rank maps each distinct resourceVersion to its rank among them.
func (n *normaliser) rank(rvs []string) error {
	var nums []uint64
	seen := map[uint64]bool{}
	for _, s := range rvs {
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			n.rvs[s] = "rv-opaque"
			continue
		}
		if !seen[u] {
			seen[u] = true
			nums = append(nums, u)
		}
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	for i, u := range nums {
		n.rvs[strconv.FormatUint(u, 10)] = fmt.Sprintf("rv-%d", i+1)
	}
	return nil
}

func (n *normaliser) walk(v any, key string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = n.walk(e, k)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = n.walk(e, key)
		}
		return t
	case string:
		switch {
		case t == "":
			return t
		case key == "uid":
			return n.uids[t]
		case key == "resourceVersion":
			if p, ok := n.rvs[t]; ok {
				return p
			}
		case timeKeys[key]:
			return "<time>"
		case key == "continue":
			return "<continue>"
		}
		return n.str(t, key == "message")
	}
	return v
}

var (
	wordRE   = regexp.MustCompile(`[A-Za-z0-9-]+`)
	digitsRE = regexp.MustCompile(`[0-9]+`)
)

// str replaces run-specific literals, uids and generated names in s, and in
// a message also whole-word resourceVersions.
func (n *normaliser) str(s string, message bool) string {
	for _, l := range n.literal {
		s = strings.ReplaceAll(s, l[0], l[1])
	}
	return wordRE.ReplaceAllStringFunc(s, func(w string) string {
		if p, ok := n.uids[w]; ok {
			return p
		}
		if p, ok := n.generated[w]; ok {
			return p
		}
		if message {
			if p, ok := n.rvs[w]; ok && p != "rv-opaque" {
				return p
			}
		}
		return w
	})
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
