package memserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// fuzzServer is one server shared by a fuzz target's inputs; requests go
// straight to its handler.
func fuzzServer(f *testing.F) *Server {
	s, err := Start(context.Background(), Options{CRDs: []*unstructured.Unstructured{widgetCRD()}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if err := s.Create(configMap("seed", map[string]any{"a": "b"}, map[string]any{"k": "v"})); err != nil {
		f.Fatal(err)
	}
	return s
}

// serve sends one request to the handler and checks the answer is
// well-formed: an error is a metav1.Status with its code.
func serve(t *testing.T, s *Server, method, target, contentType string, body string) *httptest.ResponseRecorder {
	t.Helper()
	req, err := http.NewRequest(method, "https://memserver"+target, strings.NewReader(body))
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+s.Token())
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code >= 400 && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		var st struct {
			Kind string `json:"kind"`
			Code int    `json:"code"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || st.Kind != "Status" || st.Code != rec.Code {
			t.Errorf("%s %s: %d answer is not a matching Status: %s", method, target, rec.Code, rec.Body.String())
		}
	}
	// An apply of a field the schema does not declare is kube-apiserver's
	// own 500; any other 500 is a bug.
	if rec.Code == http.StatusInternalServerError && !strings.Contains(rec.Body.String(), "failed to create typed patch object") {
		t.Errorf("%s %s: server error %d: %s", method, target, rec.Code, rec.Body.String())
	}
	return rec
}

func FuzzParseAPIPath(f *testing.F) {
	for _, p := range []string{"/api/v1/namespaces/a/configmaps/b", "/apis/apps/v1/deployments", "/api/v1/namespaces/x/status", "/apis/g/v/watch/namespaces/a/r/n", "/api/v1/namespaces//configmaps", "/apis/a/b/c/d/e/f/g"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		ap, ok, err := parseAPIPath(p)
		if ok && err == nil && ap.resource == "" {
			t.Errorf("%q parsed without a resource", p)
		}
	})
}

func FuzzDecodeContinue(f *testing.F) {
	f.Add(encodeContinue("default/a", 7))
	f.Add("")
	f.Add("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiYSJ9")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := decodeContinue(tok)
		if err == nil && (c.RV <= 0 || c.Start == "") {
			t.Errorf("%q accepted as %+v", tok, c)
		}
	})
}

func FuzzListQuery(f *testing.F) {
	s := fuzzServer(f)
	for _, q := range []string{"labelSelector=a%3Db", "fieldSelector=metadata.name%3Dseed", "limit=1&continue=xyz", "resourceVersion=0&resourceVersionMatch=Exact", "watch=1&timeoutSeconds=0&resourceVersion=999999", "labelSelector=a+in+(", "fieldSelector=spec.x%3D1", "sendInitialEvents=true"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		if v.Get("watch") != "" {
			v.Set("timeoutSeconds", "0")
			v.Del("watch") // watches stream; the parser is what is fuzzed
		}
		serve(t, s, "GET", "/api/v1/namespaces/default/configmaps?"+v.Encode(), "", "")
	})
}

func FuzzPatch(f *testing.F) {
	s := fuzzServer(f)
	for _, seed := range []struct{ ct, body string }{
		{"application/merge-patch+json", `{"data":{"x":"y"}}`},
		{"application/json-patch+json", `[{"op":"add","path":"/data/z","value":"1"}]`},
		{"application/strategic-merge-patch+json", `{"data":{"$patch":"replace"}}`},
		{"application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\n"},
		{"application/json-patch+json", `[{"op":"move","from":"/a","path":"/a/b"}]`},
	} {
		f.Add(seed.ct, seed.body)
	}
	f.Fuzz(func(t *testing.T, ct, body string) {
		serve(t, s, "PATCH", "/api/v1/namespaces/default/configmaps/seed?fieldManager=fuzz", ct, body)
		serve(t, s, "PATCH", "/apis/memtest.example.com/v1/namespaces/default/widgets/none?fieldManager=fuzz", ct, body)
	})
}

func FuzzRequest(f *testing.F) {
	s := fuzzServer(f)
	for _, seed := range []struct{ method, path, body string }{
		{"GET", "/api/v1/namespaces/default/configmaps/seed", ""},
		{"POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"f-"}}`},
		{"PUT", "/api/v1/namespaces/default/configmaps/seed", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seed","resourceVersion":"1"}}`},
		{"DELETE", "/api/v1/namespaces/default/configmaps/nothing", `{"preconditions":{"uid":"x"}}`},
		{"POST", "/apis/memtest.example.com/v1/namespaces/default/widgets", `{"apiVersion":"memtest.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"replicas":"x"}}`},
		{"GET", "/apis/memtest.example.com/v1/namespaces/default/widgets/w/scale", ""},
		{"GET", "/apis/unknown/v1/things", ""},
		{"POST", "/apis/apps/v1/namespaces/default/deployments", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"spec":{"containers":[1,{"name":"c","ports":[2]}]}}}}`},
		{"POST", "/api/v1/namespaces", `{"apiVersion":"v1","kind":"Namespace","metadata":"x"}`},
	} {
		f.Add(seed.method, seed.path, seed.body)
	}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.Contains(path, "watch") {
			return
		}
		serve(t, s, method, path, "application/json", body)
	})
}
