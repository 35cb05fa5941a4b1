package leader

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"

	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
)

// Leases is the resource the election is held on.
var Leases = schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}

// ErrLost is wrapped by Run's error when this candidate stopped leading
// while its ctx was still alive: a renewal did not succeed within
// RenewDeadline, or another candidate holds the lease.
var ErrLost = errors.New("leadership lost")

// Elector is one candidate of one election. Make it with New and call Run.
type Elector struct {
	cfg          Config
	h            *dynamic.ResourceHandle
	leaseSeconds int32
	log          *slog.Logger
	running      atomic.Bool // Run is active

	mu       sync.Mutex                 // guards obs, last, reported and leading
	obs      observation                // the lease as last read or written
	last     *unstructured.Unstructured // the lease as this candidate last wrote it; renewals update it without a read
	reported string                     // holder last passed to OnNewLeader
	leading  bool
}

// New checks cfg and returns an Elector. It does no I/O. logger receives a
// line per failed attempt to read or write the lease (nil discards them).
func New(cfg Config, logger *slog.Logger) (*Elector, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Elector{
		cfg:          cfg,
		h:            cfg.Client.Resource(Leases).Namespace(cfg.Namespace),
		leaseSeconds: int32((cfg.LeaseDuration + time.Second - 1) / time.Second),
		log:          logger.With("lease", cfg.Namespace+"/"+cfg.Name, "identity", cfg.Identity),
	}, nil
}

// IsLeader reports whether this candidate currently leads.
func (e *Elector) IsLeader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leading
}

// Leader returns the holder this candidate last observed ("" if none).
func (e *Elector) Leader() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.obs.rec.HolderIdentity
}

// Run takes part in the election until ctx is done or leadership is lost:
// it tries to acquire the lease every RetryPeriod, then leads — calling
// OnStartedLeading — and renews it every RetryPeriod. It returns after
// OnStartedLeading has returned and OnStoppedLeading has been called: nil
// when ctx ended (after releasing the lease if ReleaseOnCancel), an error
// wrapping ErrLost when leadership was lost. A candidate that lost may call
// Run again. Run must not be called concurrently on one Elector.
func (e *Elector) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return fmt.Errorf("leader: Run of lease %s/%s as %q is already active", e.cfg.Namespace, e.cfg.Name, e.cfg.Identity)
	}
	defer e.running.Store(false)
	if !e.acquire(ctx) {
		return nil
	}
	leadCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if f := e.cfg.Callbacks.OnStartedLeading; f != nil {
		wg.Go(func() { f(leadCtx) })
	}
	err := e.renewLoop(ctx)
	cancel()
	wg.Wait()
	e.mu.Lock()
	e.leading = false
	e.mu.Unlock()
	if err == nil && e.cfg.ReleaseOnCancel {
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.RenewDeadline)
		err = e.release(rctx)
		rcancel()
	}
	if f := e.cfg.Callbacks.OnStoppedLeading; f != nil {
		f()
	}
	return err
}

// acquire tries every RetryPeriod (with jitter) until this candidate holds
// the lease (true) or ctx is done (false).
func (e *Elector) acquire(ctx context.Context) bool {
	for {
		ok, err := e.tryAcquireOrRenew(ctx)
		if ok {
			e.mu.Lock()
			e.leading = true
			e.mu.Unlock()
			return true
		}
		if err != nil && ctx.Err() == nil {
			e.log.Warn("leader: could not acquire the lease", "err", err)
		}
		jitter := time.Duration(rand.Int64N(int64(e.cfg.RetryPeriod)/5 + 1))
		if !pause.Sleep(ctx, e.cfg.RetryPeriod+jitter) {
			return false
		}
	}
}

// renewLoop renews every RetryPeriod; within RenewDeadline of the last
// success it keeps retrying. It returns nil when ctx is done, an error
// wrapping ErrLost otherwise.
func (e *Elector) renewLoop(ctx context.Context) error {
	last := e.cfg.Now()
	for {
		if !pause.Sleep(ctx, e.cfg.RetryPeriod) {
			return nil
		}
		start := e.cfg.Now()
		left := last.Add(e.cfg.RenewDeadline).Sub(start)
		if left <= 0 {
			return fmt.Errorf("leader: lease %s/%s as %q: no renewal succeeded within %v: %w", e.cfg.Namespace, e.cfg.Name, e.cfg.Identity, e.cfg.RenewDeadline, ErrLost)
		}
		rctx, cancel := context.WithTimeout(ctx, left)
		ok, err := e.tryAcquireOrRenew(rctx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if ok {
			last = start
			continue
		}
		if h := e.Leader(); h != e.cfg.Identity && h != "" {
			return fmt.Errorf("leader: lease %s/%s: now held by %q: %w", e.cfg.Namespace, e.cfg.Name, h, ErrLost)
		}
		if err != nil {
			e.log.Warn("leader: could not renew the lease", "err", err)
		}
	}
}

// tryAcquireOrRenew makes one attempt and reports whether this candidate
// holds the lease afterwards. A conflict (someone else wrote first) is not
// an error: the next attempt reads again.
func (e *Elector) tryAcquireOrRenew(ctx context.Context) (bool, error) {
	now := e.cfg.Now()
	e.mu.Lock()
	last, obs := e.last, e.obs
	e.mu.Unlock()
	if last != nil && obs.rec.HolderIdentity == e.cfg.Identity {
		// Renewal from the copy we wrote: one request instead of two.
		ok, err := e.write(ctx, last.DeepCopy(), decide(obs, e.cfg.Identity, e.leaseSeconds, now).next, now)
		if ok || !apierrors.IsConflict(err) {
			return ok, err
		}
	}
	lease, err := e.h.Get(ctx, e.cfg.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return e.create(ctx, now)
	}
	if err != nil {
		return false, err
	}
	rec, err := ParseRecord(lease)
	if err != nil {
		return false, err
	}
	d := e.observe(rec, lease.GetResourceVersion(), now)
	if d.act == actWait {
		return false, nil
	}
	ok, err := e.write(ctx, lease, d.next, now)
	if apierrors.IsConflict(err) {
		return false, nil
	}
	return ok, err
}

// observe records a read of the lease and decides what to do about it.
func (e *Elector) observe(rec Record, rv string, now time.Time) decision {
	e.mu.Lock()
	e.obs = observe(e.obs, rec, rv, now)
	if rec.HolderIdentity != e.cfg.Identity {
		e.last = nil
	}
	d := decide(e.obs, e.cfg.Identity, e.leaseSeconds, now)
	e.mu.Unlock()
	e.report(rec.HolderIdentity)
	return d
}

// create creates the lease with this candidate as holder.
func (e *Elector) create(ctx context.Context, now time.Time) (bool, error) {
	lease := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
		"metadata": map[string]any{"name": e.cfg.Name, "namespace": e.cfg.Namespace},
	}}
	decide(observation{}, e.cfg.Identity, e.leaseSeconds, now).next.apply(lease)
	created, err := e.h.Create(ctx, lease, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) || apierrors.IsConflict(err) {
		return false, nil // another candidate was first; read it next time
	}
	if err != nil {
		return false, err
	}
	return e.wrote(created, now)
}

// write stores rec in lease and updates it with its resourceVersion as a
// precondition.
func (e *Elector) write(ctx context.Context, lease *unstructured.Unstructured, rec Record, now time.Time) (bool, error) {
	rec.apply(lease)
	updated, err := e.h.Update(ctx, lease, metav1.UpdateOptions{})
	if err != nil {
		return false, err
	}
	return e.wrote(updated, now)
}

// wrote records the lease as the server returned it after our write.
func (e *Elector) wrote(lease *unstructured.Unstructured, now time.Time) (bool, error) {
	rec, err := ParseRecord(lease)
	if err != nil {
		return false, err
	}
	e.mu.Lock()
	e.obs = observe(e.obs, rec, lease.GetResourceVersion(), now)
	e.last = lease
	e.mu.Unlock()
	e.report(rec.HolderIdentity)
	return rec.HolderIdentity == e.cfg.Identity, nil
}

// report calls OnNewLeader when the observed holder changed.
func (e *Elector) report(holder string) {
	e.mu.Lock()
	changed := holder != "" && holder != e.reported
	if changed {
		e.reported = holder
	}
	e.mu.Unlock()
	if f := e.cfg.Callbacks.OnNewLeader; changed && f != nil {
		f(holder)
	}
}

// release gives the lease up if this candidate still holds it, so others
// take it at their next attempt.
func (e *Elector) release(ctx context.Context) error {
	lease, err := e.h.Get(ctx, e.cfg.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("leader: releasing lease %s/%s as %q: %w", e.cfg.Namespace, e.cfg.Name, e.cfg.Identity, err)
	}
	rec, err := ParseRecord(lease)
	if err != nil {
		return fmt.Errorf("leader: releasing: %w", err)
	}
	if rec.HolderIdentity != e.cfg.Identity {
		return nil
	}
	now := e.cfg.Now()
	released(rec, now).apply(lease)
	updated, err := e.h.Update(ctx, lease, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("leader: releasing lease %s/%s as %q: %w", e.cfg.Namespace, e.cfg.Name, e.cfg.Identity, err)
	}
	if rec, err := ParseRecord(updated); err == nil {
		e.mu.Lock()
		e.obs = observe(e.obs, rec, updated.GetResourceVersion(), now)
		e.last = nil
		e.mu.Unlock()
	}
	return nil
}
