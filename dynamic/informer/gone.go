package informer

import (
	"context"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
)

// gone empties the cache, with an OnDelete per object, and moves to
// StateGone: the server no longer serves the resource.
func (i *Informer[T]) gone(err error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.store.mu.Lock()
	objs := i.store.snapshotLocked()
	for _, obj := range objs {
		i.store.deleteLocked(KeyOf(obj))
	}
	i.store.mu.Unlock()
	for _, obj := range objs {
		i.notifyLocked(notification[T]{kind: noteDelete, obj: obj})
	}
	i.setStateLocked(StateGone, err)
}

// waitServed polls until the resource is served again or ctx ends: at
// once after each Notifier signal, else after about 1s, 2s, 4s … (the
// shared jittered backoff of package pause) up to
// Options.GonePoll. It then moves to StateStarting.
func (i *Informer[T]) waitServed(ctx context.Context, changed <-chan struct{}) {
	b := pause.Backoff{First: min(time.Second, i.opts.GonePoll), Max: i.opts.GonePoll}
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-time.After(b.Next()):
		}
		if ok, _ := i.served(ctx); ok {
			i.mu.Lock()
			i.setStateLocked(StateStarting, nil)
			i.mu.Unlock()
			return
		}
	}
}

// served asks discovery (or, without Options.Discovery, the resource
// itself) whether the resource is served. An error other than a 404 says
// nothing either way.
func (i *Informer[T]) served(ctx context.Context) (bool, error) {
	gvr := i.h.GroupVersionResource()
	if i.opts.Discovery == nil {
		o := metav1.ListOptions{LabelSelector: i.opts.LabelSelector, FieldSelector: i.opts.FieldSelector, Limit: 1}
		_, _, _, err := i.src.List(ctx, o)
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	}
	list, err := i.opts.Discovery.ServerResourcesForGroupVersion(ctx, gvr.GroupVersion().String())
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return list != nil && slices.ContainsFunc(list.APIResources, func(r metav1.APIResource) bool { return r.Name == gvr.Resource }), nil
}
