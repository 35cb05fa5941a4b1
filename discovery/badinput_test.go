package discovery

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestBadAnswers: garbage, HTML, truncated bodies and wrong content types
// give an error naming the URL; nothing panics.
func TestBadAnswers(t *testing.T) {
	rec := loadRecording(t)
	agg := rec.Aggregated[1]
	tests := []struct {
		name        string
		mode        Mode
		path        string
		contentType string
		body        string
		wantErr     string
	}{
		{name: "HTML error page", mode: Auto, path: "/apis", contentType: "text/html", body: "<html>proxy error</html>", wantErr: `discovery GET /apis on`},
		{name: "garbage under the aggregated type", mode: Auto, path: "/apis", contentType: agg.ContentType, body: "\x00\x01garbage", wantErr: "/apis"},
		{name: "truncated aggregated body", mode: Aggregated, path: "/apis", contentType: agg.ContentType, body: string(agg.Body[:len(agg.Body)/2]), wantErr: "invalid JSON"},
		{name: "truncated legacy list", mode: Legacy, path: "/apis/apps/v1", contentType: "application/json", body: `{"kind":"APIResourceList","groupVersion":"apps/v1","resources":[{"na`, wantErr: "/apis/apps/v1"},
		{name: "200 with no content type", mode: Legacy, path: "/apis", contentType: "", body: `{}`, wantErr: "Content-Type"},
		{name: "wrong kind", mode: Legacy, path: "/api", contentType: "application/json", body: `{"kind":"Status"}`, wantErr: "not a APIVersions"},
		{name: "empty body", mode: Legacy, path: "/apis", contentType: "application/json", body: ``, wantErr: "empty body"},
		{name: "unknown aggregated version", mode: Auto, path: "/api", contentType: "application/json;g=apidiscovery.k8s.io;v=v9;as=APIGroupDiscoveryList", body: `{}`, wantErr: "unsupported aggregated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeServer{rec: rec}
			f.setOverride(tc.path, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.contentType}
				w.Write([]byte(tc.body))
			})
			c := New(newFake(t, f), Options{Mode: tc.mode})
			_, _, err := c.ServerGroupsAndResources(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
			if tc.path == "/apis/apps/v1" && !IsPartial(err) {
				t.Errorf("one bad list should be a partial failure: %v", err)
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error does not name %s: %v", tc.path, err)
			}
		})
	}
}

func TestServerVersionAndOpenAPI(t *testing.T) {
	rec := loadRecording(t)
	f := &fakeServer{rec: rec}
	c := New(newFake(t, f), Options{})
	ctx := context.Background()
	v, err := c.ServerVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.GitVersion, "v1.") {
		t.Errorf("GitVersion = %q", v.GitVersion)
	}
	paths, err := c.OpenAPIV3Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gvPath := "apis/" + recordedGroup + "/v1"
	if !strings.Contains(paths[gvPath], "?hash=") {
		t.Fatalf("paths[%q] = %q, want a ?hash= URL", gvPath, paths[gvPath])
	}
	for i := range 2 {
		doc, err := c.OpenAPIV3Schema(ctx, gvPath)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), `"openapi"`) {
			t.Errorf("call %d: not an OpenAPI document: %.80s", i, doc)
		}
	}
	// version, index, then index+document, then index alone: the second
	// document comes from the hash cache.
	if got := f.requests.Load(); got != 5 {
		t.Errorf("%d requests, want 5 (the second document read from the hash cache)", got)
	}
	if _, err := c.OpenAPIV3Schema(ctx, "apis/nope/v1"); err == nil || !strings.Contains(err.Error(), "apis/nope/v1") {
		t.Errorf("unknown path: err = %v", err)
	}
}
