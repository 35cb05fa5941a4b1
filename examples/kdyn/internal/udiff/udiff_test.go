package udiff

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const cmA = `apiVersion: v1
data:
  a: "1"
  b: "2"
  c: "3"
  d: "4"
  e: "5"
  f: "6"
  g: "7"
  h: "8"
  i: "9"
  j: "10"
kind: ConfigMap
`

// TestWrite compares with GNU diff 3.x's `TZ=UTC diff -u -N A B` on the
// same files, recorded by hand: two hunks for changes 8 lines apart, a new
// file against an empty one, an unchanged file left out.
func TestWrite(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	files := []File{
		{Name: "z", From: "same\n", To: "same\n", FromTime: when, ToTime: when},
		{Name: "y", From: "", To: "kind: New\nname: n\n", FromTime: when, ToTime: when},
		{Name: "x", From: cmA, To: strings.NewReplacer(`"1"`, `"one"`, `"10"`, `"ten"`).Replace(cmA), FromTime: when, ToTime: when},
	}
	want := `diff -u -N A/x B/x
--- A/x	2026-01-02 03:04:05.123456789 +0000
+++ B/x	2026-01-02 03:04:05.123456789 +0000
@@ -1,6 +1,6 @@
 apiVersion: v1
 data:
-  a: "1"
+  a: "one"
   b: "2"
   c: "3"
   d: "4"
@@ -9,5 +9,5 @@
   g: "7"
   h: "8"
   i: "9"
-  j: "10"
+  j: "ten"
 kind: ConfigMap
diff -u -N A/y B/y
--- A/y	2026-01-02 03:04:05.123456789 +0000
+++ B/y	2026-01-02 03:04:05.123456789 +0000
@@ -0,0 +1,2 @@
+kind: New
+name: n
`
	var b strings.Builder
	differ, err := Write(&b, "A", "B", files)
	if err != nil {
		t.Fatal(err)
	}
	if !differ {
		t.Error("differ = false")
	}
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}

	b.Reset()
	differ, err = Write(&b, "A", "B", files[:1])
	if err != nil || differ || b.Len() != 0 {
		t.Errorf("identical files: differ %v, err %v, output %q", differ, err, b.String())
	}
}

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{name: "empty", in: "", want: []string{}},
		{name: "newline terminated", in: "a\nb\n", want: []string{"a\n", "b\n"}},
		{name: "last line without newline", in: "a\nb", want: []string{"a\n", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Lines(tc.in)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
