package informer

import (
	"sync"
	"sync/atomic"
)

// Handler receives an informer's changes, in the order the informer
// applied them to its cache, one call at a time. Objects are shared with
// the informer's other handlers (and, for informers that keep objects as
// they are, with the cache): read-only. A compact informer's objects are
// what its listers return (without managedFields unless kept, projected
// when the informer projects).
type Handler[T Object] interface {
	// OnAdd is called for an object new to the cache; initial is true for
	// the objects of the first sync (and of the replay a handler added
	// later receives).
	OnAdd(obj T, initial bool)
	// OnUpdate is called when an object changed, and with old == obj at
	// each periodic resync.
	OnUpdate(old, obj T)
	// OnDelete is called with the last state of an object that left the
	// cache: deleted on the server, missing from a relist, or dropped
	// because its resource is gone.
	OnDelete(obj T)
}

// StateHandler is implemented by handlers that want the informer's state
// changes ([State]): a handler's OnState is called in order with its
// other calls, so a consumer sees the deletes of a vanished resource, then
// StateGone.
type StateHandler interface {
	OnState(s State, err error)
}

// HandlerFuncs is a [Handler] and [StateHandler] made of optional funcs.
type HandlerFuncs[T Object] struct {
	AddFunc    func(obj T, initial bool)
	UpdateFunc func(old, obj T)
	DeleteFunc func(obj T)
	StateFunc  func(s State, err error)
}

// OnAdd calls AddFunc if set.
func (f HandlerFuncs[T]) OnAdd(obj T, initial bool) {
	if f.AddFunc != nil {
		f.AddFunc(obj, initial)
	}
}

// OnUpdate calls UpdateFunc if set.
func (f HandlerFuncs[T]) OnUpdate(old, obj T) {
	if f.UpdateFunc != nil {
		f.UpdateFunc(old, obj)
	}
}

// OnDelete calls DeleteFunc if set.
func (f HandlerFuncs[T]) OnDelete(obj T) {
	if f.DeleteFunc != nil {
		f.DeleteFunc(obj)
	}
}

// OnState calls StateFunc if set.
func (f HandlerFuncs[T]) OnState(s State, err error) {
	if f.StateFunc != nil {
		f.StateFunc(s, err)
	}
}

type noteKind uint8

const (
	noteAdd noteKind = iota
	noteUpdate
	noteDelete
	noteState
	noteSynced // the handler has been told the whole first sync
)

type notification[T Object] struct {
	kind     noteKind
	initial  bool
	old, obj T
	state    State
	err      error
}

// listener feeds one handler from an unbounded queue on its own goroutine,
// so a slow handler delays only itself.
type listener[T Object] struct {
	h  Handler[T]
	sh StateHandler // h as a StateHandler, or nil

	mu      sync.Mutex // guards queue and closed
	cond    *sync.Cond // signals queue or closed changes; uses mu
	queue   []notification[T]
	closed  bool // no more notifications; the goroutine drains the queue unless dropped
	dropped bool // Remove: the queue is abandoned

	synced atomic.Bool
	done   chan struct{} // closed when the goroutine ends
}

func newListener[T Object](h Handler[T]) *listener[T] {
	l := &listener[T]{h: h, done: make(chan struct{})}
	l.sh, _ = h.(StateHandler)
	l.cond = sync.NewCond(&l.mu)
	return l
}

func (l *listener[T]) push(n notification[T]) {
	l.mu.Lock()
	if !l.closed {
		l.queue = append(l.queue, n)
		l.cond.Signal()
	}
	l.mu.Unlock()
}

// close ends the listener once its queue is drained (drop: at once).
func (l *listener[T]) close(drop bool) {
	l.mu.Lock()
	l.closed = true
	if drop {
		l.dropped, l.queue = true, nil
	}
	l.cond.Signal()
	l.mu.Unlock()
}

func (l *listener[T]) run() {
	defer close(l.done)
	for {
		l.mu.Lock()
		for len(l.queue) == 0 && !l.closed {
			l.cond.Wait()
		}
		if len(l.queue) == 0 || l.dropped {
			l.mu.Unlock()
			return
		}
		n := l.queue[0]
		l.queue[0] = notification[T]{}
		l.queue = l.queue[1:]
		if len(l.queue) == 0 {
			l.queue = nil // let the backing array go
		}
		l.mu.Unlock()
		l.deliver(n)
	}
}

func (l *listener[T]) deliver(n notification[T]) {
	switch n.kind {
	case noteAdd:
		l.h.OnAdd(n.obj, n.initial)
	case noteUpdate:
		l.h.OnUpdate(n.old, n.obj)
	case noteDelete:
		l.h.OnDelete(n.obj)
	case noteState:
		if l.sh != nil {
			l.sh.OnState(n.state, n.err)
		}
	case noteSynced:
		l.synced.Store(true)
	}
}

// Registration is one handler added to an informer.
type Registration struct {
	synced func() bool
	remove func()
}

// HasSynced reports whether the handler has been called for every object
// of the informer's first sync (or of its replay, for a handler added
// later).
func (r *Registration) HasSynced() bool { return r.synced() }

// Remove stops calls to the handler; notifications still queued for it are
// dropped. It does not wait for a call in progress.
func (r *Registration) Remove() { r.remove() }
