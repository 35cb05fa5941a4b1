package discovery

import (
	"github.com/kubedyn/kubedyn/restmapper"
)

// Both clients plug into a RESTMapper; Cached also takes its invalidations.
var (
	_ restmapper.Source      = (*Client)(nil)
	_ restmapper.Source      = (*Cached)(nil)
	_ restmapper.Invalidator = (*Cached)(nil)
)
