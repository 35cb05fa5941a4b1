package udiff_test

import (
	"os"
	"time"

	"github.com/kubedyn/kubedyn/examples/kdyn/internal/udiff"
)

func ExampleWrite() {
	when := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	files := []udiff.File{{
		Name:     "v1.ConfigMap.default.app",
		From:     "apiVersion: v1\ndata:\n  a: \"1\"\nkind: ConfigMap\n",
		To:       "apiVersion: v1\ndata:\n  a: \"2\"\nkind: ConfigMap\n",
		FromTime: when, ToTime: when,
	}}
	_, _ = udiff.Write(os.Stdout, "/tmp/LIVE-1", "/tmp/MERGED-2", files)
	// Output:
	// diff -u -N /tmp/LIVE-1/v1.ConfigMap.default.app /tmp/MERGED-2/v1.ConfigMap.default.app
	// --- /tmp/LIVE-1/v1.ConfigMap.default.app	2026-11-23 16:00:00.000000000 +0000
	// +++ /tmp/MERGED-2/v1.ConfigMap.default.app	2026-11-23 16:00:00.000000000 +0000
	// @@ -1,4 +1,4 @@
	//  apiVersion: v1
	//  data:
	// -  a: "1"
	// +  a: "2"
	//  kind: ConfigMap
}
