package memserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/rest"
)

// recordEnv turns on TestRecord: MEMSERVER_RECORD=1 with KUBECONFIG (or
// KUBEDYN_TEST_KUBECONFIG) naming a running control plane of DefaultVersion:
//
//	eval "$(go run ./test/cluster/cmd/controlplane env)"
//	MEMSERVER_RECORD=1 go test -run TestRecord ./test/memserver/
const recordEnv = "MEMSERVER_RECORD"

const aggAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

// TestRecord re-records testdata/surface-<version>.json.gz from a real
// server: /version, legacy and aggregated discovery and OpenAPI v3 of every
// built-in group-version (the groups of CRDs present are left out).
func TestRecord(t *testing.T) {
	if os.Getenv(recordEnv) == "" {
		t.Skip("set " + recordEnv + "=1 and KUBECONFIG to re-record the API surface")
	}
	path := os.Getenv("KUBEDYN_TEST_KUBECONFIG")
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	c, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	get := func(p, accept string) json.RawMessage {
		t.Helper()
		h := http.Header{}
		if accept != "" {
			h.Set("Accept", accept)
		}
		resp, err := c.Do(ctx, &rest.Request{Path: p, Header: h})
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		return b
	}
	crdGroups := map[string]bool{}
	var crds struct {
		Items []struct {
			Spec struct{ Group string } `json:"spec"`
		} `json:"items"`
	}
	if err := json.Unmarshal(get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ""), &crds); err != nil {
		t.Fatal(err)
	}
	for _, c := range crds.Items {
		crdGroups[c.Spec.Group] = true
	}
	rec := recordSurface(t, get, crdGroups)
	data, err := encodeRecording(rec)
	if err != nil {
		t.Fatal(err)
	}
	out := "testdata/surface-" + rec.Version + ".json.gz"
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes, %d OpenAPI documents)", out, len(data), len(rec.OpenAPI))
}

func recordSurface(t *testing.T, get func(p, accept string) json.RawMessage, crdGroups map[string]bool) *recording {
	rec := &recording{Legacy: map[string]json.RawMessage{}, Aggregated: map[string]json.RawMessage{}, OpenAPI: map[string][]byte{}}
	rec.VersionInfo = get("/version", "")
	var vi struct{ GitVersion string }
	if err := json.Unmarshal(rec.VersionInfo, &vi); err != nil {
		t.Fatal(err)
	}
	rec.Version = vi.GitVersion
	rec.Legacy["/api"] = get("/api", "application/json")
	rec.Legacy["/api/v1"] = get("/api/v1", "application/json")
	rec.Aggregated["/api"] = get("/api", aggAccept)
	var groups struct {
		Kind       string            `json:"kind"`
		APIVersion string            `json:"apiVersion"`
		Groups     []json.RawMessage `json:"groups"`
	}
	if err := json.Unmarshal(get("/apis", "application/json"), &groups); err != nil {
		t.Fatal(err)
	}
	kept := groups.Groups[:0]
	for _, g := range groups.Groups {
		var gg struct {
			Name     string
			Versions []struct{ GroupVersion string }
		}
		if err := json.Unmarshal(g, &gg); err != nil {
			t.Fatal(err)
		}
		if crdGroups[gg.Name] {
			continue
		}
		kept = append(kept, g)
		for _, v := range gg.Versions {
			rec.Legacy["/apis/"+v.GroupVersion] = get("/apis/"+v.GroupVersion, "application/json")
		}
	}
	groups.Groups = kept
	rec.Legacy["/apis"] = mustJSON(t, groups)
	var agg map[string]json.RawMessage
	if err := json.Unmarshal(get("/apis", aggAccept), &agg); err != nil {
		t.Fatal(err)
	}
	var aggItems []json.RawMessage
	if err := json.Unmarshal(agg["items"], &aggItems); err != nil {
		t.Fatal(err)
	}
	var items []json.RawMessage
	for _, g := range aggItems {
		var gg aggGroup
		if err := json.Unmarshal(g, &gg); err != nil {
			t.Fatal(err)
		}
		if !crdGroups[gg.Metadata.Name] {
			items = append(items, g)
		}
	}
	agg["items"] = mustJSON(t, items)
	rec.Aggregated["/apis"] = mustJSON(t, agg)
	var root struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(get("/openapi/v3", ""), &root); err != nil {
		t.Fatal(err)
	}
	for p := range root.Paths {
		if g, ok := strings.CutPrefix(p, "apis/"); ok {
			if i := strings.IndexByte(g, '/'); i > 0 && crdGroups[g[:i]] {
				continue
			}
		}
		gz, err := gzipBytes(get("/openapi/v3/"+p, "application/json"))
		if err != nil {
			t.Fatal(err)
		}
		rec.OpenAPI[p] = gz
	}
	return rec
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
