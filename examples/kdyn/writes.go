package main

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic"
)

// writer makes every write kdyn sends to the server. Commands never call a
// handle's writing methods themselves: they go through the session's
// writer, which tests replace with one that records the calls, to prove
// that no invalid argument reaches a write.
type writer interface {
	Create(ctx context.Context, h *dynamic.ResourceHandle, obj *unstructured.Unstructured, opts metav1.CreateOptions) (*unstructured.Unstructured, error)
	Patch(ctx context.Context, h *dynamic.ResourceHandle, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*unstructured.Unstructured, error)
	Apply(ctx context.Context, h *dynamic.ResourceHandle, name string, obj *unstructured.Unstructured, opts metav1.ApplyOptions) (*unstructured.Unstructured, error)
	Delete(ctx context.Context, h *dynamic.ResourceHandle, name string, opts metav1.DeleteOptions) error
}

// handleWriter is the writer that sends: each method is the handle's own.
type handleWriter struct{}

var _ writer = handleWriter{}

func (handleWriter) Create(ctx context.Context, h *dynamic.ResourceHandle, obj *unstructured.Unstructured, opts metav1.CreateOptions) (*unstructured.Unstructured, error) {
	return h.Create(ctx, obj, opts)
}

func (handleWriter) Patch(ctx context.Context, h *dynamic.ResourceHandle, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*unstructured.Unstructured, error) {
	return h.Patch(ctx, name, pt, data, opts, subresources...)
}

func (handleWriter) Apply(ctx context.Context, h *dynamic.ResourceHandle, name string, obj *unstructured.Unstructured, opts metav1.ApplyOptions) (*unstructured.Unstructured, error) {
	return h.Apply(ctx, name, obj, opts)
}

func (handleWriter) Delete(ctx context.Context, h *dynamic.ResourceHandle, name string, opts metav1.DeleteOptions) error {
	return h.Delete(ctx, name, opts)
}
