package discovery

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ErrNotAggregated is the cause of a Mode Aggregated call's failure on a
// server (or proxy) that does not offer aggregated discovery; Mode Auto
// falls back to legacy discovery there instead. errors.Is reaches it.
var ErrNotAggregated = errors.New("the server did not answer with aggregated discovery")

// PartialError reports the group-versions whose discovery failed while
// others succeeded. It comes with the results that did succeed.
type PartialError struct {
	// Failed maps each failed group-version to its cause.
	Failed map[schema.GroupVersion]error
}

// Error lists each failed group-version and its cause, sorted.
func (e *PartialError) Error() string {
	keys := e.sorted()
	parts := make([]string, 0, len(keys))
	for _, gv := range keys {
		parts = append(parts, fmt.Sprintf("%s: %v", gvString(gv), e.Failed[gv]))
	}
	return fmt.Sprintf("discovery: %d group-version(s) failed: %s", len(keys), strings.Join(parts, "; "))
}

// Unwrap returns each cause, so errors.Is and errors.As reach them.
func (e *PartialError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	for _, gv := range e.sorted() {
		out = append(out, e.Failed[gv])
	}
	return out
}

func (e *PartialError) sorted() []schema.GroupVersion {
	keys := make([]schema.GroupVersion, 0, len(e.Failed))
	for gv := range e.Failed {
		keys = append(keys, gv)
	}
	sort.Slice(keys, func(i, j int) bool { return gvString(keys[i]) < gvString(keys[j]) })
	return keys
}

func gvString(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return gv.Version
	}
	return gv.Group + "/" + gv.Version
}

// IsPartial reports whether err is (or wraps) a *PartialError: some parts
// of discovery succeeded and the results returned with err are usable.
func IsPartial(err error) bool {
	var pe *PartialError
	return errors.As(err, &pe)
}

// StaleError is the cause recorded for a group-version that aggregated
// discovery reports with freshness "Stale": its aggregated APIService did
// not answer, so the server has no current resource list for it.
type StaleError struct {
	GroupVersion schema.GroupVersion
}

// Error names the stale group-version.
func (e *StaleError) Error() string {
	return fmt.Sprintf("group-version %s is reported Stale by aggregated discovery (its backend did not answer)", gvString(e.GroupVersion))
}

// partialOrNil returns a *PartialError for failed, or nil if there is none.
func partialOrNil(failed map[schema.GroupVersion]error) error {
	if len(failed) == 0 {
		return nil
	}
	return &PartialError{Failed: failed}
}
