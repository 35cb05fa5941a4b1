package main

import (
	"context"
	"errors"

	"github.com/kubedyn/kubedyn/dynamic/leader"
)

// runElected takes part in the election on the Lease the flags name and
// reconciles while leading, until ctx ends; then the work stops (draining
// the queue) and the lease is released, so another replica takes over at
// once. A replica that loses the lease stops its work at once and rejoins
// the election.
func (s *stack) runElected(ctx context.Context) error {
	o := s.opts
	ns := firstNonEmpty(o.leaseNS, o.namespace, s.cfg.Namespace, "default")
	name := firstNonEmpty(o.leaseName, leaseNameFor(o.resource))
	id := firstNonEmpty(o.identity, defaultIdentity())
	log := s.log.With("lease", ns+"/"+name, "identity", id)
	rctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	for {
		el, err := leader.New(leader.Config{
			Client: s.dyn, Namespace: ns, Name: name, Identity: id,
			LeaseDuration: o.leaseDuration, RenewDeadline: o.renewDeadline, RetryPeriod: o.retryPeriod,
			ReleaseOnCancel: true,
			Callbacks: leader.Callbacks{
				OnStartedLeading: func(lctx context.Context) {
					log.Info("started leading")
					if err := s.supervise(lctx); err != nil {
						fail(err)
					}
				},
				OnStoppedLeading: func() { log.Info("stopped leading") },
				OnNewLeader:      func(holder string) { log.Info("leader observed", "holder", holder) },
			},
		}, log.With("component", "leader"))
		if err != nil {
			return err
		}
		err = el.Run(rctx)
		if cause := context.Cause(rctx); cause != nil && ctx.Err() == nil {
			return cause // supervise failed
		}
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, leader.ErrLost):
			log.Warn("lost the lease; rejoining the election", "err", err)
		default:
			return err
		}
	}
}

// firstNonEmpty returns the first of ss that is not "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
