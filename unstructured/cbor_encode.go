package unstructured

import (
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/cbor/direct"
)

// cborSelfDescribedHead is the head of tag 55799, with which the API server
// begins every CBOR body (and expects none in particular).
var cborSelfDescribedHead = []byte{0xd9, 0xd9, 0xf7}

// MarshalCBOR encodes obj's content as the API server's CBOR serializer
// does: tag 55799 and then the content in apimachinery's deterministic
// encoding (map keys sorted bytewise, shortest floats, strings as byte
// strings; NaN and the infinities refused), through apimachinery's
// runtime/serializer/cbor/direct. It is the body of a create or update
// sent as application/cbor and of an apply patch sent as
// application/apply-patch+cbor.
func MarshalCBOR(obj runtime.Unstructured) ([]byte, error) {
	if obj == nil {
		return nil, fmt.Errorf("unstructured: encoding CBOR: nil object")
	}
	b, err := direct.Marshal(obj.UnstructuredContent())
	if err != nil {
		return nil, fmt.Errorf("unstructured: encoding CBOR: %w", err)
	}
	return append(append(make([]byte, 0, len(b)+3), cborSelfDescribedHead...), b...), nil
}

// EncodeCBOR writes MarshalCBOR(obj) to w.
func EncodeCBOR(w io.Writer, obj runtime.Unstructured) error {
	b, err := MarshalCBOR(obj)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
