package patch

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// Re-record testdata/openapi-*.json from the real control plane with:
//
//	go test ./patch -run TestRecordOpenAPI -record
var record = flag.Bool("record", false, "re-record testdata/openapi-*.json from the control plane")

// recordedDocs maps testdata files to the OpenAPI v3 paths they hold.
var recordedDocs = map[string]string{
	"testdata/openapi-api-v1.json":            "/openapi/v3/api/v1",
	"testdata/openapi-apis-apps-v1.json":      "/openapi/v3/apis/apps/v1",
	"testdata/openapi-apis-patchtest-v1.json": "/openapi/v3/apis/" + widgetGroup + "/v1",
}

func TestRecordOpenAPI(t *testing.T) {
	if !*record {
		t.Skip("pass -record to re-record testdata/openapi-*.json")
	}
	env := cluster.Get(t)
	installWidgetCRD(t, env)
	for file, path := range recordedDocs {
		body, err := env.Do(context.Background(), "GET", path, nil)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		var out bytes.Buffer
		if err := json.Indent(&out, body, "", " "); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		out.WriteByte('\n')
		if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
