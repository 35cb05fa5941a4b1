package unstructured

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"

	sigsjson "sigs.k8s.io/json"
)

func addSeeds(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"a"}},null]}`))
	f.Add([]byte(`{"kind":"X","a":[1,1.5,-0,1e3,"\ud800",true,null],"a":{}}`))
	f.Add([]byte(benchPod))
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
}

// FuzzDecode checks Decode against apimachinery's UnstructuredJSONScheme on
// random and mutated real documents, read whole and one byte at a time.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSame(t, data, bytes.NewReader(data))
		checkSame(t, data, iotest.OneByteReader(bytes.NewReader(data)))
		checkStreamSame(t, data)
		checkBytesSame(t, data)
	})
}

// checkBytesSame: DecodeObjectBytes answers as DecodeObject does.
func checkBytesSame(t *testing.T, data []byte) {
	t.Helper()
	want, werr := DecodeObject(bytes.NewReader(data))
	got, dups, gerr := DecodeObjectBytes(data)
	var strict map[string]any
	findings, serr := sigsjson.UnmarshalStrict(data, &strict, sigsjson.DisallowDuplicateFields)
	if gerr == nil && serr == nil && dups != (len(findings) > 0) {
		t.Fatalf("DecodeObjectBytes duplicates %v, strict decoding found %v", dups, findings)
	}
	if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
		t.Fatalf("DecodeObjectBytes error %v, DecodeObject %v", gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(want.Object, got.Object) {
		t.Fatalf("DecodeObjectBytes %v, DecodeObject %v", got.Object, want.Object)
	}
}

// FuzzMarshalRoundTrip checks that whatever decodes re-encodes to the bytes
// encoding/json produces and decodes back to the same object.
func FuzzMarshalRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		ours, err := Marshal(obj)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var ref bytes.Buffer
		if err := k8sEncode(&ref, obj); err != nil {
			t.Fatalf("apimachinery encode: %v", err)
		}
		if !bytes.Equal(append(ours, '\n'), ref.Bytes()) {
			t.Fatalf("Marshal differs from apimachinery:\nours %s\nref  %s", ours, ref.Bytes())
		}
		checkSame(t, ours, bytes.NewReader(ours))
	})
}
