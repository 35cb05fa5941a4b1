package conformance

import (
	"context"
	"testing"

	"github.com/kubedyn/kubedyn/test/memserver"
)

// memserverFactory returns a function giving each scenario a memserver of
// its own. $KUBEDYN_CONFORMANCE_MEMSERVER=0 leaves memserver out (to run or
// record the real server alone).
func memserverFactory(t *testing.T) func(*testing.T) *Shared {
	if v, set := lookupEnv("KUBEDYN_CONFORMANCE_MEMSERVER"); set && !truthy("KUBEDYN_CONFORMANCE_MEMSERVER") && v != "" {
		return nil
	}
	return func(t *testing.T) *Shared {
		s := memserver.New(t, memserver.Options{})
		sh := NewShared("memserver", *s.RESTConfig())
		sh.Compact = func(context.Context) error {
			s.CompactHistory()
			return nil
		}
		return sh
	}
}
