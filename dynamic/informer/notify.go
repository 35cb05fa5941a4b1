package informer

import "sync"

// Broadcaster is a [Notifier] fed by hand: whatever learns that a group
// changed calls Notify, and every informer of that group hears it. It
// adapts callback-style event sources, such as the Follower of package
// dynamic/follow, which watches CRDs and APIServices:
//
//	b := informer.NewBroadcaster()
//	unsubscribe := follower.Subscribe(func(c follow.Change) { b.Notify(c.Group) })
//	inf := informer.New(h, informer.Options[*unstructured.Unstructured]{Notifier: b, Discovery: disco})
//
// The zero value is not usable; call NewBroadcaster. It is safe for
// concurrent use, and Notify never blocks.
type Broadcaster struct {
	mu   sync.Mutex // guards subs
	subs map[string]map[*chan struct{}]struct{}
}

// NewBroadcaster returns a Broadcaster with no subscribers.
func NewBroadcaster() *Broadcaster {
	return &Broadcaster{subs: map[string]map[*chan struct{}]struct{}{}}
}

// Subscribe implements [Notifier]: the channel has a buffer of one, so
// signals that come while the subscriber is busy are merged into one.
func (b *Broadcaster) Subscribe(group string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.subs[group] == nil {
		b.subs[group] = map[*chan struct{}]struct{}{}
	}
	b.subs[group][&ch] = struct{}{}
	return ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs[group], &ch)
		if len(b.subs[group]) == 0 {
			delete(b.subs, group)
		}
	}
}

// Notify tells every subscriber of group that it may have changed.
func (b *Broadcaster) Notify(group string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs[group] {
		select {
		case *ch <- struct{}{}:
		default: // a signal is already pending
		}
	}
}
