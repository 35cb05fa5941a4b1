package memserver

import (
	"fmt"
	"math"
	"regexp"
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
	if c.res.scale != nil && c.sub == "" {
		errs = append(errs, validateScaleSpec(obj, c.res.scale.spec)...)
	}
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
	errs := validateBounds(v, s, p)
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

// validateBounds checks minimum, maximum, lengths and pattern with
// kube-openapi's messages.
func validateBounds(v any, s *spec.Schema, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	var num float64
	isNum := false
	switch x := v.(type) {
	case int64:
		num, isNum = float64(x), true
	case float64:
		num, isNum = x, true
	}
	if isNum && s.Minimum != nil {
		if s.ExclusiveMinimum && num <= *s.Minimum {
			errs = append(errs, field.Invalid(p, v, fmt.Sprintf("%s in body should be greater than %v", p, *s.Minimum)))
		} else if num < *s.Minimum {
			errs = append(errs, field.Invalid(p, v, fmt.Sprintf("%s in body should be greater than or equal to %v", p, *s.Minimum)))
		}
	}
	if isNum && s.Maximum != nil {
		if s.ExclusiveMaximum && num >= *s.Maximum {
			errs = append(errs, field.Invalid(p, v, fmt.Sprintf("%s in body should be less than %v", p, *s.Maximum)))
		} else if num > *s.Maximum {
			errs = append(errs, field.Invalid(p, v, fmt.Sprintf("%s in body should be less than or equal to %v", p, *s.Maximum)))
		}
	}
	if str, ok := v.(string); ok {
		n := int64(len([]rune(str)))
		if s.MinLength != nil && n < *s.MinLength {
			errs = append(errs, field.Invalid(p, v, fmt.Sprintf("%s in body should be at least %d chars long", p, *s.MinLength)))
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			errs = append(errs, field.TooLong(p, "", int(*s.MaxLength)))
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(str) {
				errs = append(errs, field.Invalid(p, v, fmt.Sprintf("%s in body should match '%s'", p, s.Pattern)))
			}
		}
	}
	return errs
}

// validateScaleSpec is the custom resource strategy's check of the scale
// subresource's spec replicas.
func validateScaleSpec(obj object, specPath string) field.ErrorList {
	fields := strings.Split(strings.TrimPrefix(specPath, "."), ".")
	var cur any = obj
	for _, f := range fields {
		m, ok := cur.(object)
		if !ok {
			return nil
		}
		if cur, ok = m[f]; !ok {
			return nil
		}
	}
	path := field.NewPath(specPath)
	switch r := cur.(type) {
	case int64:
		if r < 0 {
			return field.ErrorList{field.Invalid(path, r, "should be a non-negative integer")}
		}
		if r > math.MaxInt32 {
			return field.ErrorList{field.Invalid(path, r, fmt.Sprintf("should be less than or equal to %v", math.MaxInt32))}
		}
		return nil
	default:
		return field.ErrorList{field.Invalid(path, int64(0), fmt.Sprintf(".%s accessor error: %v is of the type %T, expected int64", strings.Join(fields, "."), cur, cur))}
	}
}
