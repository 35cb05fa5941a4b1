package rest

import (
	"os"
	"testing"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestMain runs the exec-plugin helper when this test binary is started as
// one (see exec_test.go), and otherwise the tests, with a control plane for
// the integration tests (see test/cluster).
func TestMain(m *testing.M) {
	if mode := os.Getenv(execHelperEnv); mode != "" {
		os.Exit(runExecHelper(mode))
	}
	cluster.Main(m)
}
