package shard

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
)

// Member is one member of one group. Make it with New and call Run.
type Member struct {
	cfg     Config
	h       *dynamic.ResourceHandle
	seconds int32 // LeaseDuration in whole seconds, as written
	log     *slog.Logger
	running atomic.Bool // Run is active

	// Only Run's goroutine touches these.
	view    view
	hold    holding
	last    *unstructured.Unstructured // own Lease as last written; renewals update it without a read
	renewed time.Time                  // start of the last successful write of the own Lease

	mu    sync.Mutex // guards owned
	owned Ranges     // what OnChange last reported
}

// New checks cfg and returns a Member. It does no I/O. logger receives a
// line per failed read or write of the group's Leases (nil discards them).
func New(cfg Config, logger *slog.Logger) (*Member, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Member{
		cfg:     cfg,
		h:       cfg.Client.Resource(Leases).Namespace(cfg.Namespace),
		seconds: int32((cfg.LeaseDuration + time.Second - 1) / time.Second),
		log:     logger.With("group", cfg.Namespace+"/"+cfg.Group, "identity", cfg.Identity),
	}, nil
}

// Owned returns the ranges this member owns now (the last OnChange).
func (m *Member) Owned() Ranges {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append(Ranges(nil), m.owned...)
}

// Run takes part in the group until ctx is done: every RetryPeriod it reads
// the group's Leases, renews its own, releases what it no longer should own
// and takes what it should once it is free (see the package doc). Before it
// returns it reports owning nothing, and with ReleaseOnCancel it deletes its
// Lease so the others take over at once. It returns nil when ctx ended, or
// an error if the release failed. Run must not be called concurrently on
// one Member; a Member whose Run returned may Run again.
func (m *Member) Run(ctx context.Context) error {
	if !m.running.CompareAndSwap(false, true) {
		return fmt.Errorf("shard: Run of group %s/%s as %q is already active", m.cfg.Namespace, m.cfg.Group, m.cfg.Identity)
	}
	defer m.running.Store(false)
	m.view, m.hold, m.last, m.renewed = nil, holding{}, nil, time.Time{}
	for {
		m.round(ctx)
		if !pause.Sleep(ctx, m.nextRound()) {
			break
		}
	}
	m.report(nil)
	m.hold = holding{}
	if !m.cfg.ReleaseOnCancel {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.cfg.RenewDeadline)
	defer cancel()
	return m.release(rctx)
}

// nextRound is the wait before the next round: RetryPeriod with up to 10%
// jitter, but no later than the moment this member must give its ranges up
// if it has not renewed by then.
func (m *Member) nextRound() time.Duration {
	d := m.cfg.RetryPeriod + time.Duration(rand.Int64N(int64(m.cfg.RetryPeriod)/10+1))
	if !m.hold.serving.Empty() {
		d = max(0, min(d, m.deadline().Sub(m.cfg.Now())))
	}
	return d
}

// deadline is when this member must have renewed or give up its ranges.
func (m *Member) deadline() time.Time { return m.renewed.Add(m.cfg.RenewDeadline) }

// bounded is ctx ending at the deadline (or one RenewDeadline from now if
// that has passed or there was no renewal yet), so no request outlives the
// ranges it is meant to keep.
func (m *Member) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	d := m.deadline()
	if now := m.cfg.Now(); m.renewed.IsZero() || !d.After(now) {
		d = now.Add(m.cfg.RenewDeadline)
	}
	return context.WithDeadline(ctx, d)
}

// round is one read of the group, one renewal and the decisions between.
// Every request ends by the deadline; after any failure the deadline is
// checked at once.
func (m *Member) round(ctx context.Context) {
	m.lapse()
	start := m.cfg.Now()
	if !m.step(ctx, func(ctx context.Context) bool { return m.read(ctx, start) }) {
		return
	}
	p := decide(m.view, m.cfg.Identity, m.hold, start)
	m.hold.serving = p.serving
	m.report(p.serving) // releases take effect before they are written
	if !m.step(ctx, func(ctx context.Context) bool { return m.write(ctx, p.claimed, m.cfg.Now()) }) {
		m.hold.claimed = m.hold.claimed.Intersect(p.claimed) // certainly on the server either way
		return
	}
	m.hold.claimed = p.claimed
	if p.claimed.Subtract(m.hold.serving).Empty() {
		return
	}
	// Some claim is not served yet: read again, now that it is written.
	now := m.cfg.Now()
	if !m.step(ctx, func(ctx context.Context) bool { return m.read(ctx, now) }) {
		return
	}
	m.hold.serving = promote(m.view, m.cfg.Identity, m.hold, now)
	m.report(m.hold.serving)
}

// step runs one request of a round within the deadline, and gives the
// ranges up if it failed past it.
func (m *Member) step(ctx context.Context, f func(context.Context) bool) bool {
	rctx, cancel := m.bounded(ctx)
	ok := f(rctx)
	cancel()
	if !ok {
		m.lapse()
	}
	return ok
}

// lapse drops everything once no renewal has succeeded for RenewDeadline,
// before any other member can count this one gone.
func (m *Member) lapse() {
	if m.renewed.IsZero() || m.cfg.Now().Before(m.deadline()) {
		return
	}
	if !m.hold.serving.Empty() {
		m.log.Warn("shard: no renewal succeeded within RenewDeadline; giving up every range", "deadline", m.cfg.RenewDeadline)
	}
	m.hold.serving = nil
	m.report(nil)
}

// report passes rs to OnChange if it differs from what was last reported.
func (m *Member) report(rs Ranges) {
	m.mu.Lock()
	same := m.owned.Equal(rs)
	m.owned = append(Ranges(nil), rs...)
	m.mu.Unlock()
	if !same && m.cfg.OnChange != nil {
		m.cfg.OnChange(append(Ranges(nil), rs...))
	}
}
