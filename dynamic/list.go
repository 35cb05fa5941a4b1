package dynamic

import (
	"context"
	"iter"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// List returns the objects opts selects: in h's namespace, or in all
// namespaces when h has none. Every ListOptions field reaches the server;
// with opts.Limit the result is one page and its Continue token fetches the
// next (see [ResourceHandle.Items] for an iterator over every page).
func (h *ResourceHandle) List(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	c := call{verb: "list", method: http.MethodGet, query: listQuery(opts)}
	resp, err := h.send(ctx, c)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	list, err := decodeList(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		return nil, h.errorf(c, "decode the response: %w", err)
	}
	return list, nil
}

// Items iterates over every object opts selects, fetching pages of
// opts.Limit objects (500 when 0) lazily with the server's continue tokens.
// A failure ends the iteration with the error as the last pair; a continue
// token that expired while the caller was iterating (apierrors.
// IsResourceExpired) is reported as such, with the number of objects already
// seen, and the caller decides whether to start again.
func (h *ResourceHandle) Items(ctx context.Context, opts metav1.ListOptions) iter.Seq2[*unstructured.Unstructured, error] {
	if opts.Limit == 0 {
		opts.Limit = 500
	}
	return func(yield func(*unstructured.Unstructured, error) bool) {
		seen := 0
		for {
			page, err := h.List(ctx, opts)
			if err != nil {
				if apierrors.IsResourceExpired(err) && opts.Continue != "" {
					err = h.errorf(call{verb: "list"}, "the continue token expired after %d objects; list again from the start: %w", seen, err)
				}
				yield(nil, err)
				return
			}
			for i := range page.Items {
				seen++
				if !yield(&page.Items[i], nil) {
					return
				}
			}
			next := page.GetContinue()
			if next == "" {
				return
			}
			opts.Continue = next
			// The server fixes the snapshot by the continue token; a
			// resourceVersion with it is refused.
			opts.ResourceVersion, opts.ResourceVersionMatch = "", ""
		}
	}
}
