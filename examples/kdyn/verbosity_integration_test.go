package main

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// testVerbosity runs a session that writes and reads a Secret (client-side
// apply, get -o yaml, merge patch, delete) at -v=0, 6, 7 and 8 and greps
// stderr: each request's line (method, URL, status, latency) from 6 on,
// bodies at 8, and never the bearer token nor the Secret's values, plain or
// base64, at any level.
func (h *harness) testVerbosity(t *testing.T) {
	ns := h.env.Namespace(t)
	value1 := "v1-" + strings.Split(h.group, ".")[0] + "-s3cr3t-plain"
	value2 := "v2-" + strings.Split(h.group, ".")[0] + "-s3cr3t-patched"
	forbidden := map[string]string{
		"the bearer token":      h.env.Admin.Token,
		"the value":             value1,
		"the value in base64":   base64.StdEncoding.EncodeToString([]byte(value1)),
		"the patched value":     value2,
		"the patched in base64": base64.StdEncoding.EncodeToString([]byte(value2)),
	}
	for _, tc := range []struct {
		name     string
		flag     string
		requests bool // a line per request
		bodies   bool // bodies logged
	}{
		{name: "default", flag: "--v=0"},
		{name: "v5", flag: "-v=5"},
		{name: "v6", flag: "-v=6", requests: true},
		{name: "v7", flag: "--v=7", requests: true},
		{name: "v8", flag: "-v=8", requests: true, bodies: true},
		{name: "v9", flag: "--v=9", requests: true, bodies: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "s-" + tc.name
			stderr := h.secretSession(t, ns, name, value1, value2, tc.flag)
			for what, s := range forbidden {
				if strings.Contains(stderr, s) {
					t.Errorf("%s: stderr holds %s (%q):\n%s", tc.flag, what, s, stderr)
				}
			}
			path := regexp.QuoteMeta("/api/v1/namespaces/" + ns + "/secrets")
			for _, want := range []string{
				`msg="HTTP request" method=POST url="?https://[^ "]+` + path + `(\?[^ "]*)?"? status=201 latency=\S+`,
				`msg="HTTP request" method=GET url="?https://[^ "]+` + path + `/` + name + `(\?[^ "]*)?"? status=200 latency=\S+`,
				`msg="HTTP request" method=PATCH url="?https://[^ "]+` + path + `/` + name + `(\?[^ "]*)?"? status=200 latency=\S+`,
				`msg="HTTP request" method=DELETE url="?https://[^ "]+` + path + `/` + name + `(\?[^ "]*)?"? status=200 latency=\S+`,
			} {
				if got := regexp.MustCompile(`(?m)^time=\S+ level=V6 ` + want + `$`).MatchString(stderr); got != tc.requests {
					t.Errorf("%s: a line matching %s: %v, want %v; stderr:\n%s", tc.flag, want, got, tc.requests, stderr)
				}
			}
			for _, want := range []string{
				`level=V8 msg="HTTP request body" method=POST url="?https://[^ "]+` + path + `(\?[^ "]*)?"? body=`,
				`level=V8 msg="HTTP response body" method=GET url="?https://[^ "]+` + path + `/` + name + `"? status=200 body=`,
			} {
				if got := regexp.MustCompile(want).MatchString(stderr); got != tc.bodies {
					t.Errorf("%s: a line matching %s: %v, want %v", tc.flag, want, got, tc.bodies)
				}
			}
			if tc.bodies && !strings.Contains(stderr, "REDACTED") {
				t.Errorf("%s: no redacted Secret body in stderr:\n%s", tc.flag, stderr)
			}
		})
	}
}

// secretSession applies Secret name holding value1, reads it back, patches
// it to value2 and deletes it, each with flag, and returns what kdyn wrote
// on stderr. It checks that the values did travel (get prints them on
// stdout), so that their absence from stderr means something.
func (h *harness) secretSession(t *testing.T, ns, name, value1, value2, flag string) string {
	t.Helper()
	var stderr strings.Builder
	step := func(stdin string, args ...string) string {
		t.Helper()
		r := h.kdynIn(t, stdin, append([]string{flag, "-n", ns}, args...)...)
		if r.Code != 0 {
			t.Fatalf("kdyn %s %v: exit %d\nstdout:\n%s\nstderr:\n%s", flag, args, r.Code, r.Stdout, r.Stderr)
		}
		stderr.WriteString(r.Stderr)
		return r.Stdout
	}
	manifest := fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: %s}\nstringData: {token: %s}\n", name, value1)
	step(manifest, "apply", "-f", "-")
	if out := step("", "get", "secret", name, "-o", "yaml"); !strings.Contains(out, base64.StdEncoding.EncodeToString([]byte(value1))) {
		t.Fatalf("kdyn get secret %s -o yaml does not show the value:\n%s", name, out)
	}
	step("", "patch", "secret", name, "--type", "merge", "-p", fmt.Sprintf(`{"stringData":{"token":%q}}`, value2))
	if out := step("", "get", "secret", name, "-o", "json"); !strings.Contains(out, base64.StdEncoding.EncodeToString([]byte(value2))) {
		t.Fatalf("kdyn get secret %s -o json does not show the patched value:\n%s", name, out)
	}
	step("", "delete", "secret", name)
	return stderr.String()
}
