package cluster

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if how := os.Getenv(helperEnv); how != "" {
		// A helper process of the cleanup tests. Its own children (the
		// supervisor is this same binary) must not inherit the variable, or
		// each would become a helper in turn.
		os.Unsetenv(helperEnv)
		os.Exit(runHelper(how))
	}
	Main(m)
}
