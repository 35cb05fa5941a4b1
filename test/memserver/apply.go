package memserver

import (
	"encoding/json"
	"fmt"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// apply answers a server-side apply patch with apimachinery's
// FieldManager: conflicts, force and managedFields as the server has them.
func (c *call) apply(body []byte) error {
	manager := c.q.Get("fieldManager")
	force := isTrue(c.q.Get("force"))
	j, err := yaml.YAMLToJSON(body)
	if err != nil {
		return apierrors.NewBadRequest(fmt.Sprintf("error decoding patch: error converting YAML to JSON: %v", err))
	}
	var probe map[string]any
	if err := json.Unmarshal(j, &probe); err != nil {
		return apierrors.NewBadRequest(fmt.Sprintf("error decoding patch: error unmarshaling JSON: while decoding JSON: %v", err))
	}
	applied, err := c.decodeJSONish(j, false)
	if err != nil {
		return err
	}
	if gvk := toUnstructured(applied).GroupVersionKind(); gvk != c.res.gvk() {
		return apierrors.NewBadRequest("invalid object type: " + gvk.String())
	}
	if n := metaString(applied, "name"); n != "" && n != c.name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, c.name))
	}
	if err := c.checkBodyNamespace(applied); err != nil {
		return err
	}
	c.duplicates = nil // the field manager reports what it cannot type
	fm, err := c.fieldManager()
	if err != nil {
		return err
	}
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	oldRaw := st.getLocked(c.gr(), c.key())
	if oldRaw == nil {
		if c.sub != "" {
			return c.notFound()
		}
		return c.applyCreateLocked(applied, manager, force)
	}
	old := mustDecode(oldRaw)
	out, err := fm.Apply(toUnstructured(copyObject(old)), toUnstructured(applied), manager, force)
	if err != nil {
		return applyError(err)
	}
	ou, ok := out.(*unstructured.Unstructured)
	if !ok {
		return apierrors.NewInternalError(fmt.Errorf("field manager returned %T", out))
	}
	nu := ou.Object
	c.applyDefaults(nu)
	res, code, err := c.updateLocked(old, nu, manager, nu)
	if err != nil {
		return err
	}
	return c.respondRaw(code, res)
}

// applyCreateLocked creates an object from an apply configuration.
func (c *call) applyCreateLocked(applied object, manager string, force bool) error {
	fm, err := c.fieldManager()
	if err != nil {
		return err
	}
	live := c.emptyLive(false)
	live.SetName(c.name)
	if c.res.namespaced {
		live.SetNamespace(c.ns)
	}
	out, err := fm.Apply(live, toUnstructured(applied), manager, force)
	if err != nil {
		return applyError(err)
	}
	ou, ok := out.(*unstructured.Unstructured)
	if !ok {
		return apierrors.NewInternalError(fmt.Errorf("field manager returned %T", out))
	}
	obj := ou.Object
	c.applyDefaults(obj)
	raw, err := c.createLocked(obj, manager, obj)
	if err != nil {
		return err
	}
	return c.respondRaw(http.StatusCreated, raw)
}

// applyError keeps API errors (a Conflict lists the conflicting fields);
// others (a field the schema does not declare) are the plain 500 the
// server sends.
func applyError(err error) error { return err }

// applyDefaults sets a custom resource's schema defaults on an apply
// result (after the field manager, so defaults are nobody's fields).
func (c *call) applyDefaults(obj object) {
	if c.res.crd == nil {
		return
	}
	s, models := c.s.kindSchema(c.res)
	if s == nil {
		return
	}
	w := &schemaWalker{models: models, deflt: true}
	w.walkRoot(obj, s, models[objectMetaModel])
}
