package memserver

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strconv"
	"sync/atomic"
	"time"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// object is a decoded JSON object, as in unstructured.Unstructured.
type object = map[string]any

// metaOf returns obj's metadata map, creating it when absent.
func metaOf(obj object) object {
	m, ok := obj["metadata"].(object)
	if !ok {
		m = object{}
		obj["metadata"] = m
	}
	return m
}

func metaString(obj object, field string) string {
	m, _ := obj["metadata"].(object)
	s, _ := m[field].(string)
	return s
}

func setMeta(obj object, field string, v any) {
	if v == nil {
		delete(metaOf(obj), field)
		return
	}
	metaOf(obj)[field] = v
}

func finalizersOf(obj object) []any {
	f, _ := metaOf(obj)["finalizers"].([]any)
	return f
}

func generationOf(obj object) int64 {
	g, _ := metaOf(obj)["generation"].(int64)
	return g
}

// decodeObject decodes stored JSON (which is always an object).
func decodeObject(b []byte) (object, error) {
	var o object
	if err := utiljson.Unmarshal(b, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// mustDecode decodes stored JSON, which the server wrote itself.
func mustDecode(b []byte) object {
	o, err := decodeObject(b)
	if err != nil {
		return object{}
	}
	return o
}

// encodeObject writes o as encoding/json does (kubedyn's encoder gives the
// same bytes without reflection; json.Marshal covers what it refuses).
func encodeObject(o object) ([]byte, error) {
	if b, err := kdu.Marshal(toUnstructured(o)); err == nil {
		return b, nil
	}
	return json.Marshal(o)
}

// rvOf reads the resourceVersion of stored JSON.
func rvOf(b []byte) uint64 {
	var m struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(b, &m)
	rv, _ := strconv.ParseUint(m.Metadata.ResourceVersion, 10, 64)
	return rv
}

func newUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// nameSuffix is what generateName appends: five characters of the
// alphabet kube-apiserver uses.
func nameSuffix() string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	var b [5]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// stamps formats timestamps as timestamp does, reusing the text of the
// last second formatted: RFC 3339 without fractions names the second, and
// a burst of writes falls mostly within one.
type stamps struct {
	last atomic.Pointer[stamp]
}

type stamp struct {
	sec  int64
	text string
}

// format is timestamp(t).
func (s *stamps) format(t time.Time) string {
	sec := t.Unix()
	if p := s.last.Load(); p != nil && p.sec == sec {
		return p.text
	}
	text := timestamp(t)
	s.last.Store(&stamp{sec: sec, text: text})
	return text
}

// withoutKeys returns a shallow copy of o without the named top-level keys.
func withoutKeys(o object, keys ...string) object {
	out := make(object, len(o))
	for k, v := range o {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func deepEqual(a, b any) bool { return reflect.DeepEqual(a, b) }

func toUnstructured(o object) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: o}
}

func copyObject(o object) object { return runtimeDeepCopy(o) }

func runtimeDeepCopy(o object) object {
	return (&unstructured.Unstructured{Object: o}).DeepCopy().Object
}
