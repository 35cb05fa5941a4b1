package main

import "testing"

// TestShellWords: the echoed kdyn command line can be pasted back into a
// shell.
func TestShellWords(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{name: "none", args: nil, want: ""},
		{name: "plain", args: []string{"get", "ns", "-o", "wide"}, want: "get ns -o wide"},
		{name: "json patch", args: []string{"patch", "cm", "a", "-p", `{"data":{"k":"v"}}`}, want: `patch cm a -p '{"data":{"k":"v"}}'`},
		{name: "quote inside", args: []string{"it's"}, want: `'it'\''s'`},
		{name: "empty", args: []string{"get", ""}, want: "get ''"},
		{name: "selector", args: []string{"-l", "app in (a,b)"}, want: "-l 'app in (a,b)'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := shellWords(tc.args); got != tc.want {
				t.Errorf("shellWords(%q) = %s, want %s", tc.args, got, tc.want)
			}
		})
	}
}
