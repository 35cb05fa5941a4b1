package listwatch

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// Shard restricts a run to part of a resource's objects: a hash range of
// their uid or namespace (dynamic/shard.Selector implements it; the engine
// cannot import that package, which uses the dynamic client).
type Shard interface {
	// ShardSelector is the selector's wire form (ListOptions.ShardSelector);
	// an error (the shard owns nothing) means it is never sent.
	ShardSelector() (string, error)
	// Matches is the same filter on the client.
	Matches(obj metav1.Object) bool
	// EchoedBy reports whether a list's metadata.shardInfo.selector says
	// the server filtered by this selector.
	EchoedBy(echo string) bool
}

// Shard modes, told to Options.Observe as a Note of kind NoteShard (its
// Err nil) once per run, when the mode is known.
const (
	NoteShard NoteKind = "shard"
	// ShardServer: the server echoed the selector; it is sent on every list
	// and watch (and objects are still checked on arrival).
	ShardServer = "server"
	// ShardClient: the server did not echo it (or the Source cannot tell):
	// every object is listed and watched, and filtered here.
	ShardClient = "client"
)

// shardState is what the engine knows of its shard: the selector it sends
// ("" none) and whether the mode was detected.
type shardState struct {
	detected bool
	wire     string
	mode     string
}

// detectShard runs once per run, before the first list: a probe list of one
// item with the selector, whose echo (metadata.shardInfo.selector) says
// whether the server honours it. The mode is read from the response, never
// from the server's version; a streaming list carries no list metadata,
// hence the probe.
func (e *engine[T]) detectShard(ctx context.Context) error {
	if e.opts.Shard == nil || e.shard.detected {
		return nil
	}
	e.shard.mode = ShardClient
	sel, err := e.opts.Shard.ShardSelector()
	if err == nil && e.src.Echo != nil {
		echo, err := e.src.Echo(ctx, metav1.ListOptions{LabelSelector: e.opts.LabelSelector,
			FieldSelector: e.opts.FieldSelector, ShardSelector: sel, Limit: 1})
		if err != nil {
			return fmt.Errorf("%s: probe whether the server filters by shard selector %s: %w", e.opts.What, sel, err)
		}
		if e.opts.Shard.EchoedBy(echo) {
			e.shard.wire, e.shard.mode = sel, ShardServer
		}
	}
	e.shard.detected = true
	if e.opts.Logger != nil {
		e.opts.Logger.Info("sharded list and watch", "resource", e.opts.What, "mode", e.shard.mode, "selector", sel)
	}
	e.note(Note{Kind: NoteShard, Mode: e.shard.mode})
	return nil
}

// shardFilter applies the shard to one arriving object: an object outside
// it is dropped from a list (so that a held one is deleted at the list's
// end) and turned into a DELETED in a watch (so that a held one leaves;
// one not held is not told). The watch's resourceVersion moves on either
// way. drop says the object is not to be recorded at all.
func (e *engine[T]) shardFilter(t watch.EventType, obj T, listing bool) (watch.EventType, bool) {
	if e.opts.Shard == nil || t == watch.Deleted || e.opts.Shard.Matches(metaOf(obj)) {
		return t, false
	}
	if listing {
		return t, true
	}
	e.rv = obj.GetResourceVersion()
	return watch.Deleted, false
}

// metaOf returns obj as the metav1.Object a Shard hashes: itself, or (a
// compact object) its namespace, name and uid.
func metaOf[T Object](obj T) metav1.Object {
	if m, ok := any(obj).(metav1.Object); ok {
		return m
	}
	return &metav1.ObjectMeta{Namespace: obj.GetNamespace(), Name: obj.GetName(), UID: obj.GetUID()}
}
