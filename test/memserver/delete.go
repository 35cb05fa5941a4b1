package memserver

import (
	"bytes"
	"fmt"
	metainternalversionscheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme"
	"net/http"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/watch"
)

// deleteOptions reads DeleteOptions from the body or the query.
func (c *call) deleteOptions() (*metav1.DeleteOptions, error) {
	opts := &metav1.DeleteOptions{}
	body, err := c.readBody()
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := utiljson.Unmarshal(body, opts); err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("error decoding delete options: %v", err))
		}
	} else if err := metainternalversionscheme.ParameterCodec.DecodeParameters(c.q, metav1.SchemeGroupVersion, opts); err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	if err := checkDeleteOptions(opts); err != nil {
		return nil, err
	}
	if len(opts.DryRun) > 0 {
		c.q["dryRun"] = opts.DryRun
	}
	return opts, nil
}

// delete answers DELETE on one object.
func (c *call) delete() error {
	opts, err := c.deleteOptions()
	if err != nil {
		return err
	}
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	raw := st.getLocked(c.gr(), c.key())
	if raw == nil {
		return c.notFound()
	}
	out, deleted, err := c.deleteLocked(mustDecode(raw), opts)
	if err != nil {
		return err
	}
	if deleted && !c.s.returnsDeletedObject(c.res) {
		o := mustDecode(out)
		c.flushWarnings()
		writeJSON(c.w, http.StatusOK, statusSuccess(&metav1.StatusDetails{
			Name: c.name, Group: c.res.gvr.Group, Kind: c.res.gvr.Resource, UID: types.UID(metaString(o, "uid")),
		}))
		return nil
	}
	return c.respondRaw(http.StatusOK, out)
}

// deleteLocked deletes obj now, or marks it with deletionTimestamp while
// finalizers remain. It reports whether the object is gone.
func (c *call) deleteLocked(obj object, opts *metav1.DeleteOptions) ([]byte, bool, error) {
	if p := opts.Preconditions; p != nil {
		// The registry checks these itself and names the kind.
		kindGR := schema.GroupResource{Group: c.res.gvr.Group, Resource: c.res.kind}
		if p.UID != nil && string(*p.UID) != metaString(obj, "uid") {
			return nil, false, apierrors.NewConflict(kindGR, c.name, fmt.Errorf("the UID in the precondition (%s) does not match the UID in record (%s). The object might have been deleted and then recreated", *p.UID, metaString(obj, "uid")))
		}
		if p.ResourceVersion != nil && *p.ResourceVersion != metaString(obj, "resourceVersion") {
			return nil, false, apierrors.NewConflict(kindGR, c.name, fmt.Errorf("the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified", *p.ResourceVersion, metaString(obj, "resourceVersion")))
		}
	}
	old := copyObject(obj)
	if isCRDResource(c.res) {
		return c.deleteCRDLocked(old, obj)
	}
	fins := finalizersOf(obj)
	if pp := opts.PropagationPolicy; pp != nil {
		fins = withFinalizer(fins, propagationFinalizer(*pp))
	}
	if c.s.keepsOnDelete(c.res, obj) || len(fins) > 0 {
		if metaString(obj, "deletionTimestamp") != "" {
			return mustEncode(obj), false, nil
		}
		setMeta(obj, "deletionTimestamp", timestamp(c.s.opts.Clock.Now()))
		if !(c.res.crd == nil && c.res.groupResource() == namespacesGR) {
			setMeta(obj, "deletionGracePeriodSeconds", int64(0))
		}
		if len(fins) > 0 {
			metaOf(obj)["finalizers"] = fins
		}
		if g := generationOf(obj); g > 0 {
			setMeta(obj, "generation", g+1)
		}
		c.s.prepareDelete(c.res, obj)
		out, _, err := c.commitUpdateLocked(old, obj)
		return out, false, err
	}
	if c.dryRun() {
		return mustEncode(obj), true, nil
	}
	st := c.s.store
	rv := st.nextRVLocked()
	setMeta(obj, "resourceVersion", strconv.FormatUint(rv, 10))
	out := mustEncode(obj)
	st.commitLocked(c.gr(), c.key(), watch.Deleted, rv, out)
	c.s.afterDeleteLocked(c.res, obj)
	return out, true, nil
}

func propagationFinalizer(pp metav1.DeletionPropagation) string {
	switch pp {
	case metav1.DeletePropagationForeground:
		return metav1.FinalizerDeleteDependents
	case metav1.DeletePropagationOrphan:
		return metav1.FinalizerOrphanDependents
	}
	return ""
}

func withFinalizer(fins []any, f string) []any {
	if f == "" {
		return fins
	}
	for _, x := range fins {
		if x == f {
			return fins
		}
	}
	return append(append([]any(nil), fins...), f)
}

// deleteCollection answers DELETE on a collection: every selected object
// is deleted as by a single delete; the answer is the list of them.
func (c *call) deleteCollection() error {
	opts, err := c.deleteOptions()
	if err != nil {
		return err
	}
	lo, err := c.parseListOptions(false)
	if err != nil {
		return err
	}
	lo.limit, lo.cont = 0, nil
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	snap, err := st.snapshotLocked(c.gr(), c.ns, 0)
	if err != nil {
		return err
	}
	page := c.page(snap, lo, st.rv)
	res := &listResult{}
	for _, raw := range page.items {
		obj := mustDecode(raw)
		cc := *c
		cc.name, cc.ns = metaString(obj, "name"), metaString(obj, "namespace")
		out, _, err := cc.deleteLocked(obj, opts)
		if err != nil {
			return err
		}
		res.items = append(res.items, out)
	}
	res.rv = st.rv
	c.flushWarnings()
	writeRaw(c.w, http.StatusOK, "application/json", c.encodeList(res))
	return nil
}

var _ runtime.Object = (*metav1.Status)(nil)
