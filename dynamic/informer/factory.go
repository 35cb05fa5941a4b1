package informer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
)

// FactoryOptions configures a [Factory] and every informer it makes.
type FactoryOptions struct {
	// Namespace restricts every informer to one namespace ("" : all).
	Namespace string
	// Options are the options of every full-object informer.
	Options Options[*unstructured.Unstructured]
	// MetadataOptions are the options of every metadata informer.
	MetadataOptions Options[*metav1.PartialObjectMetadata]
}

// Factory shares informers: however many consumers ask for a resource,
// there is one informer, so one list and one watch, per resource (and per
// view: full objects and metadata are separate). Informers asked for before
// Start start with it; those asked for later start at once.
type Factory struct {
	c    *dynamic.Client
	opts FactoryOptions

	mu       sync.Mutex // guards full, meta, ctx, stopped
	full     map[schema.GroupVersionResource]*Informer[*unstructured.Unstructured]
	meta     map[schema.GroupVersionResource]*Informer[*metav1.PartialObjectMetadata]
	ctx      context.Context // set by Start; nil before
	cancel   context.CancelFunc
	stopped  bool
	running  sync.WaitGroup // one per running informer
	runnable []runnable     // informers not started yet
}

type runnable interface {
	Run(ctx context.Context) error
}

// NewFactory returns a factory of informers that list and watch through c.
func NewFactory(c *dynamic.Client, opts FactoryOptions) *Factory {
	return &Factory{
		c: c, opts: opts,
		full: map[schema.GroupVersionResource]*Informer[*unstructured.Unstructured]{},
		meta: map[schema.GroupVersionResource]*Informer[*metav1.PartialObjectMetadata]{},
	}
}

// ForResource returns the shared full-object informer of gvr.
func (f *Factory) ForResource(gvr schema.GroupVersionResource) *Informer[*unstructured.Unstructured] {
	return shared(f, f.full, gvr, func(h *dynamic.ResourceHandle) *Informer[*unstructured.Unstructured] { return New(h, f.opts.Options) })
}

// ForMetadata returns the shared metadata informer of gvr.
func (f *Factory) ForMetadata(gvr schema.GroupVersionResource) *Informer[*metav1.PartialObjectMetadata] {
	return shared(f, f.meta, gvr, func(h *dynamic.ResourceHandle) *Informer[*metav1.PartialObjectMetadata] {
		return NewMetadata(h, f.opts.MetadataOptions)
	})
}

// shared returns the informer of gvr in m, making it with mk on first use.
func shared[T Object](f *Factory, m map[schema.GroupVersionResource]*Informer[T], gvr schema.GroupVersionResource, mk func(*dynamic.ResourceHandle) *Informer[T]) *Informer[T] {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i, ok := m[gvr]; ok {
		return i
	}
	i := mk(f.c.Resource(gvr).Namespace(f.opts.Namespace))
	m[gvr] = i
	f.addLocked(i)
	return i
}

// addLocked runs i now if the factory has started, else at Start.
func (f *Factory) addLocked(i runnable) {
	switch {
	case f.stopped:
		// A stopped factory runs nothing: the informer never syncs.
	case f.ctx != nil:
		f.runLocked(i)
	default:
		f.runnable = append(f.runnable, i)
	}
}

func (f *Factory) runLocked(i runnable) {
	f.running.Add(1)
	go func() {
		defer f.running.Done()
		_ = i.Run(f.ctx)
	}()
}

// Start runs every informer asked for so far, and from now on every new
// one, until ctx ends or Shutdown. Calling it again does nothing.
func (f *Factory) Start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ctx != nil || f.stopped {
		return
	}
	f.ctx, f.cancel = context.WithCancel(ctx)
	for _, i := range f.runnable {
		f.runLocked(i)
	}
	f.runnable = nil
}

// Shutdown stops every informer and waits until each has returned and its
// handlers have drained. The factory starts nothing afterwards.
func (f *Factory) Shutdown() {
	f.mu.Lock()
	f.stopped = true
	if f.cancel != nil {
		f.cancel()
	}
	f.mu.Unlock()
	f.running.Wait()
}

// WaitForCacheSync waits until every informer asked for so far has
// synced, or ctx ends; then the error names each resource not synced.
func (f *Factory) WaitForCacheSync(ctx context.Context) error {
	f.mu.Lock()
	waits := map[string]func(context.Context) error{}
	for gvr, i := range f.full {
		waits[gvr.String()] = i.WaitForSync
	}
	for gvr, i := range f.meta {
		waits[gvr.String()+" (metadata)"] = i.WaitForSync
	}
	f.mu.Unlock()
	var missing []string
	for _, name := range slices.Sorted(maps.Keys(waits)) {
		if waits[name](ctx) != nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("wait for informers to sync: %d not synced (%v): %w", len(missing), missing, ctx.Err())
	}
	return nil
}
