package memserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// patch answers PATCH on an object or its status or scale.
func (c *call) patch() error {
	pt := types.PatchType(c.mediaType())
	if err := c.checkPatchType(pt); err != nil {
		return err
	}
	if err := c.checkWriteOptions("patch", pt); err != nil {
		return err
	}
	body, err := c.readBody()
	if err != nil {
		return err
	}
	if pt == types.ApplyYAMLPatchType {
		return c.apply(body)
	}
	if err := checkPatchBody(pt, body); err != nil {
		return err
	}
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	oldRaw := st.getLocked(c.gr(), c.key())
	if oldRaw == nil {
		return c.notFound()
	}
	old := mustDecode(oldRaw)
	cur := oldRaw
	if c.sub == "scale" {
		cur = mustEncode(scaleOf(c.res, old))
	} else {
		cur = c.present(oldRaw)
	}
	patched, err := c.applyPatch(pt, cur, body)
	if err != nil {
		return err
	}
	c.patched = patched
	nu, err := c.decodeJSONish(patched, false)
	if err != nil {
		return err
	}
	if c.sub == "scale" {
		return c.writeScaleLocked(old, nu)
	}
	if err := c.checkPatchedIdentity(old, nu); err != nil {
		return err
	}
	out, code, err := c.updateLocked(old, nu, c.fieldManagerName(), nil)
	if err != nil {
		return err
	}
	return c.respondRaw(code, out)
}

// checkPatchType refuses the patch types the resource does not take:
// custom resources take no strategic merge patch.
func (c *call) checkPatchType(pt types.PatchType) error {
	switch pt {
	case types.JSONPatchType, types.MergePatchType, types.ApplyYAMLPatchType:
		return nil
	case types.StrategicMergePatchType:
		if c.res.crd == nil {
			return nil
		}
	}
	if c.res.crd != nil {
		return errUnsupportedMedia(string(pt), []string{string(types.JSONPatchType), string(types.MergePatchType), string(types.ApplyYAMLPatchType)})
	}
	return errRouteUnsupportedMedia()
}

// applyPatch computes the patched document.
func (c *call) applyPatch(pt types.PatchType, cur, patch []byte) ([]byte, error) {
	switch pt {
	case types.JSONPatchType:
		p, err := jsonpatch.DecodePatch(patch)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		out, err := p.Apply(cur)
		if err != nil {
			return nil, apierrors.NewGenericServerResponse(http.StatusUnprocessableEntity, "", schema.GroupResource{}, "", err.Error(), 0, false)
		}
		return out, nil
	case types.MergePatchType:
		out, err := jsonpatch.MergePatch(cur, patch)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return out, nil
	}
	return c.strategicPatch(cur, patch)
}

// strategicPatch applies a strategic merge patch with the patch metadata
// of the recorded OpenAPI schema.
func (c *call) strategicPatch(cur, patch []byte) ([]byte, error) {
	var pm map[string]any
	if err := json.Unmarshal(patch, &pm); err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	s, models := c.s.kindSchema(c.res)
	if s == nil {
		return nil, apierrors.NewInternalError(fmt.Errorf("no schema recorded for %s", c.res.gvk()))
	}
	meta := strategicpatch.PatchMetaFromOpenAPIV3{Schema: s, SchemaList: models}
	out, err := strategicpatch.StrategicMergePatchUsingLookupPatchMeta(cur, patch, meta)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	return out, nil
}

// checkPatchedIdentity refuses a patch that renames or moves the object.
func (c *call) checkPatchedIdentity(old, nu object) error {
	if n := metaString(nu, "name"); n != c.name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, c.name))
	}
	if c.res.namespaced && metaString(nu, "namespace") != c.ns {
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

var _ = http.StatusOK

// jsonPatchOp is one JSON patch operation, as the server's handler first
// decodes them.
type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from"`
	Value any    `json:"value"`
}

// checkPatchBody refuses a patch body the handler cannot decode, with its
// messages (which name its own Go types).
func checkPatchBody(pt types.PatchType, body []byte) error {
	if !json.Valid(body) {
		return apierrors.NewBadRequest("invalid JSON patch")
	}
	var err error
	prefix := "error decoding patch: "
	switch pt {
	case types.JSONPatchType:
		var ops []jsonPatchOp
		err = json.Unmarshal(body, &ops)
	case types.MergePatchType:
		var m map[string]any
		err = json.Unmarshal(body, &m)
	case types.StrategicMergePatchType:
		var m map[string]any
		err = json.Unmarshal(body, &m)
		prefix = ""
	}
	if err != nil {
		return apierrors.NewBadRequest(prefix + strings.ReplaceAll(err.Error(), "memserver.", "handlers."))
	}
	return nil
}
