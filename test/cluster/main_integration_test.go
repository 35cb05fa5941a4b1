package cluster

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if how := os.Getenv(helperEnv); how != "" {
		os.Exit(runHelper(how)) // a helper process of the cleanup tests
	}
	Main(m)
}
