package memserver

import (
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// managers caches one FieldManager per resource and subresource.
type managers struct {
	mu sync.Mutex // guards m and create
	m  map[managerKey]*managedfields.FieldManager
	// create holds each resource's createFields (nil: not typed).
	create map[managerKey]*createFields
}

type managerKey struct {
	gvr schema.GroupVersionResource
	sub string
	crd *crdVersion
}

// fieldManager returns apimachinery's FieldManager for the call's resource
// and subresource, built on the unstructured (CRD) path with a type
// converter from the recorded OpenAPI (or the CRD's schema).
func (c *call) fieldManager() (*managedfields.FieldManager, error) {
	s := c.s
	k := managerKey{gvr: c.res.gvr, sub: c.sub, crd: c.res.crd}
	s.fms.mu.Lock()
	defer s.fms.mu.Unlock()
	if s.fms.m == nil {
		s.fms.m = map[managerKey]*managedfields.FieldManager{}
	}
	if fm := s.fms.m[k]; fm != nil {
		return fm, nil
	}
	tc, err := s.typeConverter(c.res)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	gvk := c.res.gvk()
	fm, err := managedfields.NewDefaultCRDFieldManager(tc, versionConverter{}, typeDefaulter{s: s, res: c.res}, creater{}, gvk, gvk.GroupVersion(), c.sub, resetFields(c.res, c.sub))
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	s.fms.m[k] = fm
	return fm, nil
}

// resetFields are the fields a write may not set: status through the main
// resource, everything but status through /status.
func resetFields(res *resource, sub string) map[fieldpath.APIVersion]fieldpath.Filter {
	if !res.status {
		return nil
	}
	v := fieldpath.APIVersion(res.gvr.GroupVersion().String())
	switch sub {
	case "":
		return map[fieldpath.APIVersion]fieldpath.Filter{v: fieldpath.NewExcludeSetFilter(fieldpath.NewSet(fieldpath.MakePathOrDie("status")))}
	case "status":
		return map[fieldpath.APIVersion]fieldpath.Filter{v: fieldpath.NewExcludeSetFilter(fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata")))}
	}
	return nil
}

// trackUpdate records an Update by manager in nu's managedFields (old nil
// for a create).
func (c *call) trackUpdate(old, nu object, manager string) error {
	if old == nil && c.sub == "" {
		if cf := c.createFieldsFor(); cf != nil {
			if entry, ok := cf.track(nu, manager); ok {
				c.tracked = entry
				return nil
			}
		}
	}
	fm, err := c.fieldManager()
	if err != nil {
		return err
	}
	live := runtime.Object(c.emptyObject())
	if old != nil {
		live = toUnstructured(old)
	}
	out := fm.UpdateNoErrors(live, toUnstructured(nu), manager)
	u, ok := out.(*unstructured.Unstructured)
	if !ok {
		return apierrors.NewInternalError(fmt.Errorf("field manager returned %T", out))
	}
	res := make(object, len(u.Object))
	for k, v := range u.Object {
		res[k] = v
	}
	clear(nu)
	for k, v := range res {
		nu[k] = v
	}
	return nil
}

// emptyObject is the live object of a create: for a built-in its typed
// zero value (the struct fields a typed object always has), so that the
// field manager does not count them as set by the creator.
func (c *call) emptyObject() *unstructured.Unstructured {
	return c.emptyLive(true)
}

// emptyLive is an empty object of the resource, its typed zero value when
// typed is set.
func (c *call) emptyLive(typed bool) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: object{}}
	if typed && c.res.crd == nil {
		if s, models := c.s.kindSchema(c.res); s != nil {
			w := &schemaWalker{models: models, structs: true, zeros: true}
			w.walkRoot(u.Object, s, nil)
		}
	}
	u.SetGroupVersionKind(c.res.gvk())
	return u
}

// fieldManagerName is the fieldManager query parameter, or the server's
// default: the User-Agent up to its first "/".
func (c *call) fieldManagerName() string {
	if m := c.q.Get("fieldManager"); m != "" {
		return m
	}
	ua := c.r.Header.Get("User-Agent")
	if i := strings.IndexByte(ua, '/'); i >= 0 {
		ua = ua[:i]
	}
	if len(ua) > 128 {
		ua = ua[:128]
	}
	return ua
}

// versionConverter converts unstructured objects between versions of one
// resource by rewriting apiVersion (conversion "None").
type versionConverter struct{}

func (versionConverter) Convert(in, out, context any) error {
	return fmt.Errorf("unstructured conversion between %T and %T is not supported", in, out)
}

func (versionConverter) ConvertToVersion(in runtime.Object, gv runtime.GroupVersioner) (runtime.Object, error) {
	u, ok := in.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("cannot convert %T", in)
	}
	target, ok := gv.KindForGroupVersionKinds([]schema.GroupVersionKind{u.GroupVersionKind()})
	if !ok {
		return nil, fmt.Errorf("no target version for %v", u.GroupVersionKind())
	}
	out := u.DeepCopy()
	out.SetGroupVersionKind(target)
	return out, nil
}

func (versionConverter) ConvertFieldLabel(gvk schema.GroupVersionKind, label, value string) (string, string, error) {
	return label, value, nil
}

type nopDefaulter struct{}

func (nopDefaulter) Default(runtime.Object) {}

type creater struct{}

func (creater) New(gvk schema.GroupVersionKind) (runtime.Object, error) {
	u := &unstructured.Unstructured{Object: object{}}
	u.SetGroupVersionKind(gvk)
	return u, nil
}
