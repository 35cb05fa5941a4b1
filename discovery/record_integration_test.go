package discovery

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// Re-record testdata/recorded.json from the real control plane with:
//
//	go test ./discovery -run TestRecord -record
var record = flag.Bool("record", false, "re-record testdata/recorded.json from the control plane")

// recordedGroup is the one CRD group kept in the recording.
const recordedGroup = "rec." + fixtureSuffix

func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("pass -record to re-record testdata/recorded.json")
	}
	env := cluster.Get(t)
	installCRDs(t, env, fixtureCRDs(recordedGroup))
	rc := adminREST(t, env)
	ctx := context.Background()
	var rec recording
	get := func(path, accept string) recordedDoc {
		resp, err := rc.Do(ctx, &rest.Request{Path: path, Header: http.Header{"Accept": {accept}}})
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		var body json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return recordedDoc{Path: path, ContentType: resp.Header.Get("Content-Type"), ETag: resp.Header.Get("ETag"), Body: body}
	}
	for _, p := range []string{"/api", "/apis"} {
		d := get(p, AcceptAggregated)
		d.Body = filterAggregated(t, d.Body)
		rec.Aggregated = append(rec.Aggregated, d)
	}
	rec.Legacy = append(rec.Legacy, get("/version", "application/json"))
	core := get("/api", "application/json")
	rec.Legacy = append(rec.Legacy, core)
	groups := get("/apis", "application/json")
	groups.Body = filterLegacyGroups(t, groups.Body)
	rec.Legacy = append(rec.Legacy, groups)
	var vs struct{ Versions []string }
	json.Unmarshal(core.Body, &vs)
	for _, v := range vs.Versions {
		rec.Legacy = append(rec.Legacy, get("/api/"+v, "application/json"))
	}
	var gl struct {
		Groups []struct {
			Name     string
			Versions []struct{ GroupVersion string }
		}
	}
	json.Unmarshal(groups.Body, &gl)
	for _, g := range gl.Groups {
		rec.Legacy = append(rec.Legacy, get("/apis/"+g.Name, "application/json"))
		for _, v := range g.Versions {
			rec.Legacy = append(rec.Legacy, get("/apis/"+v.GroupVersion, "application/json"))
		}
	}
	var idx recordedDoc
	var paths map[string]string
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	waitFor(wctx, t, "the CRD's OpenAPI v3 document", func() bool {
		idx = get("/openapi/v3", "application/json")
		var err error
		paths, err = parseOpenAPIIndex(idx.Body, "recorder")
		return err == nil && paths["apis/"+recordedGroup+"/v1"] != ""
	})
	kept := map[string]any{}
	for p, u := range paths {
		if p == "apis/"+recordedGroup+"/v1" || p == "version" {
			kept[p] = map[string]string{"serverRelativeURL": u}
		}
	}
	idx.Body, _ = json.Marshal(map[string]any{"paths": kept})
	rec.OpenAPI = append(rec.OpenAPI, idx)
	u, _ := url.Parse(paths["apis/"+recordedGroup+"/v1"])
	schemaDoc := get(u.Path, "application/json")
	schemaDoc.Query = u.RawQuery
	rec.OpenAPI = append(rec.OpenAPI, schemaDoc)
	b, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/recorded.json", append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// keepGroup keeps built-in groups and recordedGroup: other packages'
// fixtures on a shared server are not ours to record.
func keepGroup(name string) bool {
	builtin := !strings.Contains(name, ".") || strings.HasSuffix(name, ".k8s.io")
	return builtin || name == recordedGroup
}

func filterAggregated(t *testing.T, body json.RawMessage) json.RawMessage {
	var l map[string]any
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	items, _ := l["items"].([]any)
	var kept []any
	for _, it := range items {
		md, _ := it.(map[string]any)["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		if keepGroup(name) {
			kept = append(kept, it)
		}
	}
	l["items"] = kept
	b, _ := json.Marshal(l)
	return b
}

func filterLegacyGroups(t *testing.T, body json.RawMessage) json.RawMessage {
	var l map[string]any
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	groups, _ := l["groups"].([]any)
	var kept []any
	for _, g := range groups {
		name, _ := g.(map[string]any)["name"].(string)
		if keepGroup(name) {
			kept = append(kept, g)
		}
	}
	l["groups"] = kept
	b, _ := json.Marshal(l)
	return b
}
