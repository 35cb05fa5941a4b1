package unstructured

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/cbor"
)

// apimachineryCBOR decodes data as client-go's CBOR serializer does.
func apimachineryCBOR(data []byte, into runtime.Unstructured) (runtime.Object, error) {
	obj, _, err := cbor.NewSerializer(nil, nil).Decode(data, nil, into)
	return obj, err
}

// TestCBORRecorded: every response recorded from a real kube-apiserver in
// testdata, transcoded to CBOR as the server writes it, decodes to the tree
// the JSON decoder makes of the JSON, whole, streamed item by item, read
// one byte at a time and (an object) in memory; and to apimachinery's CBOR
// decoding of it.
func TestCBORRecorded(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded responses: %v", err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			jsonData, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Decode(bytes.NewReader(jsonData))
			if err != nil {
				t.Skipf("not an object or list: %v", err)
			}
			data := cborOf(t, jsonData)
			got, err := DecodeCBOR(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("DecodeCBOR: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-JSON +CBOR):\n%s", diff)
			}
			slow, err := DecodeCBOR(iotest.OneByteReader(bytes.NewReader(data)))
			if err != nil {
				t.Fatalf("DecodeCBOR one byte at a time: %v", err)
			}
			if diff := cmp.Diff(want, slow); diff != "" {
				t.Errorf("one byte at a time (-JSON +CBOR):\n%s", diff)
			}
			var into runtime.Unstructured = &k8su.Unstructured{}
			if _, isList := want.(*k8su.UnstructuredList); isList {
				into = &k8su.UnstructuredList{}
				checkCBORStream(t, want.(*k8su.UnstructuredList), data)
			} else if mem, err := DecodeCBORObjectBytes(data); err != nil {
				t.Errorf("DecodeCBORObjectBytes: %v", err)
			} else if diff := cmp.Diff(want, mem); diff != "" {
				t.Errorf("in memory (-JSON +CBOR):\n%s", diff)
			}
			ref, err := apimachineryCBOR(data, into)
			if err != nil {
				t.Fatalf("apimachinery: %v", err)
			}
			if diff := cmp.Diff(ref, got); diff != "" {
				t.Errorf("(-apimachinery +kubedyn):\n%s", diff)
			}
		})
	}
}

// checkCBORStream checks DecodeListFunc against the whole list.
func checkCBORStream(t *testing.T, want *k8su.UnstructuredList, data []byte) {
	t.Helper()
	var items []k8su.Unstructured
	list, err := NewCBORDecoder(bytes.NewReader(data)).DecodeListFunc(func(u *k8su.Unstructured) error {
		items = append(items, *u)
		return nil
	})
	if err != nil {
		t.Fatalf("DecodeListFunc: %v", err)
	}
	list.Items = items
	if len(want.Items) == 0 {
		list.Items = want.Items
	}
	if diff := cmp.Diff(want, list); diff != "" {
		t.Errorf("streamed (-whole +streamed):\n%s", diff)
	}
}

// TestCBORWatch: the recorded watch stream, as a cbor-seq of self-described
// events, gives the events the JSON decoder reads, then io.EOF.
func TestCBORWatch(t *testing.T) {
	jsonData, err := os.ReadFile("testdata/watch.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	jd := NewDecoder(bytes.NewReader(jsonData))
	var seq bytes.Buffer
	type event struct {
		Type string
		Obj  *k8su.Unstructured
	}
	var want []event
	for {
		typ, obj, err := jd.NextEventObject()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, event{typ, obj})
		ev := &k8su.Unstructured{Object: map[string]any{"type": typ, "object": obj.Object}}
		if err := EncodeCBOR(&seq, ev); err != nil {
			t.Fatal(err)
		}
	}
	cd := NewCBORDecoder(iotest.HalfReader(bytes.NewReader(seq.Bytes())))
	var got []event
	for {
		typ, obj, err := cd.NextEventObject()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("event %d: %v", len(got), err)
		}
		got = append(got, event{typ, obj})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-JSON +CBOR):\n%s", diff)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCBORDivergences states where CBOR and JSON decode the "same" object
// differently, and checks that this decoder agrees with apimachinery's CBOR
// decoding on each.
func TestCBORDivergences(t *testing.T) {
	tests := []struct {
		name    string
		json    string // the JSON spelling, and what it decodes to
		cbor    string // hex; the CBOR spelling
		want    any    // the CBOR decoding of "a"; nil when refused
		wantErr string // the CBOR refusal
		why     string
	}{
		{name: "float 1.0", json: `{"a":1.0}`, cbor: "a1 4161 f93c00", want: 1.0,
			why: "the server writes float64(1) as JSON 1 (int64 when read back) but as a CBOR float (float64)"},
		{name: "integer past int64", json: `{"a":18446744073709551615}`, cbor: "a1 4161 1bffffffffffffffff",
			wantErr: "overflows int64", why: "JSON falls back to float64; CBOR is refused, as apimachinery does"},
		{name: "duplicate key", json: `{"a":1,"a":2}`, cbor: "a2 4161 01 4161 02",
			wantErr: "duplicate map key", why: "JSON keeps the last; CBOR maps with duplicate keys are invalid"},
		{name: "byte string with invalid UTF-8", json: `{"a":"\ufffd"}`, cbor: "a1 4161 41ff", want: "\xff",
			why: "JSON has no raw bytes (invalid UTF-8 becomes U+FFFD); a CBOR byte string is taken as it is"},
		{name: "text string with invalid UTF-8", cbor: "a1 4161 61ff", wantErr: "not valid UTF-8",
			why: "a CBOR text string must be valid UTF-8"},
		{name: "epoch time tag", cbor: "a1 4161 c1 1a5f5e1000", want: "2020-09-13T12:26:40Z",
			why: "apimachinery turns time tags into RFC 3339 strings"},
		{name: "bignum tag", cbor: "a1 4161 c2 4101", wantErr: "tag 2",
			why: "apimachinery refuses bignums"},
		{name: "NaN", cbor: "a1 4161 f97e00", wantErr: "NaN is refused", why: "JSON has no NaN"},
		{name: "undefined", cbor: "a1 4161 f7", wantErr: "undefined is refused", why: "JSON has no undefined"},
		{name: "unknown tag", cbor: "a1 4161 d9 0100 01", want: int64(1), why: "an unknown tag stands for its content"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := mustHex(t, "d9d9f7"+tc.cbor)
			got, err := cborValue(data)
			var ref any
			refErr := directUnmarshal(data, &ref)
			if (err == nil) != (refErr == nil) {
				t.Fatalf("kubedyn err %v, apimachinery err %v (%s)", err, refErr, tc.why)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q (%s)", err, tc.wantErr, tc.why)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]any{"a": tc.want}, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.why, diff)
			}
			if diff := cmp.Diff(ref, got); diff != "" {
				t.Errorf("(-apimachinery +kubedyn):\n%s", diff)
			}
		})
	}
}

// TestCBORErrors: malformed input fails with an error, never a panic or a
// hang, and a list's items must be maps, whether read or in memory.
func TestCBORErrors(t *testing.T) {
	tests := []struct {
		name, hex, want string
	}{
		{name: "empty", hex: "", want: "unexpected end"},
		{name: "truncated string", hex: "a1 4161 45 01", want: "unexpected end"},
		{name: "huge declared string", hex: "a1 4161 5b 0000000100000000", want: "too long"},
		{name: "huge declared map", hex: "bb 00000000ffffffff", want: "exceeds the limit"},
		{name: "trailing data", hex: "a0 00", want: "trailing data"},
		{name: "top level not a map", hex: "01", want: "not a map"},
		{name: "null", hex: "f6", want: "Object 'Kind' is missing"},
		{name: "no kind", hex: "a1 4161 01", want: "Object 'Kind' is missing"},
		{name: "non-string key", hex: "a1 01 01", want: "not a string"},
		{name: "item not a map", hex: "a2 446b696e64 43506f64 456974656d73 8101", want: "item"},
		{name: "lone break", hex: "a1 4161 ff", want: "unexpected break"},
		{name: "reserved info", hex: "1c", want: "reserved"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeCBOR(bytes.NewReader(mustHex(t, tc.hex)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to contain %q", err, tc.want)
			}
			if _, err := DecodeCBORObjectBytes(mustHex(t, tc.hex)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("in memory: err %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestCBORIntern: the string caches return each string as it was read,
// whatever was read before it: strings that share their words' bytes
// (first and last 8, or first, middle and last), their slot, or a
// predicted key, and an empty one.
func TestCBORIntern(t *testing.T) {
	tests := []struct {
		name string
		seq  []string
	}{
		{name: "empty then short", seq: []string{"", "a", "", "\x00", ""}},
		{name: "first middle last bytes", seq: []string{"abc", "abd", "acc", "ab", "ba", "a", "aa", "aaa"}},
		{name: "four to seven bytes", seq: []string{"abcd", "abcde", "abxde", "abcdefg", "abcxefg"}},
		{name: "eight to sixteen bytes", seq: []string{"abcdefgh", "abcdefghabcdefgh", "abcdefghXbcdefgh", "abcdefgXabcdefgh"}},
		{name: "longer, same first and last eight", seq: []string{"abcdefgh-1-abcdefgh", "abcdefgh-2-abcdefgh", "abcdefgh-1-abcdefgh"}},
		{name: "zero bytes", seq: []string{"\x00\x00\x00\x00\x00\x00\x00\x00", "\x00\x00\x00\x00", "\x00\x00", "\x00"}},
		{name: "repeated order then changed", seq: []string{"kind", "spec", "status", "kind", "spec", "status", "kind", "status", "spec"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &cborIntern{}
			var keys, values []string
			for range 3 {
				for _, s := range tc.seq {
					keys = append(keys, c.key([]byte(s)))
					values = append(values, c.value([]byte(s)).(string))
				}
			}
			want := slices.Concat(tc.seq, tc.seq, tc.seq)
			if diff := cmp.Diff(want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}
