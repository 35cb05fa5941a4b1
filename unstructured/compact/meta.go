package compact

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// metaMember returns the offset of the value of metadata member field,
// or -1 (the last one, when there are several, as in a decoded map).
func (o *Object) metaMember(field string) int {
	return o.member(int(o.md), field)
}

// member returns the offset of the value of member field of the object at
// offset obj, or -1 (the last one, when there are several).
func (o *Object) member(obj int, field string) int {
	if obj < 0 {
		return -1
	}
	d, strs := o.data, o.tab.entries.Load().strs
	_, n, p := head(d, obj)
	at := -1
	for range n {
		var k string
		k, p = key(d, p, strs)
		if k == field {
			at = p
		}
		p = skip(d, p)
	}
	return at
}

// stringAt returns the string value at p, or "" when it is not a string.
func (o *Object) stringAt(p int) string {
	if p < 0 {
		return ""
	}
	t, n, p := head(o.data, p)
	switch t {
	case tStr:
		return o.data[p : p+int(n)]
	case tRef:
		return o.tab.entries.Load().strs[n]
	case tZip:
		return unpack(o.data[p : p+int(n)])
	}
	return ""
}

// APIVersion returns the object's apiVersion ("" when it is missing or not
// a string).
func (o *Object) APIVersion() string { return o.stringAt(o.member(0, "apiVersion")) }

// Kind returns the object's kind.
func (o *Object) Kind() string { return o.stringAt(o.member(0, "kind")) }

// GetName returns metadata.name ("" when it is missing or not a string).
// The metadata getters are named as metav1.Object's, read in place.
func (o *Object) GetName() string { return o.stringAt(o.metaMember("name")) }

// GetNamespace returns metadata.namespace.
func (o *Object) GetNamespace() string { return o.stringAt(o.metaMember("namespace")) }

// GetResourceVersion returns metadata.resourceVersion.
func (o *Object) GetResourceVersion() string { return o.stringAt(o.metaMember("resourceVersion")) }

// GetUID returns metadata.uid.
func (o *Object) GetUID() types.UID { return types.UID(o.stringAt(o.metaMember("uid"))) }

// GetObjectKind returns the object's apiVersion and kind, read in place; an
// Object is immutable, so SetGroupVersionKind does nothing (as on
// schema.EmptyObjectKind). With DeepCopyObject it makes an Object a
// runtime.Object, which a watch.Event carries.
func (o *Object) GetObjectKind() schema.ObjectKind { return objectKind{o} }

// DeepCopyObject returns o itself: an Object is immutable.
func (o *Object) DeepCopyObject() runtime.Object { return o }

// objectKind is an Object's schema.ObjectKind.
type objectKind struct{ o *Object }

func (k objectKind) SetGroupVersionKind(schema.GroupVersionKind) {}

func (k objectKind) GroupVersionKind() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(k.o.APIVersion(), k.o.Kind())
}

// Labels returns the object's labels, read in place; it satisfies
// k8s.io/apimachinery/pkg/labels.Labels, for matching selectors without
// building the object.
func (o *Object) Labels() Labels {
	at := o.metaMember("labels")
	if at >= 0 {
		if t, _, _ := head(o.data, at); t != tObject {
			at = -1
		}
	}
	return Labels{o: o, at: at}
}

// Labels is an object's labels, read in place. A label whose value is not
// a string is absent, as with apimachinery's GetLabels.
type Labels struct {
	o  *Object
	at int // offset of the labels object, or -1
}

// Lookup returns the value of label k and whether the object has it.
func (l Labels) Lookup(k string) (string, bool) {
	if l.at < 0 {
		return "", false
	}
	d, strs := l.o.data, l.o.tab.entries.Load().strs
	_, n, p := head(d, l.at)
	v, found := "", false
	for range n {
		var key2 string
		key2, p = key(d, p, strs)
		if key2 == k {
			if t, _, _ := head(d, p); t == tStr || t == tRef || t == tZip {
				v, found = l.o.stringAt(p), true
			} else {
				v, found = "", false
			}
		}
		p = skip(d, p)
	}
	return v, found
}

// Has reports whether the object has label k.
func (l Labels) Has(k string) bool {
	_, ok := l.Lookup(k)
	return ok
}

// Get returns the value of label k ("" when absent).
func (l Labels) Get(k string) string {
	v, _ := l.Lookup(k)
	return v
}
