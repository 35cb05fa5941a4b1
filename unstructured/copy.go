package unstructured

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
)

// normalize returns a deep copy of v in the types apimachinery's
// unstructured objects hold (map[string]any, []any, string, int64,
// float64, bool, nil). Other Go integer and float types, json.Number,
// typed maps with string keys and typed slices are converted, so that a
// later DeepCopy (which panics on them) is safe. A value with no JSON form
// (a struct, a channel, a NaN, a map with non-string keys) is an error
// naming it.
func normalize(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	switch t := v.(type) {
	case nil, string, bool, int64:
		return t, nil
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("%v has no JSON form", t)
		}
		return t, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			c, err := normalize(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", k, err)
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			c, err := normalize(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			out[i] = c
		}
		return out, nil
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return nil, fmt.Errorf("json.Number %q does not fit a float64", string(t))
		}
		return f, nil
	}
	return normalizeReflect(reflect.ValueOf(v), depth)
}

// normalizeReflect handles the typed values normalize has no case for.
func normalizeReflect(rv reflect.Value, depth int) (any, error) {
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt64 {
			return nil, fmt.Errorf("%d overflows int64", rv.Uint())
		}
		return int64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return normalize(rv.Float(), depth)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil, nil
		}
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(rv.Bytes()), nil // as encoding/json
		}
		out := make([]any, rv.Len())
		for i := range out {
			c, err := normalize(rv.Index(i).Interface(), depth+1)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			out[i] = c
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("a %s has non-string keys", rv.Type())
		}
		if rv.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			c, err := normalize(it.Value().Interface(), depth+1)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", it.Key().String(), err)
			}
			out[it.Key().String()] = c
		}
		return out, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return normalize(rv.Elem().Interface(), depth+1)
	}
	return nil, fmt.Errorf("a %s has no JSON form in an unstructured object", rv.Type())
}

// copyObject returns a deep, normalized copy of u's content.
func copyObject(m map[string]any) (map[string]any, error) {
	c, err := normalize(m, 0)
	if err != nil {
		return nil, err
	}
	out, _ := c.(map[string]any)
	return out, nil
}
