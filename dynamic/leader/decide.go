package leader

import "time"

// observation is what a candidate knows of the lease: its last record, the
// resourceVersion it came with, and when this candidate saw it change. Expiry
// is measured from that local time, not from the record's renewTime, so
// candidates whose clocks disagree with the leader's still wait a full
// lease duration.
type observation struct {
	exists     bool
	rec        Record
	rv         string
	observedAt time.Time
}

// observe folds a read of the lease into prev: observedAt moves to now only
// when something changed.
func observe(prev observation, rec Record, rv string, now time.Time) observation {
	if prev.exists && prev.rv == rv && prev.rec == rec {
		return prev
	}
	return observation{exists: true, rec: rec, rv: rv, observedAt: now}
}

// action is what a candidate does after reading the lease.
type action int

const (
	// actWait: another candidate holds an unexpired lease.
	actWait action = iota
	// actCreate: there is no lease; create it as holder.
	actCreate
	// actAcquire: the lease is free, released or expired; take it.
	actAcquire
	// actRenew: this candidate holds the lease; renew it.
	actRenew
)

func (a action) String() string {
	return [...]string{"wait", "create", "acquire", "renew"}[a]
}

// decision is an action and the record to write for it.
type decision struct {
	act  action
	next Record // to write; zero for actWait
}

// decide is the election's pure core: given what candidate me observed and
// the current time, what to do. leaseSeconds is this candidate's
// LeaseDuration, written when it acquires or renews.
func decide(obs observation, me string, leaseSeconds int32, now time.Time) decision {
	mine := Record{HolderIdentity: me, LeaseDurationSeconds: leaseSeconds, AcquireTime: now, RenewTime: now}
	switch {
	case !obs.exists:
		return decision{act: actCreate, next: mine}
	case obs.rec.HolderIdentity == me:
		mine.AcquireTime = obs.rec.AcquireTime
		if mine.AcquireTime.IsZero() {
			mine.AcquireTime = now
		}
		mine.LeaseTransitions = obs.rec.LeaseTransitions
		return decision{act: actRenew, next: mine}
	case obs.rec.HolderIdentity != "" && !expired(obs, now):
		return decision{act: actWait}
	default:
		mine.LeaseTransitions = obs.rec.LeaseTransitions + 1
		return decision{act: actAcquire, next: mine}
	}
}

// expired reports whether the holder's lease has run out: its duration has
// passed since the candidate last saw the record change.
func expired(obs observation, now time.Time) bool {
	d := time.Duration(obs.rec.LeaseDurationSeconds) * time.Second
	return !now.Before(obs.observedAt.Add(d))
}

// released is the record a leader writes when it steps down: no holder,
// a one-second duration, its transitions kept.
func released(r Record, now time.Time) Record {
	return Record{LeaseDurationSeconds: 1, AcquireTime: now, RenewTime: now, LeaseTransitions: r.LeaseTransitions}
}
