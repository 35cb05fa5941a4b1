package memserver

import (
	"fmt"
	"net/http"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
)

// update answers PUT on an object, its status or its scale.
func (c *call) update() error {
	if err := c.checkWriteOptions("update", ""); err != nil {
		return err
	}
	obj, err := c.decodeBody()
	if err != nil {
		return err
	}
	if c.sub == "scale" {
		return c.updateScale(obj)
	}
	if err := c.checkTypeMeta(obj); err != nil {
		return err
	}
	if err := c.checkBodyNamespace(obj); err != nil {
		return err
	}
	if n := metaString(obj, "name"); n != c.name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, c.name))
	}
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	oldRaw := st.getLocked(c.gr(), c.key())
	if oldRaw == nil {
		return c.notFound()
	}
	out, code, err := c.updateLocked(mustDecode(oldRaw), obj, c.fieldManagerName(), nil)
	if err != nil {
		return err
	}
	return c.respondRaw(code, out)
}

// updateLocked writes nu over old after the strategy of the resource and
// subresource. applied, when set, is the apply result to store as is.
func (c *call) updateLocked(old, nu object, manager string, applied object) ([]byte, int, error) {
	if uid := metaString(nu, "uid"); uid != "" && uid != metaString(old, "uid") {
		return nil, 0, apierrors.NewConflict(c.gr(), c.name, fmt.Errorf("StorageError: invalid object, Code: 4, Key: %s, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: %v, UID in object meta: %v", c.storageKey(), uid, metaString(old, "uid")))
	}
	if rv := metaString(nu, "resourceVersion"); rv != "" && rv != metaString(old, "resourceVersion") {
		return nil, 0, apierrors.NewConflict(c.gr(), c.name, fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	if c.res.namespaced {
		setMeta(nu, "namespace", c.ns)
	}
	if metaString(nu, "resourceVersion") == "" {
		setMeta(nu, "resourceVersion", metaString(old, "resourceVersion"))
	}
	if applied != nil {
		nu = applied
	} else if err := c.pruneUnknown(nu); err != nil {
		return nil, 0, err
	} else if err := c.trackUpdate(old, nu, manager); err != nil {
		return nil, 0, err
	}
	nu = c.s.prepareUpdate(c.res, c.sub, old, nu)
	if err := c.validateUpdate(old, nu); err != nil {
		return nil, 0, err
	}
	return c.commitUpdateLocked(old, nu)
}

// commitUpdateLocked stores nu (already prepared) unless it equals old;
// an object with deletionTimestamp whose last finalizer went is deleted.
func (c *call) commitUpdateLocked(old, nu object) ([]byte, int, error) {
	st := c.s.store
	setMeta(nu, "resourceVersion", metaString(old, "resourceVersion"))
	if deepEqual(old, nu) {
		return mustEncode(old), http.StatusOK, nil
	}
	if c.dryRun() {
		return mustEncode(nu), http.StatusOK, nil
	}
	rv := st.nextRVLocked()
	setMeta(nu, "resourceVersion", strconv.FormatUint(rv, 10))
	out, err := encodeObject(nu)
	if err != nil {
		return nil, 0, apierrors.NewInternalError(err)
	}
	typ := watch.Modified
	if metaString(nu, "deletionTimestamp") != "" && len(finalizersOf(nu)) == 0 && !c.s.keepsOnDelete(c.res, nu) {
		typ = watch.Deleted
	}
	stored := out
	if typ == watch.Deleted {
		// etcd's delete event carries the last stored object, at the
		// delete's revision.
		last := copyObject(old)
		setMeta(last, "resourceVersion", strconv.FormatUint(rv, 10))
		stored = mustEncode(last)
	}
	st.commitLocked(c.gr(), c.key(), typ, rv, stored)
	c.s.afterWriteLocked(c.res, old, nu)
	if typ == watch.Deleted {
		c.s.afterDeleteLocked(c.res, nu)
	}
	return out, http.StatusOK, nil
}

// validateUpdate runs the metadata update validation and the type's own.
func (c *call) validateUpdate(old, nu object) error {
	errs := validation.ValidateObjectMetaAccessorUpdate(toUnstructured(nu), toUnstructured(old), field.NewPath("metadata"))
	if len(errs) > 0 {
		return apierrors.NewInvalid(c.gk(), c.name, errs)
	}
	if err := c.validateMeta(nu); err != nil {
		return err
	}
	return c.validateObject(nu, old)
}

func stringsOf(l []any) []string {
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// storageKey is the object's etcd key, as storage errors quote it.
func (c *call) storageKey() string {
	k := "/registry/"
	if c.res.crd != nil {
		k += c.res.gvr.Group + "/"
	}
	k += c.res.gvr.Resource + "/"
	if c.ns != "" {
		k += c.ns + "/"
	}
	return k + c.name
}
