package memserver

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	sigsjson "sigs.k8s.io/json"
)

// FuzzDecodeBody: whenever decodeFast takes a body, it gives what the
// strict decoder gives, and the strict decoder finds no duplicate field.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"i":"x"}},"data":{"k":"v"}}`,
		`{"kind":"ConfigMap","metadata":{"name":"a","name":"b"}}`,
		`{"kind":"K","a":[1,-0,1e3,1.5,12345678901234567890,true,null,"\ud800",{"b":{}},[]]}`,
		`{"kind":"K","a":{"b":1},"a":{"c":2}}`,
		`{"kind":"K","items":null}`,
		`{"kind":"K","x":"\u00e9\xff"}`,
		`{"kind":"K"} x`,
		`null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := decodeFast(b)
		if !ok {
			return
		}
		var want object
		strict, err := sigsjson.UnmarshalStrict(b, &want, sigsjson.DisallowDuplicateFields)
		if err != nil || len(strict) > 0 {
			t.Fatalf("decodeFast took a body the strict decoder refuses (%v, %v): %q", err, strict, b)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("decodeFast differs from the strict decoder (-strict +fast) on %q:\n%s", b, diff)
		}
	})
}
