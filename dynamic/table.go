package dynamic

import (
	"context"
	"encoding/json"
	"net/http"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Accept headers of the server-side views. Each ends with plain JSON, which
// a server (or an aggregated API) that cannot render the view answers with.
const (
	acceptTable        = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
	acceptMetadata     = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json"
	acceptMetadataList = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
)

// GetTable returns the named object as the server's Table: the columns
// kubectl get prints, computed by the server (custom resources' additional
// printer columns included). tableOpts.IncludeObject says what each row's
// Object carries: "None", "Metadata" (the server's default) or "Object".
func (h *ResourceHandle) GetTable(ctx context.Context, name string, opts metav1.GetOptions, tableOpts metav1.TableOptions) (*metav1.Table, error) {
	q := getQuery(opts)
	addIncludeObject(q, tableOpts)
	c := call{verb: "get table", method: http.MethodGet, name: name, needName: true, query: q, accept: acceptTable}
	return doView[metav1.Table](ctx, h, c, "Table")
}

// ListTable returns the objects opts selects as the server's Table.
func (h *ResourceHandle) ListTable(ctx context.Context, opts metav1.ListOptions, tableOpts metav1.TableOptions) (*metav1.Table, error) {
	q := listQuery(opts)
	addIncludeObject(q, tableOpts)
	c := call{verb: "list table", method: http.MethodGet, query: q, accept: acceptTable}
	return doView[metav1.Table](ctx, h, c, "Table")
}

func addIncludeObject(q map[string][]string, o metav1.TableOptions) {
	if o.IncludeObject != "" {
		q["includeObject"] = []string{string(o.IncludeObject)}
	}
}

// GetMetadata returns only the named object's metadata (apiVersion, kind
// and metadata: no spec, no status), a fraction of the bytes of Get.
func (h *ResourceHandle) GetMetadata(ctx context.Context, name string, opts metav1.GetOptions) (*metav1.PartialObjectMetadata, error) {
	c := call{verb: "get metadata", method: http.MethodGet, name: name, needName: true, query: getQuery(opts), accept: acceptMetadata}
	return doView[metav1.PartialObjectMetadata](ctx, h, c, "PartialObjectMetadata")
}

// ListMetadata returns only the metadata of the objects opts selects.
func (h *ResourceHandle) ListMetadata(ctx context.Context, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	c := call{verb: "list metadata", method: http.MethodGet, query: listQuery(opts), accept: acceptMetadataList}
	return doView[metav1.PartialObjectMetadataList](ctx, h, c, "PartialObjectMetadataList")
}

// doView sends c and decodes a meta.k8s.io view of kind want. A server that
// answered with something else (it could not render the view) is an error
// naming what came back.
func doView[T any](ctx context.Context, h *ResourceHandle, c call, want string) (*T, error) {
	resp, err := h.send(ctx, c)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return nil, h.errorf(c, "decode the response: %w", err)
	}
	var tm metav1.TypeMeta
	if err := json.Unmarshal(raw, &tm); err != nil {
		return nil, h.errorf(c, "decode the response: %w", err)
	}
	if tm.Kind != want || tm.APIVersion != "meta.k8s.io/v1" {
		return nil, h.errorf(c, "the server answered with %s %s, not meta.k8s.io/v1 %s (it cannot render this view)", tm.APIVersion, tm.Kind, want)
	}
	out := new(T)
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, h.errorf(c, "decode the %s: %w", want, err)
	}
	return out, nil
}
