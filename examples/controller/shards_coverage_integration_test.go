package main

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/kubedyn/kubedyn/dynamic/shard"
)

// servedChange is one change of what a replica serves: from at on, it
// serves ranges (its "shard ranges changed" log line, written by the
// controller's OnChange before the informer is told).
type servedChange struct {
	id     string
	at     time.Time
	ranges shard.Ranges
}

// served reads every replica's changes of the ranges it serves, in time
// order. A replica in ended serves nothing from that time on (killed, or
// signalled: its informer stops at once), whatever it logs later.
func (g *shardGroup) served(ended map[string]time.Time) []servedChange {
	g.t.Helper()
	var out []servedChange
	for id, p := range g.procs {
		for _, rec := range p.lines("shard ranges changed", nil) {
			at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(rec["time"]))
			if err != nil {
				g.t.Fatalf("%s: log time %v: %v", id, rec["time"], err)
			}
			rs, err := shard.ParseRanges(fmt.Sprint(rec["ranges"]))
			if err != nil {
				g.t.Fatalf("%s: logged ranges %v: %v", id, rec["ranges"], err)
			}
			if end, ok := ended[id]; ok && !at.Before(end) {
				continue
			}
			out = append(out, servedChange{id: id, at: at, ranges: rs})
		}
	}
	for id, end := range ended {
		out = append(out, servedChange{id: id, at: end})
	}
	slices.SortStableFunc(out, func(a, b servedChange) int { return a.at.Compare(b.at) })
	return out
}

// coverage replays changes and returns the longest time, within
// [from, until], that a hash went unserved (and the range of hashes where
// that happened), and a line for each time two replicas served one hash at
// once (at any time). The replicas share the machine's clock, and a release is logged
// before the write that lets another replica serve the range, so the
// order of the lines is the order of the events.
func coverage(changes []servedChange, from, until time.Time) (gap time.Duration, where shard.Range, doubles []string) {
	segs := segments(changes)
	cur := map[string]shard.Ranges{}
	unserved := make([]bool, len(segs)) // since[i] is when segment i lost its server
	since := make([]time.Time, len(segs))
	for i := range unserved {
		unserved[i] = true // before the first line, nobody serves anything
	}
	closeGap := func(i int, at time.Time) {
		start := since[i]
		if start.Before(from) {
			start = from
		}
		if d := at.Sub(start); d > gap {
			gap, where = d, segs[i]
		}
		unserved[i] = false
	}
	for _, c := range changes {
		cur[c.id] = c.ranges
		for i, seg := range segs {
			var by []string
			for id, rs := range cur {
				if rs.Contains(seg.Start) {
					by = append(by, id)
				}
			}
			switch {
			case len(by) == 0 && !unserved[i]:
				unserved[i], since[i] = true, c.at
			case len(by) > 0 && unserved[i]:
				closeGap(i, c.at)
			}
			if len(by) > 1 {
				slices.Sort(by)
				doubles = append(doubles, fmt.Sprintf("%v served by %v at %s", seg, by, c.at.Format(time.RFC3339Nano)))
			}
		}
	}
	for i := range segs {
		if unserved[i] {
			closeGap(i, until)
		}
	}
	return gap, where, doubles
}

// segments cuts the hash space at every bound of changes' ranges: each
// segment is served by a replica entirely or not at all.
func segments(changes []servedChange) []shard.Range {
	cuts := []uint64{0}
	for _, c := range changes {
		for _, r := range c.ranges {
			cuts = append(cuts, r.Start)
			if r.Last < math.MaxUint64 {
				cuts = append(cuts, r.Last+1)
			}
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	segs := make([]shard.Range, len(cuts))
	for i, c := range cuts {
		last := uint64(math.MaxUint64)
		if i+1 < len(cuts) {
			last = cuts[i+1] - 1
		}
		segs[i] = shard.Range{Start: c, Last: last}
	}
	return segs
}

// handover reports how the ranges moved after from: the longest time a
// hash went unserved (logged, and failing the test beyond bound) and any
// moment two replicas served one hash (failing the test).
func (g *shardGroup) handover(what string, from time.Time, ended map[string]time.Time, bound time.Duration) time.Duration {
	g.t.Helper()
	gap, where, doubles := coverage(g.served(ended), from, time.Now())
	g.t.Logf("%s: no hash went unserved for longer than %v (the longest gap: %v)", what, gap.Round(time.Millisecond), where)
	for _, d := range doubles {
		g.t.Errorf("%s: %s", what, d)
	}
	if gap > bound {
		g.t.Errorf("%s: hashes %v went unserved for %v, beyond %v", what, where, gap, bound)
	}
	return gap
}
