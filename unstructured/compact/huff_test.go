package compact

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hexProperties returns a properties file like the test/bench ConfigMaps':
// lines of key.NN=<16 hex digits>.
func hexProperties(seed uint64, lines int) string {
	rnd := rand.New(rand.NewPCG(seed, 7))
	var sb strings.Builder
	for n := range lines {
		fmt.Fprintf(&sb, "key.%02d=%016x\n", n, rnd.Uint64())
	}
	return sb.String()
}

// skewed returns n bytes drawn with probabilities halving from one byte
// to the next, so that Huffman's own codes would be far longer than
// maxCodeLen.
func skewed(n int) string {
	rnd := rand.New(rand.NewPCG(3, 4))
	b := make([]byte, n)
	for i := range b {
		c := byte(0)
		for c < 40 && rnd.IntN(2) == 0 {
			c++
		}
		b[i] = 'A' + c
	}
	return string(b)
}

func huffRoundTrip(t testing.TB, s string) (packedSize int) {
	var h huffEncoder
	size := h.plan([]byte(s))
	packed := h.appendTo(nil, []byte(s))
	if len(packed) != size {
		t.Fatalf("plan said %d bytes, appendTo wrote %d", size, len(packed))
	}
	for c := range 256 {
		if h.lens[c] > maxCodeLen && strings.IndexByte(s, byte(c)) >= 0 {
			t.Fatalf("byte %d has a code of %d bits", c, h.lens[c])
		}
	}
	got, err := unhuff(string(packed), len(s))
	if err != nil {
		t.Fatalf("unhuff: %v", err)
	}
	if diff := cmp.Diff(s, string(got)); diff != "" {
		t.Fatalf("round trip differs (-want +got):\n%s", diff)
	}
	return size
}

func TestHuffRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	tests := []struct {
		name    string
		s       string
		maxSize int // the header and the codes take at most this
	}{
		{name: "one byte", s: "a", maxSize: 4},
		{name: "one distinct byte", s: strings.Repeat("x", 1000), maxSize: 3 + 125},
		{name: "two distinct bytes", s: strings.Repeat("ab", 500), maxSize: 4 + 125},
		{name: "every byte once", s: string(func() []byte {
			b := make([]byte, 256)
			for i := range b {
				b[i] = byte(i)
			}
			return b
		}()), maxSize: 1 + 32 + 128 + 256},
		{name: "random bytes", s: string(random), maxSize: 1 + 32 + 128 + 4096 + 50},
		{name: "hex properties", s: hexProperties(1, 48), maxSize: 700},
		{name: "base64", s: base64.StdEncoding.EncodeToString(random[:900]), maxSize: 1 + 32 + 33 + 920},
		{name: "skewed beyond the longest code", s: skewed(100000), maxSize: 30000},
		{name: "few symbols, not a multiple of four", s: "abcabcabcab", maxSize: 1 + 3 + 2 + 3},
		{name: "31 distinct bytes (listed)", s: strings.Repeat("abcdefghijklmnopqrstuvwxyz01234", 3), maxSize: 1 + 31 + 16 + 60},
		{name: "33 distinct bytes (a set)", s: strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456", 3), maxSize: 1 + 32 + 17 + 63},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The streams' sizes take up to 6 bytes, their padding 3.
			if size := huffRoundTrip(t, tc.s); size > tc.maxSize+9 {
				t.Errorf("packed into %d bytes, want at most %d", size, tc.maxSize+9)
			}
		})
	}
}

func TestUnhuffMalformed(t *testing.T) {
	var h huffEncoder
	s := []byte(hexProperties(2, 8))
	h.plan(s)
	good := string(h.appendTo(nil, s))
	tests := []struct {
		name string
		src  string
		n    int
	}{
		{name: "empty", src: "", n: 1},
		{name: "header cut", src: good[:5], n: len(s)},
		{name: "stream cut", src: good[:len(good)-3], n: len(s)},
		{name: "more bytes than bits", src: good, n: 8 * len(good)},
		{name: "negative length", src: good, n: -1},
		{name: "symbols not ascending", src: "\x01ba\x11", n: 1},
		{name: "over-subscribed code", src: "\x02abc\x11\x01", n: 1},
		{name: "incomplete code", src: "\x02abc\x22\x02\xff", n: 1},
		{name: "code too long", src: "\x01ab\xcc\xff", n: 1},
		{name: "zero length", src: "\x01ab\x10\xff", n: 1},
		{name: "set with the wrong count", src: "\x30" + strings.Repeat("\xff", 32) + strings.Repeat("\x66", 30), n: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := unhuff(tc.src, tc.n); err == nil {
				t.Errorf("unhuff(%q, %d) = %q, want an error", tc.src, tc.n, got)
			}
		})
	}
}

// FuzzHuffRoundTrip checks that coding any string and decoding it gives
// it back, within the longest code.
func FuzzHuffRoundTrip(f *testing.F) {
	f.Add([]byte("a"))
	f.Add([]byte(hexProperties(1, 48)))
	f.Add([]byte(skewed(3000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		huffRoundTrip(t, string(data))
	})
}

// FuzzUnhuff checks that decoding arbitrary bytes fails or succeeds but
// never panics, and that what decodes has the length asked.
func FuzzUnhuff(f *testing.F) {
	var h huffEncoder
	s := []byte(hexProperties(1, 4))
	h.plan(s)
	f.Add(h.appendTo(nil, s), uint16(len(s)))
	f.Add([]byte("\x00a\x01\x00"), uint16(8))
	f.Fuzz(func(t *testing.T, src []byte, n uint16) {
		got, err := unhuff(string(src), int(n))
		if err == nil && len(got) != int(n) {
			t.Fatalf("decoded %d bytes, want %d", len(got), n)
		}
	})
}

// BenchmarkHuff measures coding and decoding a ConfigMap's properties
// file (1,152 bytes of hex) and a certificate-like base64 string.
func BenchmarkHuff(b *testing.B) {
	rnd := rand.New(rand.NewPCG(5, 6))
	random := make([]byte, 900)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	for _, in := range []struct{ name, s string }{
		{"hex-properties", hexProperties(1, 48)},
		{"base64", base64.StdEncoding.EncodeToString(random)},
	} {
		src := []byte(in.s)
		var h huffEncoder
		h.plan(src)
		packed := string(h.appendTo(nil, src))
		b.Run("op=plan/s="+in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for range b.N {
				h.plan(src)
			}
		})
		b.Run("op=encode/s="+in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			buf := make([]byte, 0, 2*len(src))
			for range b.N {
				h.plan(src)
				buf = h.appendTo(buf[:0], src)
			}
		})
		b.Run("op=decode/s="+in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for range b.N {
				if _, err := unhuff(packed, len(src)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
