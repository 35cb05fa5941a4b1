package printer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrap checks the port of go-wordwrap's WrapString: each want is what
// github.com/mitchellh/go-wordwrap v1.0.1 (kubectl's) returns.
func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		lim      int
		want     string
	}{
		{name: "short", in: "foo", lim: 4, want: "foo"},
		{name: "break", in: "foobarbaz", lim: 4, want: "foobarbaz"},
		{name: "words", in: "foo bar baz", lim: 4, want: "foo\nbar\nbaz"},
		{name: "exact", in: "foo bars bazzes", lim: 10, want: "foo bars\nbazzes"},
		{name: "newlines kept", in: "foo b\nar baz", lim: 4, want: "foo\nb\nar\nbaz"},
		{name: "trailing space at a newline and at the end", in: "foo \nb ar ", lim: 4, want: "foo \nb ar"},
		{name: "words longer than the limit", in: "foo \nb ar ", lim: 1, want: "foo\nb ar"},
		{name: "nbsp is not a space", in: "foo\u00a0bar baz", lim: 7, want: "foo\u00a0bar\nbaz"},
		{name: "unicode counted in runes", in: "äöü äöü", lim: 3, want: "äöü\näöü"},
		{name: "empty", in: "", lim: 5, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Wrap(tc.in, tc.lim)); d != "" {
				t.Errorf("Wrap(%q, %d) (-want +got):\n%s", tc.in, tc.lim, d)
			}
		})
	}
	if got := Indent(2, "a\nb\n"); got != "  a\n  b\n  " {
		t.Errorf("Indent = %q", got)
	}
}
