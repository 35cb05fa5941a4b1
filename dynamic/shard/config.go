package shard

import (
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/validate/content"

	"github.com/kubedyn/kubedyn/dynamic"
)

// Defaults of Config: dynamic/leader's (client-go's).
const (
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// Config describes one member of one group.
type Config struct {
	// Client reaches the API server; the group's Leases are read and
	// written through it (list, get, create, update and delete on leases
	// in Namespace).
	Client *dynamic.Client
	// Namespace holds the group's Leases.
	Namespace string
	// Group names the set of members that share the hash space (a
	// controller's name). It is a label value on every member's Lease
	// (at most 63 characters: letters, digits, '-', '_', '.').
	Group string
	// Identity names this member; it must differ between members (a pod
	// name). The member's Lease is named Group + "-" + Identity, which must
	// be a DNS subdomain.
	Identity string
	// LeaseDuration is how long other members wait, after they last saw
	// this member's Lease change, before they count it gone and take over
	// its ranges (default 15s; whole seconds).
	LeaseDuration time.Duration
	// RenewDeadline is how long this member keeps its ranges without a
	// successful renewal (default 10s). It must be shorter than
	// LeaseDuration; the difference is the clock-rate drift tolerated.
	RenewDeadline time.Duration
	// RetryPeriod is the time between two rounds of reading the group and
	// renewing (default 2s). It bounds how fast releases are noticed.
	RetryPeriod time.Duration
	// ReleaseOnCancel makes Run, when its ctx ends, stop owning (OnChange
	// with no ranges) and delete this member's Lease, so the others take its
	// ranges at their next round instead of after LeaseDuration.
	ReleaseOnCancel bool
	// OnChange is told every change of the ranges this member owns; see
	// Ranges and the package doc for what it must do before returning.
	OnChange func(Ranges)
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

// leaseName is the name of this member's Lease.
func (c Config) leaseName() string { return c.Group + "-" + c.Identity }

// validate reports every mistake in c (after defaults).
func (c Config) validate() error {
	var errs []error
	if c.Client == nil {
		errs = append(errs, errors.New("no Client"))
	}
	if c.Namespace == "" {
		errs = append(errs, errors.New("no Namespace"))
	}
	if c.Group == "" {
		errs = append(errs, errors.New("no Group"))
	} else if msgs := content.IsLabelValue(c.Group); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("Group %q is not a label value: %v", c.Group, msgs))
	}
	if c.Identity == "" {
		errs = append(errs, errors.New("no Identity"))
	} else if msgs := content.IsDNS1123Subdomain(c.leaseName()); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("lease name %q (Group-Identity) is not a DNS subdomain: %v", c.leaseName(), msgs))
	}
	if c.LeaseDuration < time.Second {
		errs = append(errs, fmt.Errorf("LeaseDuration %v is under one second (a Lease counts whole seconds)", c.LeaseDuration))
	}
	if c.RenewDeadline >= c.LeaseDuration {
		errs = append(errs, fmt.Errorf("RenewDeadline %v must be shorter than LeaseDuration %v", c.RenewDeadline, c.LeaseDuration))
	}
	if c.RetryPeriod <= 0 || c.RetryPeriod >= c.RenewDeadline {
		errs = append(errs, fmt.Errorf("RetryPeriod %v must be positive and shorter than RenewDeadline %v", c.RetryPeriod, c.RenewDeadline))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("shard: invalid Config for group %s/%s as %q: %w", c.Namespace, c.Group, c.Identity, err)
	}
	return nil
}
