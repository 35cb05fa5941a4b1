package unstructured

import (
	"bytes"
	"testing"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/serializer/cbor/direct"
)

// cborOf transcodes a JSON document to CBOR as the API server would send
// it (tag 55799, apimachinery's encoding), through the JSON decoder.
func cborOf(tb testing.TB, jsonDoc []byte) []byte {
	tb.Helper()
	obj, err := Decode(bytes.NewReader(jsonDoc))
	if err != nil {
		tb.Fatalf("decode JSON: %v", err)
	}
	b, err := MarshalCBOR(obj)
	if err != nil {
		tb.Fatalf("encode CBOR: %v", err)
	}
	return b
}

// BenchmarkDecodeCBORPodList compares this package's CBOR decoder with its
// JSON decoder on the same 1,000 pods, and with apimachinery's CBOR
// decoding (fxamacker/cbor into a map, as the CBOR serializer does).
func BenchmarkDecodeCBORPodList(b *testing.B) {
	jsonData := podList(1000)
	cborData := cborOf(b, jsonData)
	b.Logf("1000 pods: %d bytes JSON, %d bytes CBOR", len(jsonData), len(cborData))
	b.Run("format=json/lib=kubedyn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeList(bytes.NewReader(jsonData)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("format=cbor/lib=kubedyn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeCBORList(bytes.NewReader(cborData)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("format=cbor/lib=kubedyn-stream", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			if _, err := NewCBORDecoder(bytes.NewReader(cborData)).DecodeListFunc(func(*k8su.Unstructured) error { n++; return nil }); err != nil || n != 1000 {
				b.Fatal(err, n)
			}
		}
	})
	b.Run("format=cbor/lib=fxamacker", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]any
			if err := direct.Unmarshal(cborData, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
