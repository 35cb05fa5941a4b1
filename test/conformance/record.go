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
	rvs       map[string]string // an object's resourceVersion -> "rv-N", ranked
	objRVs    []uint64          // the objects' resourceVersions, sorted
	generated map[string]string // generated name -> prefix + "<gen>"
}

var timeKeys = map[string]bool{"creationTimestamp": true, "deletionTimestamp": true, "time": true, "lastTransitionTime": true, "lastUpdateTime": true}

var (
	wordRE      = regexp.MustCompile(`[A-Za-z0-9-]+`)
	digitsRE    = regexp.MustCompile(`[0-9]+`)
	timeRE      = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z`)
	embeddedRV  = regexp.MustCompile(`(resourceVersion\\*"\s*:\s*\\*")([0-9]+)`)
	placeholder = regexp.MustCompile(`^rv-[0-9]+$`)
	secondsRE   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`)
	uuidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// normalise rewrites rec in place. literal maps run-specific strings to
// their placeholders.
//
// resourceVersions come in two kinds. An object's (metadata with a name)
// is ranked among the objects' of the record: "rv-2" is the second
// smallest. A collection's (a list, a bookmark), which on a shared server
// may be any later revision, becomes "rv-K+": at or after the K-th
// object's, before the next ("rv-0+" before every object's).
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
	n.rank(rvs)
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

// isObjectMeta tells an object's metadata (it has a name) from a collection's.
func isObjectMeta(m map[string]any) bool {
	_, ok := m["name"]
	return ok
}

// collect finds uids (first-seen order), the objects' resourceVersions and
// generated names.
func (n *normaliser) collect(v any, rvs *[]string) {
	switch t := v.(type) {
	case map[string]any:
		if gn, ok := t["generateName"].(string); ok && gn != "" {
			if name, ok := t["name"].(string); ok && strings.HasPrefix(name, gn) && len(name) == len(gn)+5 {
				n.generated[name] = gn + "<gen>"
			}
		}
		if rv, ok := t["resourceVersion"].(string); ok && rv != "" && isObjectMeta(t) {
			*rvs = append(*rvs, rv)
		}
		for _, k := range sortedKeys(t) {
			if s, ok := t[k].(string); ok && k == "uid" && s != "" {
				if _, seen := n.uids[s]; !seen {
					n.uids[s] = fmt.Sprintf("uid-%d", len(n.uids)+1)
				}
			}
			n.collect(t[k], rvs)
		}
	case []any:
		for _, e := range t {
			n.collect(e, rvs)
		}
	}
}

// rank maps each distinct object resourceVersion to its rank among them.
func (n *normaliser) rank(rvs []string) {
	seen := map[uint64]bool{}
	for _, s := range rvs {
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			n.rvs[s] = "rv-opaque"
			continue
		}
		if !seen[u] {
			seen[u] = true
			n.objRVs = append(n.objRVs, u)
		}
	}
	sort.Slice(n.objRVs, func(i, j int) bool { return n.objRVs[i] < n.objRVs[j] })
	for i, u := range n.objRVs {
		n.rvs[strconv.FormatUint(u, 10)] = fmt.Sprintf("rv-%d", i+1)
	}
}

// collectionRV places a collection's resourceVersion among the objects'.
func (n *normaliser) collectionRV(s string) string {
	u, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return "rv-opaque"
	}
	k := sort.Search(len(n.objRVs), func(i int) bool { return n.objRVs[i] > u })
	return fmt.Sprintf("rv-%d+", k)
}

func (n *normaliser) walk(v any, key string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if rv, ok := e.(string); ok && k == "resourceVersion" && rv != "" {
				if isObjectMeta(t) {
					out[k] = n.rvs[rv]
				} else {
					out[k] = n.collectionRV(rv)
				}
				continue
			}
			out[n.str(k, false)] = n.walk(e, k)
		}
		return out
	case []any:
		for i, e := range t {
			t[i] = n.walk(e, key)
		}
		if key == "managedFields" {
			sortManagedFields(t)
		}
		return t
	case string:
		switch {
		case t == "":
			return t
		case key == "uid" && !uuidRE.MatchString(t):
			return "<not a uuid: " + t + ">"
		case key == "uid":
			return n.uids[t]
		case timeKeys[key] && !secondsRE.MatchString(t):
			return "<not RFC 3339 in seconds: " + t + ">"
		case timeKeys[key]:
			return "<time>"
		case key == "continue":
			return "<continue>"
		case key == "storageVersionHash":
			return "<hash>"
		}
		return n.str(t, key == "message")
	}
	return v
}

// str replaces run-specific literals, times, uids and generated names in s,
// and in a message also resourceVersions (whole words, and the values of
// resourceVersion fields of JSON quoted in it).
func (n *normaliser) str(s string, message bool) string {
	for _, l := range n.literal {
		s = strings.ReplaceAll(s, l[0], l[1])
	}
	s = timeRE.ReplaceAllString(s, "<time>")
	if message {
		s = embeddedRV.ReplaceAllStringFunc(s, func(m string) string {
			sub := embeddedRV.FindStringSubmatch(m)
			if p, ok := n.rvs[sub[2]]; ok {
				return sub[1] + p
			}
			return sub[1] + "<rv>"
		})
	}
	return wordRE.ReplaceAllStringFunc(s, func(w string) string {
		if p, ok := n.uids[w]; ok {
			return p
		}
		if uuidRE.MatchString(w) {
			n.uids[w] = fmt.Sprintf("uid-%d", len(n.uids)+1)
			return n.uids[w]
		}
		if p, ok := n.generated[w]; ok {
			return p
		}
		if message {
			if p, ok := n.rvs[w]; ok && placeholder.MatchString(p) {
				return p
			}
		}
		return w
	})
}

// sortManagedFields orders managedFields entries by manager, operation,
// subresource and apiVersion: the server orders entries of the same second
// as it pleases, and the entries are a set.
func sortManagedFields(entries []any) {
	key := func(e any) string {
		m, _ := e.(map[string]any)
		var parts []string
		for _, k := range []string{"manager", "operation", "subresource", "apiVersion"} {
			s, _ := m[k].(string)
			parts = append(parts, s)
		}
		return strings.Join(parts, "\x00")
	}
	sort.SliceStable(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
