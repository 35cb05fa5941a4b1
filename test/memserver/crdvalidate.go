package memserver

import (
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// validate checks a custom resource against its version's schema: types,
// required properties and enums (CEL rules and formats are not run).
func (cv *crdVersion) validate(c *call, obj object) error {
	if cv.schema == nil {
		return nil
	}
	var errs field.ErrorList
	for k, ps := range cv.schema.Properties {
		if k == "metadata" || k == "apiVersion" || k == "kind" {
			continue
		}
		if v, ok := obj[k]; ok {
			errs = append(errs, validateValue(v, &ps, field.NewPath(k))...)
		}
	}
	errs = append(errs, requiredMissing(obj, cv.schema, nil)...)
	if len(errs) > 0 {
		return apierrors.NewInvalid(schema.GroupKind{Group: cv.gvk.Group, Kind: cv.gvk.Kind}, metaString(obj, "name"), errs)
	}
	return nil
}

func requiredMissing(obj object, s *spec.Schema, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, r := range s.Required {
		if _, ok := obj[r]; !ok {
			if p == nil {
				errs = append(errs, field.Required(field.NewPath(r), ""))
			} else {
				errs = append(errs, field.Required(p.Child(r), ""))
			}
		}
	}
	return errs
}

// validateValue checks v against s at p.
func validateValue(v any, s *spec.Schema, p *field.Path) field.ErrorList {
	if v == nil {
		if s.Nullable {
			return nil
		}
		if len(s.Type) > 0 {
			return field.ErrorList{field.Invalid(p, "null", fmt.Sprintf("%s in body must be of type %s: %q", p, s.Type[0], "null"))}
		}
		return nil
	}
	if len(s.Type) > 0 && !intOrString(s) && !typeMatches(v, s.Type[0]) {
		return field.ErrorList{field.TypeInvalid(p, jsonTypeName(v), fmt.Sprintf("%s in body must be of type %s: %q", p, s.Type[0], jsonTypeName(v)))}
	}
	var errs field.ErrorList
	if len(s.Enum) > 0 && !inEnum(v, s.Enum) {
		vals := make([]string, 0, len(s.Enum))
		for _, e := range s.Enum {
			vals = append(vals, fmt.Sprint(e))
		}
		errs = append(errs, field.NotSupported(p, v, vals))
	}
	switch x := v.(type) {
	case object:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := s.Properties[k]; ok {
				errs = append(errs, validateValue(x[k], &ps, p.Child(k))...)
			} else if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
				errs = append(errs, validateValue(x[k], s.AdditionalProperties.Schema, p.Key(k))...)
			}
		}
		errs = append(errs, requiredMissing(x, s, p)...)
	case []any:
		if s.Items != nil && s.Items.Schema != nil {
			for i, e := range x {
				errs = append(errs, validateValue(e, s.Items.Schema, p.Index(i))...)
			}
		}
	}
	return errs
}

func typeMatches(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(object)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		_, ok := v.(int64)
		return ok
	case "number":
		switch v.(type) {
		case int64, float64:
			return true
		}
		return false
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return true
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case object:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return strings.ToLower(fmt.Sprintf("%T", v))
}

func inEnum(v any, enum []any) bool {
	for _, e := range enum {
		if deepEqual(jsonValue(e), v) {
			return true
		}
	}
	return false
}
