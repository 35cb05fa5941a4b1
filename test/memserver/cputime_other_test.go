//go:build !unix

package memserver

import "time"

// cpuTime is not measured here: benchmarks report no cpu-s/op.
func cpuTime() (time.Duration, bool) { return 0, false }
