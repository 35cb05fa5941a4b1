package follow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/workqueue"
	"github.com/kubedyn/kubedyn/restmapper"
)

// The resources a Follower watches.
var (
	CustomResourceDefinitions = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	APIServices               = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
)

// Mapper is what a Follower needs of a REST mapper: reload one group, and
// the current index to check that discovery shows the change.
// *restmapper.Mapper implements it.
type Mapper interface {
	RefreshGroup(ctx context.Context, group string) error
	Index(ctx context.Context) (*restmapper.Index, error)
	Reset()
}

var _ Mapper = (*restmapper.Mapper)(nil)

// Options configures a Follower.
type Options struct {
	// Client watches CustomResourceDefinitions and APIServices
	// cluster-wide (list and watch on both). Required.
	Client *dynamic.Client
	// Cache is told which groups changed (Invalidate(group)); usually the
	// *discovery.Cached the Mapper reads. Optional.
	Cache restmapper.Invalidator
	// Mapper is refreshed group by group; usually a *restmapper.Mapper.
	// Optional, but without it a change cannot be confirmed: subscribers
	// are told as soon as Cache was invalidated.
	Mapper Mapper
	// Logger receives the one message saying the Follower falls back to
	// refresh on miss (and the one saying it follows again). nil means
	// slog.Default().
	Logger *slog.Logger
	// ConfirmTimeout bounds how long a group is refreshed until discovery
	// shows a change (default 30s); past it subscribers get the Change with
	// Err set.
	ConfirmTimeout time.Duration
	// InitialEventsTimeout bounds the wait for the initial-events-end
	// bookmark of each watch's streaming list (default 60s); past it the
	// resource is listed by pages.
	InitialEventsTimeout time.Duration
	// RetryInterval caps the jittered backoff between attempts to watch
	// (default 1m): a watch that the server refused (403, 404) is retried
	// that often once the backoff has grown. Retries are silent.
	RetryInterval time.Duration
}

// Change tells subscribers that discovery of a group changed and, with a
// Mapper, that the Mapper now shows it.
type Change struct {
	// Group is the API group that changed.
	Group string
	// Reason says what happened.
	Reason Reason
	// Object names the object whose event caused it,
	// "customresourcedefinitions/widgets.example.com" or
	// "apiservices/v1.example.com".
	Object string
	// Resources are, for a CRD, the resources it serves after the change
	// (none after a deletion).
	Resources []schema.GroupVersionResource
	// Err is set when the Mapper could not be refreshed, or did not show
	// the change within ConfirmTimeout.
	Err error
}

// Follower keeps discovery's cache and a Mapper in step with the server by
// watching CustomResourceDefinitions and APIServices. Make one with New and
// call Run. It is safe for concurrent use.
type Follower struct {
	opts  Options
	log   *slog.Logger
	queue *workqueue.Queue[string]
	ran   atomic.Bool // Run was called

	mu        sync.Mutex               // guards pend, subs, nextSub, following, logged, synced, reasons
	pend      map[string]*pendingGroup // group → changes not yet confirmed
	subs      map[int]func(Change)
	nextSub   int
	following map[string]bool   // resource → its watch is running
	logged    map[string]bool   // "fallback", "recovered": messages already logged
	synced    map[string]bool   // resource → initial state seen or fallen back
	reasons   map[string]string // resource → why its watch was refused
	attempts  int               // watch attempts that failed (for tests)
	syncedCh  chan struct{}     // closed when both resources are synced
}

// pendingGroup is what a group must show and who to tell.
type pendingGroup struct {
	exp     expectation
	changes []Change
	since   time.Time // first unconfirmed change
	gen     int       // bumped by each merge
}

// New checks opts and returns a Follower. It does no I/O.
func New(opts Options) (*Follower, error) {
	if opts.Client == nil {
		return nil, errors.New("follow: Options.Client is required")
	}
	opts.ConfirmTimeout = cmp.Or(max(opts.ConfirmTimeout, 0), 30*time.Second)
	opts.RetryInterval = cmp.Or(max(opts.RetryInterval, 0), time.Minute)
	return &Follower{
		opts:      opts,
		log:       cmp.Or(opts.Logger, slog.Default()),
		queue:     workqueue.New[string](workqueue.Options{BaseDelay: 20 * time.Millisecond, MaxDelay: time.Second, QPS: -1}),
		pend:      map[string]*pendingGroup{},
		subs:      map[int]func(Change){},
		following: map[string]bool{},
		logged:    map[string]bool{},
		synced:    map[string]bool{},
		reasons:   map[string]string{},
		syncedCh:  make(chan struct{}),
	}, nil
}

// Subscribe registers fn to be told of every Change, after the Cache was
// invalidated and the Mapper shows it. Calls are made one at a time from
// the Follower's worker, so fn must return quickly. The returned function
// unsubscribes.
func (f *Follower) Subscribe(fn func(Change)) (unsubscribe func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextSub
	f.nextSub++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

// Synced returns a channel closed once both watches have delivered the
// server's current state, or fallen back.
func (f *Follower) Synced() <-chan struct{} { return f.syncedCh }

// Following reports whether the watches of CustomResourceDefinitions and
// of APIServices are running (false while fallen back).
func (f *Follower) Following() (crds, apiServices bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.following[CustomResourceDefinitions.Resource], f.following[APIServices.Resource]
}

// Run follows the server until ctx is done, then returns nil. A Follower
// runs once: a second call returns an error at once.
func (f *Follower) Run(ctx context.Context) error {
	if !f.ran.CompareAndSwap(false, true) {
		return errors.New("follow: Run was already called on this Follower")
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		f.queue.Run(ctx, 1, f.process)
	})
	f.start(ctx, &wg)
	<-ctx.Done()
	f.queue.ShutDown()
	wg.Wait()
	return nil
}

// enqueue records a change of group and schedules its refresh.
func (f *Follower) enqueue(c Change, exp expectation) {
	f.mu.Lock()
	p := f.pend[c.Group]
	if p == nil {
		p = &pendingGroup{since: time.Now()}
		f.pend[c.Group] = p
	}
	p.exp.merge(exp)
	p.changes = append(p.changes, c)
	p.gen++
	f.mu.Unlock()
	f.queue.Forget(c.Group)
	f.queue.Add(c.Group)
}

// process invalidates one group and refreshes the Mapper until it shows
// the pending changes; an error asks the queue to try again with backoff.
func (f *Follower) process(ctx context.Context, group string) error {
	f.mu.Lock()
	p := f.pend[group]
	if p == nil {
		f.mu.Unlock()
		return nil
	}
	exp, gen, since, n := p.exp.clone(), p.gen, p.since, len(p.changes)
	f.mu.Unlock()

	if f.opts.Cache != nil {
		f.opts.Cache.Invalidate(group)
	}
	err := f.confirm(ctx, group, exp)
	if ctx.Err() != nil {
		return nil // shutting down: nobody is told of an unfinished refresh
	}
	if err != nil && time.Since(since) < f.opts.ConfirmTimeout && !exp.empty() {
		return err // retried with backoff
	}
	if err != nil {
		err = fmt.Errorf("follow: discovery of group %q did not show the change within %v: %w", group, f.opts.ConfirmTimeout, err)
	}
	f.mu.Lock()
	changes := p.changes[:n:n]
	if f.pend[group] == p && p.gen == gen {
		delete(f.pend, group)
	} else {
		// Newer changes came meanwhile: they keep the group queued.
		p.changes = append([]Change(nil), p.changes[n:]...)
		p.since = time.Now()
	}
	subs := make([]func(Change), 0, len(f.subs))
	for _, fn := range f.subs {
		subs = append(subs, fn)
	}
	f.mu.Unlock()
	for _, c := range changes {
		c.Err = err
		for _, fn := range subs {
			fn(c)
		}
	}
	return nil
}

// confirm refreshes group in the Mapper and checks exp against its index.
func (f *Follower) confirm(ctx context.Context, group string, exp expectation) error {
	if f.opts.Mapper == nil {
		return nil
	}
	if err := f.opts.Mapper.RefreshGroup(ctx, group); err != nil {
		return err
	}
	if exp.empty() {
		return nil
	}
	idx, err := f.opts.Mapper.Index(ctx)
	if err != nil {
		return err
	}
	if unmet := exp.unmet(idx); len(unmet) > 0 {
		return fmt.Errorf("%s", joinLimited(unmet, 5))
	}
	return nil
}

// joinLimited joins the first n parts, saying how many more there are.
func joinLimited(parts []string, n int) string {
	if len(parts) <= n {
		return strings.Join(parts, "; ")
	}
	return strings.Join(parts[:n], "; ") + fmt.Sprintf("; and %d more", len(parts)-n)
}
