package conformance

import "testing"

// memserverFactory returns a function giving each scenario a memserver of
// its own, or nil while memserver is not linked in.
func memserverFactory(t *testing.T) func(*testing.T) *Shared { return nil }
