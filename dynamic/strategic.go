package dynamic

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic/internal/pause"
	"github.com/kubedyn/kubedyn/patch"
	kdu "github.com/kubedyn/kubedyn/unstructured"
)

// SchemaSource serves OpenAPI v3 documents by group-version path
// ("api/v1", "apis/example.com/v1"). *discovery.Client and
// *discovery.Cached implement it (the latter caches by the server's hash).
type SchemaSource interface {
	OpenAPIV3Schema(ctx context.Context, groupVersionPath string) ([]byte, error)
}

// maxConflictRetries bounds how often a locally computed strategic merge is
// recomputed after another writer changed the object first; between tries
// it waits the shared jittered backoff (package pause) from
// conflictBackoff, doubling up to ten times it.
const (
	maxConflictRetries = 10
	conflictBackoff    = 10 * time.Millisecond
)

// schemaCache keeps parsed OpenAPI documents, keyed by group-version path
// and a hash of the document, so a changed document is parsed again.
type schemaCache struct {
	mu     sync.Mutex // guards byPath
	byPath map[string]parsedSchema
	local  sync.Map // schema.GroupVersionResource → true: the server answered 415 to strategic merge
}

type parsedSchema struct {
	sum    uint64
	schema *patch.Schema
}

func (sc *schemaCache) get(path string, doc []byte) (*patch.Schema, error) {
	h := fnv.New64a()
	h.Write(doc)
	sum := h.Sum64()
	sc.mu.Lock()
	p, ok := sc.byPath[path]
	sc.mu.Unlock()
	if ok && p.sum == sum {
		return p.schema, nil
	}
	s, err := patch.NewSchema(doc) // outside the lock: parsing is slow
	if err != nil {
		return nil, err
	}
	sc.mu.Lock()
	if sc.byPath == nil {
		sc.byPath = map[string]parsedSchema{}
	}
	sc.byPath[path] = parsedSchema{sum: sum, schema: s}
	sc.mu.Unlock()
	return s, nil
}

// patchStrategicLocally does what the server would do with a strategic
// merge patch it cannot apply itself (custom resources answer 415): read
// the object, apply the patch with package patch under the kind's OpenAPI
// schema, and write the result back conditioned on the resourceVersion it
// read. When another writer got there first (409), it starts again, at most
// maxConflictRetries times, so no concurrent write is ever overwritten.
func (h *ResourceHandle) patchStrategicLocally(ctx context.Context, c call, opts metav1.PatchOptions) (*unstructured.Unstructured, error) {
	if h.c.schemas == nil {
		return nil, h.errorf(c, "the server cannot apply a strategic merge patch to this resource, and the dynamic Client has no Options.Schemas to apply it locally")
	}
	p, err := patch.Parse(types.StrategicMergePatchType, c.body)
	if err != nil {
		return nil, h.errorf(c, "%w", err)
	}
	var pin struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(c.body, &pin)             // Parse has checked it is a JSON object
	pinned := pin.Metadata.ResourceVersion != "" // the caller's own precondition: never retried
	var lastErr error
	b := pause.Backoff{First: conflictBackoff, Max: 10 * conflictBackoff}
	for try := range maxConflictRetries {
		if try > 0 && !b.Sleep(ctx) {
			return nil, h.errorf(c, "%w (after %v)", ctx.Err(), lastErr)
		}
		live, err := h.Get(ctx, c.name, metav1.GetOptions{}, c.subresource...)
		if err != nil {
			return nil, err
		}
		t, err := h.schemaType(ctx, live.GroupVersionKind())
		if err != nil {
			return nil, h.errorf(c, "%w", err)
		}
		doc, err := encode(live)
		if err != nil {
			return nil, h.errorf(c, "encode the live object: %w", err)
		}
		merged, err := patch.Apply(doc, p, t)
		if err != nil {
			return nil, h.errorf(c, "apply locally: %w", err)
		}
		obj, _, err := kdu.DecodeObjectBytes(merged)
		if err != nil {
			return nil, h.errorf(c, "decode the merged object: %w", err)
		}
		if !pinned {
			obj.SetResourceVersion(live.GetResourceVersion())
		}
		out, err := h.Update(ctx, obj, metav1.UpdateOptions{DryRun: opts.DryRun, FieldManager: opts.FieldManager,
			FieldValidation: opts.FieldValidation}, c.subresource...)
		if err == nil || !apierrors.IsConflict(err) || pinned {
			return out, err
		}
		lastErr = err
	}
	return nil, h.errorf(c, "gave up after %d conflicting writes by others: %w", maxConflictRetries, lastErr)
}

// schemaType returns the patch metadata of kind gvk from the server's
// OpenAPI v3 document of h's group-version.
func (h *ResourceHandle) schemaType(ctx context.Context, gvk schema.GroupVersionKind) (*patch.Type, error) {
	path := "apis/" + h.gvr.Group + "/" + h.gvr.Version
	if h.gvr.Group == "" {
		path = "api/" + h.gvr.Version
	}
	doc, err := h.c.schemas.OpenAPIV3Schema(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("OpenAPI v3 schema of %s: %w", path, err)
	}
	s, err := h.c.schemaCache.get(path, doc)
	if err != nil {
		return nil, fmt.Errorf("OpenAPI v3 schema of %s: %w", path, err)
	}
	return s.Type(gvk)
}
