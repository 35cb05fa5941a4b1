package unstructured

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/serializer/cbor/direct"
)

// cborValue decodes one data item with this package's decoder, refusing
// trailing data, as direct.Unmarshal does.
func cborValue(data []byte) (any, error) {
	d := NewCBORDecoder(bytes.NewReader(data))
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if !d.s.atEnd() {
		return nil, d.s.errorf(d.s.pos, "trailing data")
	}
	return v, nil
}

// cborSeeds are the fuzz seeds: the recorded JSON responses transcoded to
// CBOR, and small items covering every major type and the refusals.
func cborSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		{0xd9, 0xd9, 0xf7, 0xa0},                               // self-described {}
		{0xa1, 0x41, 'a', 0xf9, 0x3c, 0x00},                    // {h'61': 1.0 (half)}
		{0xa2, 0x61, 'a', 0x01, 0x61, 'a', 0x02},               // duplicate key
		{0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, // uint64 max
		{0xc1, 0x1a, 0x5f, 0x00, 0x00, 0x00},                   // epoch time tag
		{0xc2, 0x41, 0x01},                                     // bignum
		{0xd6, 0x42, 0x01, 0x02},                               // expected base64
		{0x7f, 0x61, 'a', 0x62, 'b', 'c', 0xff},                // indefinite text
		{0x9f, 0x01, 0xf5, 0xf6, 0xff},                         // indefinite array
		{0xbf, 0x61, 'k', 0xf4, 0xff},                          // indefinite map
		{0xf7},                                                 // undefined
		{0xf9, 0x7e, 0x00},                                     // NaN
		{0x63, 0xff, 0xfe, 0xfd},                               // invalid UTF-8 text
		{0x43, 0xff, 0xfe, 0xfd},                               // the same bytes as a byte string
	}
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if obj, err := Decode(bytes.NewReader(b)); err == nil {
			if c, err := MarshalCBOR(obj); err == nil {
				seeds = append(seeds, c)
			}
		}
	}
	return seeds
}

// FuzzDecodeCBOR checks the decoder against apimachinery's CBOR decoding
// mode (fxamacker/cbor with apimachinery's options, through
// runtime/serializer/cbor/direct): for every input both accept, the trees
// are equal; an input one accepts the other refuses, except for the
// divergences listed in cborDivergence.
func FuzzDecodeCBOR(f *testing.F) {
	for _, s := range cborSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := cborValue(data)
		var want any
		werr := direct.Unmarshal(data, &want)
		if (err == nil) != (werr == nil) {
			if cborDivergence(data, err, werr) {
				return
			}
			t.Fatalf("% x: kubedyn err %v, fxamacker err %v", data, err, werr)
		}
		if err != nil {
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("% x: (-fxamacker +kubedyn):\n%s", data, diff)
		}
	})
}

// cborDivergence reports whether a disagreement on data is one this
// package states: none yet are allowed.
func cborDivergence(data []byte, err, werr error) bool {
	return false
}

// directUnmarshal is apimachinery's CBOR decoding mode.
func directUnmarshal(data []byte, v *any) error { return direct.Unmarshal(data, v) }

// FuzzCBORStream checks that DecodeListFunc streams the items DecodeCBOR
// returns for every list it accepts, that DecodeCBORObjectBytes answers as
// DecodeCBORObject does, and that reading the input as a watch stream never
// panics.
func FuzzCBORStream(f *testing.F) {
	for _, s := range cborSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewCBORDecoder(bytes.NewReader(data))
		for range 10 {
			if _, _, err := d.NextEventObject(); err != nil {
				break
			}
		}
		checkCBORBytesSame(t, data)
		whole, err := DecodeCBOR(bytes.NewReader(data))
		list, ok := whole.(*k8su.UnstructuredList)
		if err != nil || !ok {
			return
		}
		var items []k8su.Unstructured
		streamed, err := NewCBORDecoder(bytes.NewReader(data)).DecodeListFunc(func(u *k8su.Unstructured) error {
			items = append(items, *u)
			return nil
		})
		if err != nil {
			t.Fatalf("% x: DecodeCBOR accepts the list, DecodeListFunc: %v", data, err)
		}
		streamed.Items = items
		if len(items) == 0 {
			streamed.Items = list.Items
		}
		if diff := cmp.Diff(list, streamed); diff != "" {
			t.Fatalf("% x: (-whole +streamed):\n%s", data, diff)
		}
	})
}

// checkCBORBytesSame: DecodeCBORObjectBytes answers as DecodeCBORObject
// does (the same tree, or an error for the same inputs).
func checkCBORBytesSame(t *testing.T, data []byte) {
	t.Helper()
	want, werr := DecodeCBORObject(bytes.NewReader(data))
	got, gerr := DecodeCBORObjectBytes(data)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("% x: DecodeCBORObjectBytes error %v, DecodeCBORObject %v", data, gerr, werr)
	}
	if werr == nil {
		if diff := cmp.Diff(want.Object, got.Object); diff != "" {
			t.Fatalf("% x: (-DecodeCBORObject +DecodeCBORObjectBytes):\n%s", data, diff)
		}
	}
}

// FuzzCBORIntern checks that the string caches return every string as it
// was read, after any other (same words, same slot, a wrong prediction).
func FuzzCBORIntern(f *testing.F) {
	f.Add([]byte("abcdefgh-1-abcdefgh"), []byte("abcdefgh-2-abcdefgh"))
	f.Add([]byte("abc"), []byte("acc"))
	f.Add([]byte(""), []byte("\x00"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		c := &cborIntern{}
		for _, s := range [][]byte{a, b, a, b, b, a} {
			if k := c.key(s); k != string(s) {
				t.Fatalf("key %q returned %q", s, k)
			}
			if v := c.value(s); v != string(s) {
				t.Fatalf("value %q returned %q", s, v)
			}
		}
	})
}
