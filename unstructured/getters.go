package unstructured

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
)

// Get returns the value at path in obj (see ParsePath for the syntax), shared
// with obj, or a *PathError naming the step that failed and why.
//
//	img, err := unstructured.Get(u.Object, "spec.template.spec.containers[name=nginx].image")
func Get(obj map[string]any, path string) (any, error) {
	p, err := parseFor("get", path)
	if err != nil {
		return nil, err
	}
	return p.Get(obj)
}

// Set stores a deep copy of value at path in obj, creating missing objects
// on the way (see Path.Set).
func Set(obj map[string]any, path string, value any) error {
	p, err := parseFor("set", path)
	if err != nil {
		return err
	}
	return p.Set(obj, value)
}

// Remove deletes the member or list element at path in obj (see
// Path.Remove); a missing one is an ErrNotFound.
func Remove(obj map[string]any, path string) error {
	p, err := parseFor("remove", path)
	if err != nil {
		return err
	}
	return p.Remove(obj)
}

// parseFor parses path, wrapping a syntax error in a PathError for op.
func parseFor(op, path string) (Path, error) {
	p, err := ParsePath(path)
	if err != nil {
		return Path{}, &PathError{Op: op, Path: path, Step: -1, Err: err}
	}
	return p, nil
}

// GetString returns the string at path in obj.
func GetString(obj map[string]any, path string) (string, error) {
	return getAs(obj, path, "a string", func(v any) (string, bool) { s, ok := v.(string); return s, ok })
}

// GetBool returns the boolean at path in obj.
func GetBool(obj map[string]any, path string) (bool, error) {
	return getAs(obj, path, "a boolean", func(v any) (bool, bool) { b, ok := v.(bool); return b, ok })
}

// GetMap returns the object at path in obj, shared with obj.
func GetMap(obj map[string]any, path string) (map[string]any, error) {
	return getAs(obj, path, "an object", func(v any) (map[string]any, bool) { m, ok := v.(map[string]any); return m, ok })
}

// GetSlice returns the list at path in obj, shared with obj.
func GetSlice(obj map[string]any, path string) ([]any, error) {
	return getAs(obj, path, "a list", func(v any) ([]any, bool) { l, ok := v.([]any); return l, ok })
}

// GetInt64 returns the integer at path in obj. It accepts every numeric type
// an unstructured object may hold, so callers need not care whether a value
// came from a JSON decoder (int64), encoding/json into any (float64), a
// json.Number or Go code (int): see ToInt64.
func GetInt64(obj map[string]any, path string) (int64, error) {
	return getNumber(obj, path, "an int64", ToInt64)
}

// GetFloat64 returns the number at path in obj as a float64: see ToFloat64.
func GetFloat64(obj map[string]any, path string) (float64, error) {
	return getNumber(obj, path, "a float64", ToFloat64)
}

func getAs[T any](obj map[string]any, path, want string, conv func(any) (T, bool)) (T, error) {
	var zero T
	p, err := parseFor("get", path)
	if err != nil {
		return zero, err
	}
	v, err := p.Get(obj)
	if err != nil {
		return zero, err
	}
	t, ok := conv(v)
	if !ok {
		return zero, p.pathErr("get", len(p.segs)-1, ErrWrongType, "found %s, not %s", describe(v), want)
	}
	return t, nil
}

func getNumber[T any](obj map[string]any, path, want string, conv func(any) (T, error)) (T, error) {
	var zero T
	p, err := parseFor("get", path)
	if err != nil {
		return zero, err
	}
	v, err := p.Get(obj)
	if err != nil {
		return zero, err
	}
	n, err := conv(v)
	if err != nil {
		return zero, p.pathErr("get", len(p.segs)-1, err, "reading %s", want)
	}
	return n, nil
}

// ToInt64 converts a number held in an unstructured object to int64:
// int64 and the other Go integer types as they are (a uint64 above
// math.MaxInt64 fails), float64 and float32 when they are whole and within
// int64's range, and json.Number when it parses as either. A fraction or an
// overflow fails with an error wrapping ErrNumber; a non-number with one
// wrapping ErrWrongType.
func ToInt64(v any) (int64, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case float64:
		return floatToInt64(t)
	case float32:
		return floatToInt64(float64(t))
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return 0, fmt.Errorf("%w: json.Number %q is not a number", ErrNumber, string(t))
		}
		return floatToInt64(f)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u), nil
		}
		return 0, fmt.Errorf("%w: %d overflows int64", ErrNumber, rv.Uint())
	}
	return 0, fmt.Errorf("%w: %s is not a number", ErrWrongType, describe(v))
}

// floatToInt64 converts f when it is whole and fits.
func floatToInt64(f float64) (int64, error) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("%w: %v is not a finite number", ErrNumber, f)
	case f != math.Trunc(f):
		return 0, fmt.Errorf("%w: %v has a fraction, not an integer", ErrNumber, f)
	case f < -(1<<63) || f >= 1<<63:
		return 0, fmt.Errorf("%w: %v overflows int64", ErrNumber, f)
	}
	return int64(f), nil
}

// ToFloat64 converts a number held in an unstructured object to float64:
// float64 and float32 as they are, integers (which beyond 2^53 may round),
// and json.Number when it parses. A non-number fails with an error
// wrapping ErrWrongType, an unparsable or out-of-range json.Number with one
// wrapping ErrNumber.
func ToFloat64(v any) (float64, error) {
	switch t := v.(type) {
	case float64:
		return t, nil
	case int64:
		return float64(t), nil
	case float32:
		return float64(t), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return 0, fmt.Errorf("%w: json.Number %q does not fit a float64", ErrNumber, string(t))
		}
		return f, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), nil
	}
	return 0, fmt.Errorf("%w: %s is not a number", ErrWrongType, describe(v))
}
