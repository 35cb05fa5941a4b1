package listwatch

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/unstructured/compact"
)

type (
	listFunc[L any]  func(context.Context, metav1.ListOptions) (L, error)
	watchFunc        func(context.Context, metav1.ListOptions) (watch.Interface, error)
	pageOf[L, T any] func(L) (items []T, rv, cont string)
)

// UnstructuredSource is the Source of a handle's full objects (its List
// and Watch methods). Each item is its own small allocation, so that a
// kept item does not keep the whole page's array alive.
func UnstructuredSource(list listFunc[*unstructured.UnstructuredList], w watchFunc) Source[*unstructured.Unstructured] {
	return source(list, w, func(l *unstructured.UnstructuredList) ([]*unstructured.Unstructured, string, string) {
		items := make([]*unstructured.Unstructured, len(l.Items))
		for n := range l.Items {
			items[n] = &unstructured.Unstructured{Object: l.Items[n].Object}
		}
		return items, l.GetResourceVersion(), l.GetContinue()
	}, func(l *unstructured.UnstructuredList) string {
		echo, _, _ := unstructured.NestedString(l.Object, "metadata", "shardInfo", "selector")
		return echo
	})
}

// MetadataSource is the Source of a handle's metadata view (its
// ListMetadata and WatchMetadata methods).
func MetadataSource(list listFunc[*metav1.PartialObjectMetadataList], w watchFunc) Source[*metav1.PartialObjectMetadata] {
	return source(list, w, func(l *metav1.PartialObjectMetadataList) ([]*metav1.PartialObjectMetadata, string, string) {
		items := make([]*metav1.PartialObjectMetadata, len(l.Items))
		for n := range l.Items {
			m := l.Items[n]
			items[n] = &m
		}
		return items, l.ResourceVersion, l.Continue
	}, func(l *metav1.PartialObjectMetadataList) string {
		if l.ShardInfo == nil {
			return ""
		}
		return l.ShardInfo.Selector
	})
}

// source makes a Source of a list and a watch; echo reads a list's
// metadata.shardInfo.selector.
func source[L any, T Object](list listFunc[L], w watchFunc, page pageOf[L, T], echo func(L) string) Source[T] {
	return Source[T]{Watch: w, List: func(ctx context.Context, opts metav1.ListOptions) ([]T, string, string, error) {
		l, err := list(ctx, opts)
		if err != nil {
			return nil, "", "", err
		}
		items, rv, cont := page(l)
		return items, rv, cont, nil
	}, Echo: func(ctx context.Context, opts metav1.ListOptions) (string, error) {
		l, err := list(ctx, opts)
		if err != nil {
			return "", err
		}
		return echo(l), nil
	}}
}

// CompactSource is the Source of full objects in compact form, keeping
// what plan says and sharing t's strings: watch decodes them straight from
// the wire (dynamic's WatchCompact); the pages of full's List (a server
// that refuses streaming lists) are built from their trees. full's Echo is
// kept.
func CompactSource(full Source[*unstructured.Unstructured], watch watchFunc, t *compact.Table, plan *compact.Plan) Source[*compact.Object] {
	return Source[*compact.Object]{Watch: watch, Echo: full.Echo, List: func(ctx context.Context, opts metav1.ListOptions) ([]*compact.Object, string, string, error) {
		items, rv, cont, err := full.List(ctx, opts)
		if err != nil {
			return nil, "", "", err
		}
		b := compact.NewBuilder(t, plan) // a Builder is for one goroutine
		out := make([]*compact.Object, len(items))
		for n, u := range items {
			if out[n], err = b.FromUnstructured(u); err != nil {
				return nil, "", "", fmt.Errorf("listed %s/%s: %w", u.GetNamespace(), u.GetName(), err)
			}
		}
		return out, rv, cont, nil
	}}
}
