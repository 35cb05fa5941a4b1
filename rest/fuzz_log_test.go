package rest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// FuzzBodyForLog: a secret value placed in any shape a Secret travels in
// never appears in the log text, and no body makes bodyForLog panic.
func FuzzBodyForLog(f *testing.F) {
	f.Add("k", "s3cr3t-value", uint8(0), false)
	f.Add("a.b", "x\"y\\z\u00e9", uint8(3), true)
	f.Add("", "--- REDACTED", uint8(5), true)
	f.Fuzz(func(t *testing.T, key, val string, shape uint8, cut bool) {
		k, _ := json.Marshal(key)
		v, _ := json.Marshal(val)
		secret := `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"n"},"data":{` + string(k) + `:` + string(v) + `}}`
		item := `{"metadata":{"name":"n"},"stringData":{` + string(k) + `:` + string(v) + `}}`
		shapes := []struct {
			body       string
			secretPath bool
		}{
			{secret, false},
			{`{"kind":"List","items":[` + secret + `]}`, false},
			{`{"kind":"SecretList","items":[` + item + `]}`, false},
			{`{"kind":"Table","rows":[{"cells":[],"object":` + secret + `}]}`, false},
			{`{"type":"ADDED","object":` + secret + `}`, false},
			{item, true},
			{`[{"op":"replace","path":"/data/x","value":` + string(v) + `}]`, true},
		}
		s := shapes[int(shape)%len(shapes)]
		body := []byte(s.body)
		if cut {
			body = body[:len(body)/2]
		}
		out := bodyForLog(body, !cut, s.secretPath)
		// Only values long enough, and not found in the text around them or
		// in what bodyForLog writes itself, are checked.
		around := key + strings.ReplaceAll(s.body, string(v), "") + redacted + "bytes not shown: they may hold credentials and could not be parsed whole"
		if len(val) >= 6 && !strings.Contains(around, val) && strings.Contains(out, val) {
			t.Fatalf("bodyForLog(%s) = %s shows the secret %q", body, out, val)
		}
	})
}

// FuzzMaskURLString: a masked URL keeps no query value and no userinfo.
func FuzzMaskURLString(f *testing.F) {
	f.Add("https://u:p@h/x?token=abcdef#frag")
	f.Add("h:6443")
	f.Add("https://h/?abcdefgh")
	f.Fuzz(func(t *testing.T, in string) {
		out := maskURLString(in)
		u, err := url.Parse(out)
		if err != nil {
			return // an input without '@', '?' or '#' is returned as it is
		}
		if strings.ContainsAny(in, "@?#") {
			if u.User != nil && u.User.String() != "xxxxx" {
				t.Fatalf("maskURLString(%q) = %q keeps userinfo", in, out)
			}
			for k, vs := range u.Query() {
				for _, v := range vs {
					if v != "xxxxx" && v != "" {
						t.Fatalf("maskURLString(%q) = %q keeps %s=%s", in, out, k, v)
					}
				}
			}
		}
	})
}

// FuzzParsePath: any path parses without panic, into parts of the path.
func FuzzParsePath(f *testing.F) {
	f.Add("/api/v1/namespaces/ns/pods/p/log")
	f.Add("/apis/apps/v1/deployments")
	f.Add("/api/v1/namespaces/ns/status")
	f.Fuzz(func(t *testing.T, p string) {
		info := parsePath(p)
		for _, part := range []string{info.group, info.version, info.namespace, info.resource, info.name, info.subresource} {
			if !strings.Contains(p, part) {
				t.Fatalf("parsePath(%q) = %+v: %q is not in the path", p, info, part)
			}
		}
		_ = verbOf("GET", info, nil)
	})
}
