package restmapper

import (
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func groupNotFound(group string) error {
	return apierrors.NewNotFound(schema.GroupResource{Group: group, Resource: "apigroups"}, group)
}

// resolveError explains a resource string that did not resolve; it wraps a
// meta.NoResourceMatchError or meta.AmbiguousResourceError so that
// meta.IsNoMatchError and meta.IsAmbiguousError work.
type resolveError struct {
	arg string
	err error
}

func (e *resolveError) Error() string {
	return fmt.Sprintf("restmapper: resource string %q: %v", e.arg, e.err)
}

func (e *resolveError) Unwrap() error { return e.err }
