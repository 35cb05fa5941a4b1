package listwatch

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// UnstructuredSource is the Source of a handle's full objects (its List
// and Watch methods).
func UnstructuredSource(
	list func(context.Context, metav1.ListOptions) (*unstructured.UnstructuredList, error),
	watchFn func(context.Context, metav1.ListOptions) (watch.Interface, error),
) Source[*unstructured.Unstructured] {
	return Source[*unstructured.Unstructured]{
		List: func(ctx context.Context, opts metav1.ListOptions) ([]*unstructured.Unstructured, string, string, error) {
			l, err := list(ctx, opts)
			if err != nil {
				return nil, "", "", err
			}
			// One small allocation per item, so that a kept item does not
			// keep the whole page's array alive.
			items := make([]*unstructured.Unstructured, len(l.Items))
			for n := range l.Items {
				items[n] = &unstructured.Unstructured{Object: l.Items[n].Object}
			}
			return items, l.GetResourceVersion(), l.GetContinue(), nil
		},
		Watch: watchFn,
	}
}

// MetadataSource is the Source of a handle's metadata view (its
// ListMetadata and WatchMetadata methods).
func MetadataSource(
	list func(context.Context, metav1.ListOptions) (*metav1.PartialObjectMetadataList, error),
	watchFn func(context.Context, metav1.ListOptions) (watch.Interface, error),
) Source[*metav1.PartialObjectMetadata] {
	return Source[*metav1.PartialObjectMetadata]{
		List: func(ctx context.Context, opts metav1.ListOptions) ([]*metav1.PartialObjectMetadata, string, string, error) {
			l, err := list(ctx, opts)
			if err != nil {
				return nil, "", "", err
			}
			items := make([]*metav1.PartialObjectMetadata, len(l.Items))
			for n := range l.Items {
				m := l.Items[n]
				items[n] = &m
			}
			return items, l.ResourceVersion, l.Continue, nil
		},
		Watch: watchFn,
	}
}
