package dynamic

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/rest"
	kdu "github.com/kubedyn/kubedyn/unstructured"
)

// TestReadBody: a body is read whole whatever length it declares, and a
// declared length sizes the buffer up to maxBodyPrealloc only.
func TestReadBody(t *testing.T) {
	doc := strings.Repeat("x", 3000)
	tests := []struct {
		name    string
		r       io.Reader
		length  int64
		want    string
		wantCap int // 0: not checked
		wantErr bool
	}{
		{name: "declared exactly", r: strings.NewReader(doc), length: 3000, want: doc, wantCap: 3001},
		{name: "undeclared", r: strings.NewReader(doc), length: -1, want: doc},
		{name: "declared too short", r: strings.NewReader(doc), length: 10, want: doc},
		{name: "one byte at a time", r: iotest.OneByteReader(strings.NewReader(doc)), length: 3000, want: doc, wantCap: 3001},
		{name: "empty", r: strings.NewReader(""), length: 0, want: "", wantCap: 512},
		{name: "huge declared length", r: strings.NewReader("{}"), length: 1 << 40, want: "{}", wantCap: maxBodyPrealloc},
		{name: "read error", r: iotest.ErrReader(errors.New("cut")), length: -1, wantErr: true},
		{name: "error after data", r: io.MultiReader(strings.NewReader("{"), iotest.ErrReader(errors.New("cut"))), length: 2, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readBody(tt.r, tt.length)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if tt.wantCap != 0 && cap(got) != tt.wantCap {
				t.Errorf("cap = %d, want %d", cap(got), tt.wantCap)
			}
		})
	}
}

// TestDecodeObjectWire: an object decodes to the same tree from JSON and
// from CBOR, and as package unstructured's streaming decoder makes it.
func TestDecodeObjectWire(t *testing.T) {
	for _, name := range []string{"configmap.json", "deployment.json", "pod.json", "service.json", "status404.json"} {
		t.Run(name, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("..", "unstructured", "testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			want, err := kdu.DecodeObject(bytes.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeObject("application/json", int64(len(doc)), bytes.NewReader(doc))
			if err != nil {
				t.Fatalf("JSON: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("JSON (-streaming +in memory):\n%s", diff)
			}
			c, err := kdu.MarshalCBOR(want)
			if err != nil {
				t.Fatal(err)
			}
			got, err = decodeObject(rest.MediaTypeCBOR, -1, bytes.NewReader(c))
			if err != nil {
				t.Fatalf("CBOR: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CBOR (-JSON +CBOR):\n%s", diff)
			}
		})
	}
	if _, err := decodeObject("application/json", -1, strings.NewReader(`{"kind":"CMList","items":[]}`)); err == nil {
		t.Error("a list decoded as one object")
	}
}

// BenchmarkDecodeObject is the client's cost of decoding one object's
// answer (a ConfigMap; a create, get, update, patch or apply).
func BenchmarkDecodeObject(b *testing.B) {
	doc, err := os.ReadFile(filepath.Join("..", "unstructured", "testdata", "configmap.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := decodeObject("application/json", int64(len(doc)), bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}
