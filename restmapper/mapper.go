package restmapper

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/kubedyn/kubedyn/rest"
)

// Options tunes a Mapper. The zero value is usable.
type Options struct {
	// MinRefreshInterval is the least time between two full discovery runs
	// caused by misses (default 1s). A miss that comes sooner waits for it,
	// so a kind installed just after a run is still found.
	MinRefreshInterval time.Duration
	// NegativeTTL is how long a lookup that missed even after a refresh
	// fails at once, without I/O (default 5s). Any refresh forgets it.
	NegativeTTL time.Duration
	// RefreshTimeout bounds one discovery run (default 30s). Runs are shared
	// by callers, so they do not stop when one caller's ctx is done.
	RefreshTimeout time.Duration
	// Warn, if set, receives kubectl's warning (possibly from several
	// goroutines at once) when a short name also
	// belongs to lower-priority resources, e.g.
	//   short name "po" could also match lower priority resource podwidgets.example.com
	Warn func(string)
	// Observer, if set, receives a rest.MapperRefreshEvent for each
	// discovery run (full or of one group) the Mapper makes; usually the
	// same observer as the rest.Config's. Runs shared by several callers
	// are reported once.
	Observer rest.Observer
}

func (o Options) withDefaults() Options {
	if o.MinRefreshInterval <= 0 {
		o.MinRefreshInterval = time.Second
	}
	if o.NegativeTTL <= 0 {
		o.NegativeTTL = 5 * time.Second
	}
	if o.RefreshTimeout <= 0 {
		o.RefreshTimeout = 30 * time.Second
	}
	return o
}

// Mapper maps kinds to resources and resource strings to mappings from
// what a Source discovers, refreshing on a miss. It implements
// meta.ResettableRESTMapper. A Mapper is safe for concurrent use; copies
// made by WithContext share its state.
type Mapper struct {
	st  *state
	ctx context.Context // for discovery done by the meta.RESTMapper methods
}

var _ meta.ResettableRESTMapper = (*Mapper)(nil)

// New returns a Mapper over src. It does no I/O: the first lookup runs
// discovery (or call Refresh to do it up front).
func New(src Source, opts Options) *Mapper {
	return &Mapper{st: &state{src: src, opts: opts.withDefaults()}, ctx: context.Background()}
}

// WithContext returns a copy of m whose meta.RESTMapper methods use ctx for
// any discovery a miss causes. The copy shares m's index and refreshes.
func (m *Mapper) WithContext(ctx context.Context) *Mapper {
	c := *m
	c.ctx = ctx
	return &c
}

// Refresh runs discovery now, ignoring MinRefreshInterval, and publishes
// the result. On partial failure it keeps serving the last good data of the
// failed group-versions and returns an error naming them.
func (m *Mapper) Refresh(ctx context.Context) error {
	_, err := m.st.refreshAll(ctx, m.st.snap.Load(), true, "Refresh")
	return err
}

// Reset marks the index stale and forgets negative entries, so the next
// lookup of any kind runs discovery first (at once, ignoring
// MinRefreshInterval), as client-go's mappers do. Reset implements
// meta.ResettableRESTMapper and does no I/O.
func (m *Mapper) Reset() {
	m.st.stale.Store(true)
	m.st.mu.Lock()
	m.st.lastRefresh = time.Time{}
	clear(m.st.neg)
	m.st.mu.Unlock()
}

// Index returns the current index, running discovery first if there is none.
func (m *Mapper) Index(ctx context.Context) (*Index, error) {
	s, _, err := m.st.current(ctx)
	if err != nil {
		return nil, err
	}
	return &Index{s: s}, nil
}

// missName is a miss key without its kind prefix ("s:", "r:", "k:"), for
// an event's reason.
func missName(key string) string {
	if len(key) > 2 && key[1] == ':' {
		return key[2:]
	}
	return key
}

// miss says how to retry a lookup that found nothing: key names it in the
// negative cache and group, when not empty, is the one group to reload.
type miss struct {
	key   string
	group string
	full  bool // reload everything (a bare name, or the core group)
}

// lookup runs f on the current snapshot and, if it finds nothing, once more
// after a refresh: the one retry helper every method uses. f reports found
// = false for "no match" only; other errors are returned as they are.
func lookup[T any](ctx context.Context, st *state, f func(*snapshot) (T, bool, error), how func() miss) (T, error) {
	var zero T
	s, ran, err := st.current(ctx)
	if err != nil {
		return zero, err
	}
	v, found, err := f(s)
	if found {
		return v, err
	}
	ms := how()
	if ran { // s is already a fresh run: a second would say the same
		st.remember(ms.key)
		return v, err
	}
	if st.negative(ms.key) {
		return v, err
	}
	var ns *snapshot
	var rerr error
	if ms.group != "" && !ms.full {
		ns, rerr = st.refreshGroup(ctx, s, ms.group)
	} else {
		ns, rerr = st.refreshAll(ctx, s, false, "no match for "+missName(ms.key))
	}
	if ns == nil {
		st.remember(ms.key) // the server failed: do not ask again at once
		if rerr != nil {
			return v, rerr
		}
		return v, err
	}
	v, found, err = f(ns)
	if !found && err != nil {
		st.remember(ms.key)
	}
	return v, err
}
