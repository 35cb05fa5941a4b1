package informer

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic/internal/listwatch"
	"github.com/kubedyn/kubedyn/dynamic/shard"
)

// errReshard ends a run of the engine whose shard changed: the informer
// starts the next with the new selector.
var errReshard = errors.New("informer: the shard changed")

// sharder is the shard state of an informer made with Options.Shard. Its
// zero value is an informer that is not sharded.
type sharder struct {
	// gate orders the engine's deliveries (read side) against SetShard
	// (write side): an object is checked against the shard and stored
	// under one read lock, so none of a range that left survives a
	// SetShard.
	gate    sync.RWMutex
	mu      sync.Mutex // guards init, sel, restart, mode
	init    bool
	sel     *shard.Selector // nil: not sharded
	restart chan struct{}   // a value: the engine's selector is stale
	mode    string          // listwatch.ShardServer or ShardClient, once known
}

// selector returns the informer's current shard (nil: not sharded).
func (i *Informer[T]) selector() *shard.Selector {
	s := &i.shard
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.init {
		s.init, s.sel, s.restart = true, i.opts.Shard, make(chan struct{}, 1)
	}
	return s.sel
}

// SetShard changes the hash ranges of an informer made with Options.Shard
// (same key): objects held outside rs are deleted from the cache, with an
// OnDelete each, before it returns, and the objects of the ranges gained
// are listed and delivered as adds (the engine restarts with the new
// selector, told what the cache holds, so that only the difference is
// delivered). Empty rs hold nothing. It is what a shard.Member's OnChange
// calls.
func (i *Informer[T]) SetShard(rs shard.Ranges) error {
	cur := i.selector()
	if cur == nil {
		return fmt.Errorf("set shard of %s informer: it was not made with Options.Shard", i.what())
	}
	sel, err := shard.NewSelector(cur.Key(), rs)
	if err != nil {
		return fmt.Errorf("set shard of %s informer: %w", i.what(), err)
	}
	s := &i.shard
	s.gate.Lock()
	defer s.gate.Unlock()
	s.mu.Lock()
	same := s.sel.Equal(sel)
	s.sel = &sel
	s.mu.Unlock()
	if same {
		return nil
	}
	i.dropOutside(sel)
	select {
	case s.restart <- struct{}{}:
	default:
	}
	return nil
}

// ShardMode says how the informer's shard is applied: listwatch.ShardServer
// ("server": the server echoed the selector and filters), ShardClient
// ("client": everything is listed and watched, and filtered here), or ""
// (not sharded, or not known yet).
func (i *Informer[T]) ShardMode() string {
	i.shard.mu.Lock()
	defer i.shard.mu.Unlock()
	return i.shard.mode
}

// dropOutside deletes from the cache, telling the handlers, every object
// outside sel.
func (i *Informer[T]) dropOutside(sel shard.Selector) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.store.mu.Lock()
	var gone []T
	for _, obj := range i.store.snapshotLocked() {
		if !sel.Matches(obj) {
			i.store.deleteLocked(KeyOf(obj))
			gone = append(gone, obj)
		}
	}
	i.store.mu.Unlock()
	for _, obj := range gone {
		i.notifyLocked(notification[T]{kind: noteDelete, obj: obj})
	}
}

// shardApply applies one event of the engine, unless it is an object
// outside the current shard (a stale engine's, between a SetShard and its
// restart).
func (i *Informer[T]) shardApply(t watch.EventType, obj T, listed bool) {
	s := &i.shard
	s.gate.RLock()
	defer s.gate.RUnlock()
	if sel := i.selector(); sel != nil && t != watch.Deleted && !sel.Matches(obj) {
		return
	}
	i.apply(t, obj, listed)
}

// runEngine runs the engine with o, sharded when the informer is: with
// the current selector (the store is the engine's record, o.Held), and
// ended with errReshard when the shard changes. A shard that holds nothing is not
// listed at all: the informer is synced with nothing until it changes.
func (i *Informer[T]) runEngine(ctx context.Context, cancel context.CancelCauseFunc, o listwatch.Options[T]) error {
	sel := i.selector()
	if sel == nil {
		return listwatch.Run(ctx, i.src, o, i.deliver)
	}
	s := &i.shard
	select {
	case <-s.restart: // this run starts with the latest selector
		sel = i.selector()
	default:
	}
	go func() {
		select {
		case <-ctx.Done():
		case <-s.restart:
			cancel(errReshard)
		}
	}()
	if sel.Empty() {
		i.deliver(listwatch.Event[T]{Type: watch.Bookmark, Mark: listwatch.MarkSynced})
		<-ctx.Done()
		return ctx.Err()
	}
	o.Shard = *sel
	observe := o.Observe
	o.Observe = func(n listwatch.Note) {
		if n.Kind == listwatch.NoteShard {
			s.mu.Lock()
			s.mode = n.Mode
			s.mu.Unlock()
		}
		if observe != nil {
			observe(n)
		}
	}
	return listwatch.Run(ctx, i.src, o, i.deliver)
}
