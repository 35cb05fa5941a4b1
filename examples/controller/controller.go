package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/informer"
	"github.com/kubedyn/kubedyn/dynamic/workqueue"
	"github.com/kubedyn/kubedyn/examples/controller/internal/desired"
)

// controller reconciles one target: an informer feeds keys to a work queue
// whose workers patch each object towards the desired state.
type controller struct {
	s      *stack
	t      target
	spec   desired.Spec
	log    *slog.Logger
	handle *dynamic.ResourceHandle // the resource, in --namespace if namespaced and given
	inf    *informer.Informer[*unstructured.Unstructured]
	queue  *workqueue.Queue[informer.Key]

	// gone receives (once, buffer 1) the error with which the informer
	// reported the resource gone.
	gone chan error
	// written holds the versions our own writes replaced, so a reconcile
	// from a cache not yet showing our write is skipped.
	written *superseded
	// droppedWarned makes the warning about a status the server drops
	// appear once.
	droppedWarned atomic.Bool
	// annotationsBump and noObservedGeneration are learned from the
	// server's answers to our writes (see desired.Spec).
	annotationsBump, noObservedGeneration atomic.Bool

	cancelInformer, cancelWork context.CancelFunc
	informerDone, workDone     chan struct{}
}

// newController makes the informer and the queue of t; start runs them.
func newController(s *stack, t target) *controller {
	spec, _ := s.opts.spec() // validated at start
	c := &controller{
		s: s, t: t, spec: spec,
		log:     s.log.With("gvr", gvrString(t.gvr)),
		gone:    make(chan error, 1),
		written: newSuperseded(),
	}
	c.handle = s.dyn.Resource(t.gvr)
	if t.namespaced && s.opts.namespace != "" {
		c.handle = c.handle.Namespace(s.opts.namespace)
	}
	c.inf = informer.New(c.handle, informer.Options[*unstructured.Unstructured]{
		LabelSelector: s.opts.selector,
		Shard:         s.shardSelector(), // nil unless --shards
		Project:       c.whatWeRead(),
		ResyncPeriod:  s.opts.resync,
		Discovery:     s.disco,
		Notifier:      s.bcast,
		Logger:        c.log.With("component", "informer"),
	})
	s.attachShard(c.inf)
	c.queue = workqueue.New[informer.Key](workqueue.Options{})
	c.inf.AddHandler(informer.HandlerFuncs[*unstructured.Unstructured]{
		AddFunc:    func(obj *unstructured.Unstructured, _ bool) { c.queue.Add(informer.KeyOf(obj)) },
		UpdateFunc: func(_, obj *unstructured.Unstructured) { c.queue.Add(informer.KeyOf(obj)) },
		DeleteFunc: func(obj *unstructured.Unstructured) { c.queue.Add(informer.KeyOf(obj)) },
		StateFunc:  c.onState,
	})
	return c
}

// whatWeRead is the informer's projection (Options.Project): the
// controller reads only metadata (its name, resourceVersion, generation,
// labels and annotations, which every projection keeps) and, with a status
// subresource, status.conditions, so nothing else is cached. A resource
// without status gets a projection to a metadata field, which is metadata
// alone.
func (c *controller) whatWeRead() []string {
	if c.t.hasStatus {
		return []string{"status.conditions"}
	}
	return []string{"metadata.generation"}
}

// onState logs the first sync and passes StateGone on to runTarget.
func (c *controller) onState(s informer.State, err error) {
	switch s {
	case informer.StateSynced:
		c.log.Info("cache synced; reconciling", "objects", c.inf.Lister().Len(), "status", c.t.hasStatus)
	case informer.StateGone:
		select {
		case c.gone <- err:
		default:
		}
	}
}

// start runs the informer under ctx and the workers under a context of
// their own, which stop ends after the queue has drained.
func (c *controller) start(ctx context.Context) {
	if !c.t.namespaced && c.s.opts.namespace != "" {
		c.log.Warn("--namespace ignored: the resource is cluster-scoped")
	}
	c.log.Info("resource served; starting", "kind", c.t.kind, "namespace", c.handle.NamespaceName(),
		"status", c.t.hasStatus, "workers", c.s.opts.workers)
	ictx, cancel := context.WithCancel(ctx)
	c.cancelInformer, c.informerDone = cancel, make(chan struct{})
	go func() {
		defer close(c.informerDone)
		_ = c.inf.Run(ictx) // returns ictx's error
	}()
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancelWork, c.workDone = cancel, make(chan struct{})
	go func() {
		defer close(c.workDone)
		c.queue.Run(wctx, c.s.opts.workers, c.reconcile)
	}()
}

// stop stops the informer (its handlers have queued every change when it
// returns), then, with drain, lets the workers finish what is queued for
// up to --shutdown-timeout, or without it drops the queue at once; it
// returns when every worker has returned.
func (c *controller) stop(drain bool) {
	c.cancelInformer()
	<-c.informerDone
	if drain {
		ctx, cancel := context.WithTimeout(context.Background(), c.s.opts.shutdownTimeout)
		if err := c.queue.ShutDownWithDrain(ctx); err != nil {
			c.log.Warn("queue not drained in time; dropped the rest", "timeout", c.s.opts.shutdownTimeout, "err", err)
		}
		cancel()
	} else {
		c.queue.ShutDown()
	}
	c.cancelWork()
	<-c.workDone
}

// reconcile brings one object to the desired state, from the informer's
// cache: the label and annotation (one merge patch), then the status
// condition (one merge patch of the status subresource). Each patch is
// only sent when something differs and carries the resourceVersion it was
// computed from, so a conflict (409) means the cache was behind: the error
// requeues the key with backoff and the next attempt reads the newer copy.
func (c *controller) reconcile(ctx context.Context, key informer.Key) error {
	obj, ok := c.inf.Lister().Get(key)
	if !ok || obj.GetDeletionTimestamp() != nil {
		c.written.forget(key)
		return nil // deleted or being deleted: nothing to record
	}
	log := c.log.With("object", key.String())
	spec := c.spec
	spec.AnnotationsBumpGeneration = c.annotationsBump.Load()
	spec.NoObservedGeneration = c.noObservedGeneration.Load()
	if c.written.stale(key, obj.GetResourceVersion()) {
		log.Debug("cache behind our own write; waiting for its event", "resourceVersion", obj.GetResourceVersion())
		return nil
	}
	opts := metav1.PatchOptions{FieldManager: c.s.opts.fieldManager}
	h := c.handle.Namespace(key.Namespace)
	if p, write, err := desired.MetadataPatch(obj, spec); err != nil {
		return c.unfit(log, err)
	} else if write {
		out, err := h.Patch(ctx, key.Name, types.MergePatchType, p, opts)
		if err != nil {
			return c.failed(log, key, "patch metadata", err)
		}
		c.noteWrite(key, obj, out)
		c.learnAnnotationsBump(spec, obj, out)
		obj = out
		log.Debug("metadata patched", "generation", obj.GetGeneration())
	}
	if !c.t.hasStatus {
		return nil
	}
	p, write, err := desired.StatusPatch(obj, spec, time.Now())
	if err != nil {
		return c.unfit(log, err)
	}
	if !write {
		return nil
	}
	out, err := h.Patch(ctx, key.Name, types.MergePatchType, p, opts, "status")
	if err != nil {
		return c.failed(log, key, "patch status", err)
	}
	c.noteWrite(key, obj, out)
	switch {
	case desired.HasCondition(out, spec):
	case !spec.NoObservedGeneration && desired.LacksObservedGeneration(out, spec):
		if !c.noObservedGeneration.Swap(true) {
			log.Info("the resource's conditions have no observedGeneration field; writing them without it")
		}
	case !c.droppedWarned.Swap(true):
		log.Warn("the server dropped the status condition: does the resource's schema allow status.conditions?")
	}
	log.Debug("status patched", "generation", out.GetGeneration())
	return nil
}

// noteWrite records that our write turned before into after, unless the
// server changed nothing (then no event will come to replace before).
func (c *controller) noteWrite(key informer.Key, before, after *unstructured.Unstructured) {
	if rv := before.GetResourceVersion(); rv != after.GetResourceVersion() {
		c.written.replaced(key, rv)
	}
}

// learnAnnotationsBump notices a resource that increments
// metadata.generation when annotations change: our metadata patch, sent
// with before's resourceVersion as a precondition (so nobody else wrote in
// between), changed the annotation and came back with the next generation.
// From then on the annotation records the generation the write produces.
// Should a write that predicted a bump not cause one, the prediction stops.
func (c *controller) learnAnnotationsBump(spec desired.Spec, before, after *unstructured.Unstructured) {
	key := c.spec.GenerationAnnotation
	if before.GetAnnotations()[key] == after.GetAnnotations()[key] {
		return // the annotation was not written
	}
	bumped := after.GetGeneration() == before.GetGeneration()+1
	switch {
	case bumped && !spec.AnnotationsBumpGeneration && !c.annotationsBump.Swap(true):
		c.log.Info("the resource increments metadata.generation when annotations change; recording the generation each write produces",
			"object", informer.KeyOf(after).String())
	case !bumped && spec.AnnotationsBumpGeneration && c.annotationsBump.Swap(false):
		c.log.Info("an annotation write did not increment metadata.generation; recording the generation as it is",
			"object", informer.KeyOf(after).String())
	}
}

// unfit logs an object the controller cannot reconcile as it is (its
// status.conditions is not a list of objects): retrying would not help, so
// it returns nil; the object's next change queues it again.
func (c *controller) unfit(log *slog.Logger, err error) error {
	log.Warn("cannot reconcile the object as it is; waiting for it to change", "err", err)
	return nil
}

// failed sorts a reconcile error: nil (nothing to retry) for an object
// deleted meanwhile, the error (requeue with backoff) otherwise, logged at
// debug level for a conflict, which is routine, and as a warning else.
func (c *controller) failed(log *slog.Logger, key informer.Key, what string, err error) error {
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case apierrors.IsConflict(err):
		log.Debug(what+": conflict; requeued", "err", err)
	default:
		log.Warn(what+" failed; requeued with backoff", "err", err, "requeues", c.queue.NumRequeues(key))
	}
	return err
}
