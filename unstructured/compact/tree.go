package compact

import (
	"fmt"
	"math"
	"reflect"
	"unsafe"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// maxDepth is encoding/json's nesting limit, which decoded trees obey.
const maxDepth = 10000

// FromUnstructured builds the compact form of u (for an object that comes
// as a tree: from a Transform, a fake, a test). Values are what a decoder
// produces (map[string]any, []any, string, int64, float64, bool, nil) or
// other Go integers, floats, maps with string keys and slices (which a
// Transform may leave), stored as their JSON form; anything else (a
// struct, a pointer), a float that is NaN or infinite, an integer beyond
// int64 or a nil u is an error.
// Metadata is written first, so reading it in place is quick.
func (b *Builder) FromUnstructured(u *k8su.Unstructured) (*Object, error) {
	if u == nil || u.Object == nil {
		return nil, fmt.Errorf("compact: building from a nil object")
	}
	b.OpenObject()
	if md, ok := u.Object["metadata"]; ok {
		if err := b.member("metadata", md, 1); err != nil {
			return nil, err
		}
	}
	for k, v := range u.Object {
		if k == "metadata" {
			continue
		}
		if err := b.member(k, v, 1); err != nil {
			return nil, err
		}
	}
	b.CloseObject()
	return b.Finish()
}

func (b *Builder) member(k string, v any, depth int) error {
	if !b.Key(unsafe.Slice(unsafe.StringData(k), len(k))) {
		return nil
	}
	if err := b.tree(v, depth); err != nil {
		return fmt.Errorf("field %q: %w", k, err)
	}
	return nil
}

// tree writes the value v, depth containers deep.
func (b *Builder) tree(v any, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("compact: nested deeper than %d", maxDepth)
	}
	switch t := v.(type) {
	case string:
		b.String(unsafe.Slice(unsafe.StringData(t), len(t)))
	case int64:
		b.Int(t)
	case int:
		b.Int(int64(t))
	case int32:
		b.Int(int64(t))
	case float64:
		return b.float(t)
	case float32:
		return b.float(float64(t))
	case bool:
		b.Bool(t)
	case nil:
		b.Null()
	case map[string]any:
		b.OpenObject()
		for k, e := range t {
			if err := b.member(k, e, depth+1); err != nil {
				return err
			}
		}
		b.CloseObject()
	case []any:
		if !b.OpenArray() {
			return nil
		}
		for i, e := range t {
			if err := b.tree(e, depth+1); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
		b.CloseArray()
	default:
		return b.reflected(reflect.ValueOf(v), depth)
	}
	return nil
}

// reflected writes a value of a type a decoder does not produce but a
// Transform may leave (a map[string]string, a []string, a uint8), as its
// JSON form; other types are an error.
func (b *Builder) reflected(rv reflect.Value, depth int) error {
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.Int(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() > math.MaxInt64 {
			return fmt.Errorf("compact: %d overflows int64", rv.Uint())
		}
		b.Int(int64(rv.Uint()))
	case reflect.Float32:
		return b.float(rv.Float())
	case reflect.String:
		return b.tree(rv.String(), depth)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("compact: a %s has no JSON form in an unstructured object", rv.Type())
		}
		b.OpenObject()
		for it := rv.MapRange(); it.Next(); {
			if err := b.member(it.Key().String(), it.Value().Interface(), depth+1); err != nil {
				return err
			}
		}
		b.CloseObject()
	case reflect.Slice:
		if !b.OpenArray() {
			return nil
		}
		for i := range rv.Len() {
			if err := b.tree(rv.Index(i).Interface(), depth+1); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
		b.CloseArray()
	default:
		return fmt.Errorf("compact: a %s has no JSON form in an unstructured object", rv.Type())
	}
	return nil
}

func (b *Builder) float(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("compact: %v has no JSON form", f)
	}
	b.Float(f)
	return nil
}
