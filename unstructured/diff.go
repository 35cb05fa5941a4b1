package unstructured

import (
	"errors"
	"fmt"
	"math"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// DiffOptions selects what Diff ignores. The zero value compares everything.
type DiffOptions struct {
	// IgnoreServerFields ignores the metadata the API server sets on every
	// object: the paths ServerFields returns.
	IgnoreServerFields bool
	// IgnoreStatus ignores the status subresource (the top-level "status").
	IgnoreStatus bool
	// IgnorePaths are more paths to ignore, in ParsePath's syntax, such as
	// `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`
	// or spec.replicas.
	IgnorePaths []string
	// EquateNumbers treats a whole float64 and the int64 of the same value
	// as equal (1.0 from one decoder, 1 from another).
	EquateNumbers bool
}

// ServerFields returns the paths of the metadata the API server sets on
// every object it stores, which differ between two copies of the "same"
// object: metadata.managedFields, resourceVersion, uid, creationTimestamp,
// generation and selfLink. It returns a new slice on each call.
func ServerFields() []string {
	return []string{
		"metadata.managedFields",
		"metadata.resourceVersion",
		"metadata.uid",
		"metadata.creationTimestamp",
		"metadata.generation",
		"metadata.selfLink",
	}
}

// Diff returns a human-readable report of the differences between a and b,
// from go-cmp ("-" lines from a, "+" lines from b), or "" when they are
// equal once the fields opts ignores are set aside. Neither object is
// changed; a nil object compares as an empty one. The format is meant for
// people and may change between go-cmp versions. It fails on an ignore path
// that does not parse, or on an object holding a value with no JSON form.
func Diff(a, b *k8su.Unstructured, opts DiffOptions) (string, error) {
	paths, err := diffPaths(opts)
	if err != nil {
		return "", err
	}
	ca, err := diffCopy(a, paths, opts.EquateNumbers)
	if err != nil {
		return "", fmt.Errorf("unstructured: diff: first object: %w", err)
	}
	cb, err := diffCopy(b, paths, opts.EquateNumbers)
	if err != nil {
		return "", fmt.Errorf("unstructured: diff: second object: %w", err)
	}
	return cmp.Diff(ca, cb), nil
}

// diffPaths parses the paths opts ignores.
func diffPaths(opts DiffOptions) ([]Path, error) {
	var src []string
	if opts.IgnoreServerFields {
		src = append(src, ServerFields()...)
	}
	if opts.IgnoreStatus {
		src = append(src, "status")
	}
	src = append(src, opts.IgnorePaths...)
	paths := make([]Path, 0, len(src))
	for _, s := range src {
		p, err := ParsePath(s)
		if err != nil {
			return nil, fmt.Errorf("unstructured: diff: ignored path: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// diffCopy returns a normalized copy of u without the ignored paths.
func diffCopy(u *k8su.Unstructured, ignore []Path, equateNumbers bool) (map[string]any, error) {
	if u == nil || u.Object == nil {
		return map[string]any{}, nil
	}
	m, err := copyObject(u.Object)
	if err != nil {
		return nil, err
	}
	for _, p := range ignore {
		// A path that is absent (or blocked by a value of another type)
		// has nothing to ignore; any other failure cannot happen on a
		// parsed path.
		var pe *PathError
		if err := p.Remove(m); err != nil && !errors.As(err, &pe) {
			return nil, err
		}
	}
	if equateNumbers {
		intsForWholeFloats(m)
	}
	return m, nil
}

// intsForWholeFloats replaces, in place, every whole float64 within int64's
// range by the int64 of the same value.
func intsForWholeFloats(v any) any {
	switch t := v.(type) {
	case float64:
		if t == math.Trunc(t) && t >= -(1<<63) && t < 1<<63 {
			return int64(t)
		}
	case map[string]any:
		for k, e := range t {
			t[k] = intsForWholeFloats(e)
		}
	case []any:
		for i, e := range t {
			t[i] = intsForWholeFloats(e)
		}
	}
	return v
}
