package memserver

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	v1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
)

// get answers GET on one object or its status or scale.
func (c *call) get() error {
	if err := c.checkGetOptions(); err != nil {
		return err
	}
	v, err := c.view()
	if err != nil {
		return err
	}
	c.s.store.mu.RLock()
	raw := c.s.store.getLocked(c.res.groupResource(), c.key())
	c.s.store.mu.RUnlock()
	if raw == nil {
		return c.notFound()
	}
	if c.sub == "scale" {
		return c.respondScale(http.StatusOK, mustDecode(raw))
	}
	return c.respondView(v, raw)
}

// checkGetOptions refuses a malformed resourceVersion on a get.
func (c *call) checkGetOptions() error {
	if rv := c.q.Get("resourceVersion"); rv != "" {
		if _, err := strconv.ParseUint(rv, 10, 64); err != nil {
			return apierrors.NewBadRequest(fmt.Sprintf("invalid resource version: %s", rv))
		}
	}
	return nil
}

func (c *call) key() objKey { return objKey{ns: c.ns, name: c.name} }

func (c *call) notFound() error { return apierrors.NewNotFound(c.gr(), c.name) }

// gr is the group-resource named in errors (the subresource is not).
func (c *call) gr() schema.GroupResource { return c.res.groupResource() }

func (c *call) gk() schema.GroupKind {
	return schema.GroupKind{Group: c.res.gvr.Group, Kind: c.res.kind}
}

// create answers POST on a collection.
func (c *call) create() error {
	if err := c.checkWriteOptions("create", ""); err != nil {
		return err
	}
	obj, err := c.decodeBody()
	if err != nil {
		return err
	}
	if err := c.checkTypeMeta(obj); err != nil {
		return err
	}
	if err := c.checkBodyNamespace(obj); err != nil {
		return err
	}
	// Everything that does not depend on the store happens outside its
	// lock, so parallel creates only serialise on the commit.
	if err := c.prepareNew(obj, c.fieldManagerName(), nil, false); err != nil {
		return err
	}
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	out, err := c.insertLocked(obj)
	if err != nil {
		return err
	}
	return c.respondRaw(http.StatusCreated, out)
}

// createLocked stores obj as a new object. applied, when set, is the
// server-side apply result to store instead of an Update-tracked obj.
func (c *call) createLocked(obj object, manager string, applied object) ([]byte, error) {
	if err := c.prepareNew(obj, manager, applied, true); err != nil {
		return nil, err
	}
	return c.insertLocked(obj)
}

// prepareNew turns a create request's object into the object to store,
// in the server's order: names, the namespace check (admission), decoding
// (pruning, defaults), the field manager, the strategy, validation.
// locked says whether the caller holds the store's lock.
func (c *call) prepareNew(obj object, manager string, applied object, locked bool) error {
	if rv := metaString(obj, "resourceVersion"); rv != "" {
		return errors.New("resourceVersion should not be set on objects to be created")
	}
	if metaString(obj, "name") == "" && metaString(obj, "generateName") != "" {
		setMeta(obj, "name", metaString(obj, "generateName")+nameSuffix())
	}
	c.name = metaString(obj, "name")
	if c.res.namespaced {
		setMeta(obj, "namespace", c.ns)
	} else {
		setMeta(obj, "namespace", nil)
	}
	if !locked {
		c.s.store.mu.RLock()
	}
	err := c.namespaceWritableLocked()
	if !locked {
		c.s.store.mu.RUnlock()
	}
	if err != nil {
		return err
	}
	for _, f := range []string{"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generation"} {
		setMeta(obj, f, nil)
	}
	// Decoding (pruning, defaults) and the field manager come before the
	// type's strategy, so what the strategy sets is nobody's field.
	if applied == nil {
		if err := c.pruneUnknown(obj); err != nil {
			return err
		}
		if err := c.trackUpdate(nil, obj, manager); err != nil {
			return err
		}
	}
	if err := c.s.prepareCreate(c.res, obj); err != nil {
		return err
	}
	if err := c.validateMeta(obj); err != nil {
		return err
	}
	return c.validateObject(obj, nil)
}

// insertLocked commits a prepared new object: the namespace (again, it may
// have gone meanwhile), the name's uniqueness, uid, timestamps and
// resourceVersion.
func (c *call) insertLocked(obj object) ([]byte, error) {
	if err := c.namespaceWritableLocked(); err != nil {
		return nil, err
	}
	st := c.s.store
	if st.getLocked(c.gr(), c.key()) != nil {
		return nil, apierrors.NewAlreadyExists(c.gr(), c.name)
	}
	setMeta(obj, "uid", newUID())
	setMeta(obj, "creationTimestamp", c.s.stamps.format(c.s.opts.Clock.Now()))
	if c.dryRun() {
		return encodeObject(obj)
	}
	rv := st.nextRVLocked()
	setMeta(obj, "resourceVersion", strconv.FormatUint(rv, 10))
	out, err := encodeObject(obj)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	st.commitLocked(c.gr(), c.key(), watch.Added, rv, out)
	c.s.afterWriteLocked(c.res, nil, obj)
	return out, nil
}

// namespaceWritableLocked: a namespaced object needs an existing namespace
// that is not terminating.
func (c *call) namespaceWritableLocked() error {
	if !c.res.namespaced {
		return nil
	}
	raw := c.s.store.getLocked(schema.GroupResource{Resource: "namespaces"}, objKey{name: c.ns})
	if raw == nil {
		return apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, c.ns)
	}
	if bytes.Contains(raw, []byte(`"deletionTimestamp"`)) && metaString(mustDecode(raw), "deletionTimestamp") != "" {
		err := apierrors.NewForbidden(c.gr(), c.name, fmt.Errorf("unable to create new content in namespace %s because it is being terminated", c.ns))
		err.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: "NamespaceTerminating", Message: "namespace " + c.ns + " is being terminated", Field: "metadata.namespace"}}
		return err
	}
	return nil
}

// checkTypeMeta fills a missing apiVersion/kind of a built-in and refuses
// a body of another kind.
func (c *call) checkTypeMeta(obj object) error {
	gv := c.res.gvr.GroupVersion().String()
	av, _ := obj["apiVersion"].(string)
	k, _ := obj["kind"].(string)
	if av == "" && k == "" && c.res.crd == nil {
		obj["apiVersion"], obj["kind"] = gv, c.res.kind
		return nil
	}
	if k == "" {
		return apierrors.NewBadRequest(fmt.Sprintf("Object 'Kind' is missing in '%s'", truncate(mustEncode(obj))))
	}
	if av == "" {
		return apierrors.NewBadRequest(fmt.Sprintf("Object 'apiVersion' is missing in '%s'", truncate(mustEncode(obj))))
	}
	if c.res.crd == nil && k != c.res.kind {
		bodyGV, _ := schema.ParseGroupVersion(av)
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: converting (%s.%s) to (%s.%s): unknown conversion",
			k, bodyGV.Version, c.res.kind, bodyGV.Version, k, internalPackage(c.res.gvr.Group), c.res.kind))
	}
	if av != gv || k != c.res.kind {
		return apierrors.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", av, gv))
	}
	return nil
}

// checkBodyNamespace refuses a body whose namespace differs from the URL's.
func (c *call) checkBodyNamespace(obj object) error {
	ns := metaString(obj, "namespace")
	if c.res.namespaced && ns != "" && ns != c.ns {
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

// validateMeta runs apimachinery's ObjectMeta validation, as the server's
// generic registry does.
func (c *call) validateMeta(obj object) error {
	nameFn := validation.NameIsDNSSubdomain
	if c.res.crd == nil && c.res.gvr.Group == "" && (c.res.gvr.Resource == "namespaces" || c.res.gvr.Resource == "services") {
		nameFn = validation.NameIsDNSLabel
	}
	var fieldsErrs field.ErrorList
	if e := c.tracked; e != nil {
		// managedFields are validated last: the same errors, in the same
		// order, from the entry the fast path built. The metadata is
		// validated without them (taken out meanwhile).
		c.tracked = nil
		md := metaOf(obj)
		mf, had := md["managedFields"]
		delete(md, "managedFields")
		if had {
			defer func() { md["managedFields"] = mf }()
		}
		fieldsErrs = v1validation.ValidateManagedFields([]metav1.ManagedFieldsEntry{*e}, field.NewPath("metadata").Child("managedFields"))
	}
	errs := append(validation.ValidateObjectMetaAccessor(toUnstructured(obj), c.res.namespaced, nameFn, field.NewPath("metadata")), fieldsErrs...)
	if len(errs) > 0 {
		return apierrors.NewInvalid(c.gk(), metaString(obj, "name"), errs)
	}
	return nil
}

// dryRun says whether the request asked for dryRun=All.
func (c *call) dryRun() bool { return len(c.q["dryRun"]) > 0 }

// respondRaw writes stored JSON, converted to the requested version.
func (c *call) respondRaw(code int, raw []byte) error {
	c.flushWarnings()
	writeRaw(c.w, code, "application/json", c.present(raw))
	return nil
}

// present rewrites apiVersion when the object is read through another
// version of its resource (conversion "None", as for CRDs).
func (c *call) present(raw []byte) []byte {
	if c.res.crd == nil || !c.res.crd.multiVersion {
		return raw
	}
	o := mustDecode(raw)
	o["apiVersion"] = c.res.gvr.GroupVersion().String()
	return mustEncode(o)
}

func mustEncode(o object) []byte {
	b, _ := encodeObject(o)
	return b
}

// internalPackage is the Go package of a built-in group's internal types,
// as conversion errors name it ("core" for the legacy group).
func internalPackage(group string) string {
	if group == "" {
		return "core"
	}
	return strings.SplitN(group, ".", 2)[0]
}
