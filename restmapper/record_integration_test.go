package restmapper

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/kubedyn/kubedyn/test/cluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Re-record testdata/discovery.json from the real control plane with:
//
//	go test ./restmapper -run TestRecordDiscovery -record
var record = flag.Bool("record", false, "re-record testdata/discovery.json from the control plane")

// recorded is the shape of testdata/discovery.json: legacy discovery
// documents in server order, built-in groups and fixtureCRDs only.
type recorded struct {
	Groups    []metav1.APIGroup         `json:"groups"`
	Resources []*metav1.APIResourceList `json:"resources"`
}

func TestRecordDiscovery(t *testing.T) {
	if !*record {
		t.Skip("pass -record to re-record testdata/discovery.json")
	}
	env := cluster.Get(t)
	installCRDs(t, env, fixtureCRDs)
	var rec recorded
	var core metav1.APIVersions
	getJSON(t, env, "/api", &core)
	rec.Groups = append(rec.Groups, metav1.APIGroup{Name: "", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}}, PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "v1", Version: "v1"}})
	var groups metav1.APIGroupList
	getJSON(t, env, "/apis", &groups)
	for _, g := range groups.Groups {
		builtin := !strings.Contains(g.Name, ".") || strings.HasSuffix(g.Name, ".k8s.io")
		ours := strings.HasSuffix(g.Name, fixtureGroupSuffix) && !strings.HasPrefix(g.Name, "bulk")
		if !builtin && !ours {
			continue // another package's fixtures, or the bulk set
		}
		rec.Groups = append(rec.Groups, g)
	}
	for _, g := range rec.Groups {
		for _, v := range g.Versions {
			path := "/apis/" + v.GroupVersion
			if g.Name == "" {
				path = "/api/" + v.GroupVersion
			}
			var l metav1.APIResourceList
			getJSON(t, env, path, &l)
			rec.Resources = append(rec.Resources, &l)
		}
	}
	if err := os.WriteFile("testdata/discovery.json", append(mustJSON(t, rec), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func getJSON(t *testing.T, env *cluster.Env, path string, into any) {
	t.Helper()
	body, err := env.Do(context.Background(), "GET", path, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
