package unstructured

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// checkStreamSame checks DecodeListFunc against Decode on a list body.
func checkStreamSame(t testing.TB, data []byte) {
	t.Helper()
	want, err := Decode(bytes.NewReader(data))
	if err != nil || bytes.Count(data, []byte(`"items"`)) > 1 {
		return // errors and duplicate "items" are Decode's business
	}
	wantList, ok := want.(*k8su.UnstructuredList)
	if !ok {
		return
	}
	var items []k8su.Unstructured
	got, err := NewDecoder(iotest.HalfReader(bytes.NewReader(data))).DecodeListFunc(func(it *k8su.Unstructured) error {
		items = append(items, *it)
		return nil
	})
	if err != nil {
		t.Fatalf("input %q: Decode succeeded, DecodeListFunc: %v", trunc(data), err)
	}
	if items == nil {
		items = []k8su.Unstructured{}
	}
	got.Items = items
	if !reflect.DeepEqual(wantList, got) {
		t.Fatalf("input %q: DecodeListFunc differs from Decode:\n%s", trunc(data), cmp.Diff(wantList, got))
	}
}

func TestDecodeListFunc(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantErr bool
	}{
		{name: "kind first", input: `{"kind":"PodList","apiVersion":"v1","items":[{"a":1},null,{"kind":"X"}]}`},
		{name: "kind after items", input: `{"items":[{"a":1}],"kind":"PodList","apiVersion":"v1"}`},
		{name: "items null", input: `{"kind":"PodList","apiVersion":"v1","items":null}`},
		{name: "item not object", input: `{"kind":"PodList","apiVersion":"v1","items":[1]}`, wantErr: true},
		{name: "no items", input: `{"kind":"Pod","apiVersion":"v1"}`, wantErr: true},
		{name: "duplicate items", input: `{"kind":"PodList","apiVersion":"v1","items":[],"items":[]}`, wantErr: true},
		{name: "missing kind", input: `{"items":[]}`, wantErr: true},
		{name: "truncated", input: `{"kind":"PodList","apiVersion":"v1","items":[{"a":1}`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewDecoder(strings.NewReader(tc.input)).DecodeListFunc(func(*k8su.Unstructured) error { return nil })
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tc.wantErr)
			}
			checkStreamSame(t, []byte(tc.input))
		})
	}
	stop := errors.New("stop")
	_, err := NewDecoder(bytes.NewReader(podList(3))).DecodeListFunc(func(*k8su.Unstructured) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("callback error: got %v, want %v", err, stop)
	}
}

// TestNextEventRecorded reads the recorded watch stream both ways and checks
// each event against encoding/json's reading of the same line.
func TestNextEventRecorded(t *testing.T) {
	data, err := os.ReadFile("testdata/watch.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	raw := NewDecoder(iotest.OneByteReader(bytes.NewReader(data)))
	obj := NewDecoder(bytes.NewReader(data))
	dec := json.NewDecoder(bytes.NewReader(data))
	n := 0
	for ; ; n++ {
		var ref struct {
			Type   string          `json:"type"`
			Object json.RawMessage `json:"object"`
		}
		refErr := dec.Decode(&ref)
		typ, b, err := raw.NextEvent()
		typ2, o, err2 := obj.NextEventObject()
		if refErr == io.EOF {
			if err != io.EOF || err2 != io.EOF {
				t.Fatalf("after %d events: want io.EOF, got %v and %v", n, err, err2)
			}
			break
		}
		if err != nil || err2 != nil {
			t.Fatalf("event %d: %v, %v", n, err, err2)
		}
		if typ != ref.Type || typ2 != ref.Type || !bytes.Equal(b, ref.Object) {
			t.Fatalf("event %d: got %s %s, want %s %s", n, typ, b, ref.Type, ref.Object)
		}
		want, err := DecodeObject(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, o); diff != "" {
			t.Fatalf("event %d (-raw decoded +NextEventObject):\n%s", n, diff)
		}
	}
	if n == 0 {
		t.Fatal("recorded watch stream has no events")
	}
}

// FuzzNextEvent checks that NextEvent never panics and that the raw object
// it returns decodes as NextEventObject's object does.
func FuzzNextEvent(f *testing.F) {
	if data, err := os.ReadFile("testdata/watch.jsonl"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"type":"ADDED","object":{"kind":"X","a":[1,{"b":"\u00e9"}]}} {"object":null,"type":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw := NewDecoder(bytes.NewReader(data))
		obj := NewDecoder(iotest.OneByteReader(bytes.NewReader(data)))
		for i := 0; i < 8; i++ {
			typ, b, err := raw.NextEvent()
			if err != nil {
				return
			}
			typ2, o, err2 := obj.NextEventObject()
			want, werr := DecodeObject(bytes.NewReader(b))
			if (werr != nil) != (err2 != nil) {
				t.Fatalf("event %d %q: DecodeObject error %v, NextEventObject error %v", i, b, werr, err2)
			}
			if werr != nil {
				return
			}
			if typ != typ2 || !reflect.DeepEqual(want, o) {
				t.Fatalf("event %d: raw %s %q, decoded %s %v", i, typ, b, typ2, o)
			}
		}
	})
}
