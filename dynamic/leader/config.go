package leader

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kubedyn/kubedyn/dynamic"
)

// Defaults of Config, client-go's.
const (
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// Callbacks are told what happens to the election. Each may be nil.
type Callbacks struct {
	// OnStartedLeading runs in its own goroutine once this candidate has
	// acquired the lease. ctx is cancelled when leadership ends (lost, or
	// Run's ctx done); the function must then return promptly: Run waits
	// for it before it releases the lease and returns.
	OnStartedLeading func(ctx context.Context)
	// OnStoppedLeading is called, from Run's goroutine, after leadership
	// has ended and OnStartedLeading has returned.
	OnStoppedLeading func()
	// OnNewLeader is called, from Run's goroutine, each time the observed
	// holder changes (this candidate included). It must return quickly:
	// renewals wait for it.
	OnNewLeader func(identity string)
}

// Config describes one candidate of one election.
type Config struct {
	// Client reaches the API server; the Lease is read and written through
	// it (get, create, update on leases in Namespace).
	Client *dynamic.Client
	// Namespace and Name name the coordination.k8s.io/v1 Lease.
	Namespace, Name string
	// Identity names this candidate; it must differ between candidates
	// (a pod name, or hostname plus a random suffix).
	Identity string
	// LeaseDuration is how long other candidates wait, after they last saw
	// the lease renewed, before taking it over (default 15s).
	LeaseDuration time.Duration
	// RenewDeadline is how long the leader keeps retrying a renewal before
	// it gives up leadership (default 10s). It must be shorter than
	// LeaseDuration, so a leader stops before anyone can take over.
	RenewDeadline time.Duration
	// RetryPeriod is the wait between attempts to acquire or renew
	// (default 2s; acquisition attempts get up to 20% jitter).
	RetryPeriod time.Duration
	// ReleaseOnCancel makes Run release the lease when its ctx is done, so
	// another candidate takes over at its next attempt instead of after
	// LeaseDuration. Only safe if OnStartedLeading's work has stopped by
	// then, which Run waits for.
	ReleaseOnCancel bool
	// Callbacks are told of leadership changes.
	Callbacks Callbacks
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.LeaseDuration == 0 {
		c.LeaseDuration = DefaultLeaseDuration
	}
	if c.RenewDeadline == 0 {
		c.RenewDeadline = DefaultRenewDeadline
	}
	if c.RetryPeriod == 0 {
		c.RetryPeriod = DefaultRetryPeriod
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// validate reports every mistake in c (after defaults).
func (c Config) validate() error {
	var errs []error
	if c.Client == nil {
		errs = append(errs, errors.New("no Client"))
	}
	if c.Namespace == "" || c.Name == "" {
		errs = append(errs, fmt.Errorf("the Lease needs a namespace and a name (got %q/%q)", c.Namespace, c.Name))
	}
	if c.Identity == "" {
		errs = append(errs, errors.New("no Identity"))
	}
	if c.LeaseDuration < time.Second {
		errs = append(errs, fmt.Errorf("LeaseDuration %v is under one second (the Lease counts whole seconds)", c.LeaseDuration))
	}
	if c.RenewDeadline >= c.LeaseDuration {
		errs = append(errs, fmt.Errorf("RenewDeadline %v must be shorter than LeaseDuration %v", c.RenewDeadline, c.LeaseDuration))
	}
	if c.RetryPeriod <= 0 || c.RetryPeriod >= c.RenewDeadline {
		errs = append(errs, fmt.Errorf("RetryPeriod %v must be positive and shorter than RenewDeadline %v", c.RetryPeriod, c.RenewDeadline))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("leader: invalid Config for lease %s/%s: %w", c.Namespace, c.Name, err)
	}
	return nil
}
