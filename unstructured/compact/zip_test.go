package compact

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestPacks(t *testing.T) {
	tests := []struct {
		name        string
		raw, packed int
		want        bool
	}{
		{name: "below the threshold", raw: minPacked - 1, packed: 10, want: false},
		{name: "at the threshold, saving a quarter", raw: minPacked, packed: minPacked * 3 / 4, want: true},
		{name: "at the threshold, saving less", raw: minPacked, packed: minPacked*3/4 + 1, want: false},
		{name: "long, saving half", raw: 1152, packed: 576, want: true},
		{name: "long, saving a quarter less a byte", raw: 1000, packed: 751, want: false},
		{name: "long, growing", raw: 1000, packed: 1010, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := packs(tc.raw, tc.packed); got != tc.want {
				t.Errorf("packs(%d, %d) = %v, want %v", tc.raw, tc.packed, got, tc.want)
			}
		})
	}
}

// TestStringPacking checks which string values a Builder stores
// compressed, and that every read gives the original back.
func TestStringPacking(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 1024)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	var props strings.Builder
	for n := range 48 {
		props.WriteString("key." + string(rune('a'+n%26)) + "=" + base64.StdEncoding.EncodeToString(random[n*8:n*8+6]) + "\n")
	}
	script := strings.Repeat("#!/bin/sh\nset -eu\nif [ -f /etc/app/config.yaml ]; then\n  exec /usr/local/bin/app --config=/etc/app/config.yaml \"$@\"\nfi\n", 4)
	tests := []struct {
		name   string
		s      string
		off    bool // UncompressedStrings is set
		packed bool // stored compressed
	}{
		{name: "short", s: "web", packed: false},
		{name: "compressible, one byte short of the threshold", s: strings.Repeat("a", minPacked-1), packed: false},
		{name: "compressible, at the threshold", s: strings.Repeat("a", minPacked), packed: true},
		// Huffman coding matches no repeats: base64 values take 6 bits a
		// character, and the repeated keys are not enough.
		{name: "a properties file of base64 values", s: props.String(), packed: false},
		{name: "a properties file of hex values (test/bench's ConfigMaps)", s: hexProperties(1, 48), packed: true},
		{name: "a shell script", s: script, packed: true},
		{name: "random bytes", s: string(random), packed: false},
		{name: "random bytes in base64 (a certificate)", s: base64.StdEncoding.EncodeToString(random), packed: false},
		{name: "compressible, UncompressedStrings", s: strings.Repeat("ab", 500), off: true, packed: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := NewPlan(Options{UncompressedStrings: tc.off})
			if err != nil {
				t.Fatal(err)
			}
			u := &k8su.Unstructured{Object: map[string]any{
				"kind": tc.s, "apiVersion": "v1", "v": tc.s, "a": []any{tc.s},
				"metadata": map[string]any{"name": tc.s, "labels": map[string]any{"l": tc.s}},
			}}
			o, err := NewBuilder(NewTable(), plan).FromUnstructured(u)
			if err != nil {
				t.Fatal(err)
			}
			if typ, _, _ := head(o.data, o.member(0, "v")); (typ == tZip) != tc.packed {
				t.Errorf("stored as type %d, want compressed %v", typ, tc.packed)
			}
			if diff := cmp.Diff(u.Object, o.Unstructured().Object); diff != "" {
				t.Errorf("tree differs (-want +got):\n%s", diff)
			}
			if l, ok := o.Labels().Lookup("l"); o.Kind() != tc.s || o.GetName() != tc.s || !ok || l != tc.s {
				t.Errorf("a value read in place differs")
			}
		})
	}
}
