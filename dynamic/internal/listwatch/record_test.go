package listwatch

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

func cm(name, rv string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}}
	u.SetNamespace("ns")
	u.SetName(name)
	u.SetResourceVersion(rv)
	return u
}

// TestRecordDiff lists against what was delivered: ADDED and MODIFIED in
// the list's order, then DELETED in key order, in both record modes.
func TestRecordDiff(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode RecordMode
		held bool // the consumer's store is the record
		want []string
	}{
		{name: "objects", mode: RecordObjects, want: []string{"ADDED new@9", "MODIFIED changed@8", "DELETED gone-a@4 kind=ConfigMap", "DELETED gone-b@3 kind=ConfigMap"}},
		{name: "keys", mode: RecordKeys, want: []string{"ADDED new@9", "MODIFIED changed@8", "DELETED gone-a@4 kind=", "DELETED gone-b@3 kind="}},
		{name: "held", held: true, want: []string{"ADDED new@9", "MODIFIED changed@8", "DELETED gone-a@4 kind=ConfigMap", "DELETED gone-b@3 kind=ConfigMap"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			known := []*unstructured.Unstructured{cm("same", "1"), cm("changed", "2"), cm("gone-b", "3"), cm("gone-a", "4")}
			r := newRecord(tc.mode, known, nil)
			if tc.held {
				r = newRecord(tc.mode, nil, Held[*unstructured.Unstructured](heldMap(known)))
			}
			r.begin()
			var got []string
			for _, o := range []*unstructured.Unstructured{cm("new", "9"), cm("changed", "8"), cm("same", "1")} {
				if typ := r.listed(o); typ != "" {
					got = append(got, fmt.Sprintf("%s %s@%s", typ, o.GetName(), o.GetResourceVersion()))
				}
			}
			for _, o := range r.unlisted(stub[*unstructured.Unstructured]) {
				got = append(got, fmt.Sprintf("DELETED %s@%s kind=%s", o.GetName(), o.GetResourceVersion(), o.GetKind()))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
		})
	}
}

// TestRecordFresh: an event is new unless its object's resourceVersion was
// delivered already; a DELETED of a key not held is new only while the
// record may be incomplete.
func TestRecordFresh(t *testing.T) {
	r := newRecord[*unstructured.Unstructured](RecordKeys, nil, nil)
	steps := []struct {
		typ  watch.EventType
		obj  *unstructured.Unstructured
		want bool
	}{
		{watch.Deleted, cm("x", "1"), true}, // incomplete: the consumer may hold x
		{watch.Added, cm("a", "2"), true},
		{watch.Added, cm("a", "2"), false},
		{watch.Modified, cm("a", "3"), true},
		{watch.Deleted, cm("a", "4"), true},
	}
	for i, s := range steps {
		if got := r.fresh(s.typ, s.obj); got != s.want {
			t.Errorf("step %d: fresh(%s %s@%s) = %v, want %v", i, s.typ, s.obj.GetName(), s.obj.GetResourceVersion(), got, s.want)
		}
	}
	r.begin()
	r.unlisted(stub[*unstructured.Unstructured])
	if r.fresh(watch.Deleted, cm("y", "5")) {
		t.Error("after a list, a DELETED of a key never held was fresh")
	}
}

// TestRecordHeld: a consumer's store as the record is complete from the
// start (a DELETED of a key it does not hold is not fresh), and a list that
// starts with it empty deletes nothing.
func TestRecordHeld(t *testing.T) {
	held := heldMap{cm("a", "1")}
	r := newRecord(RecordKeys, nil, Held[*unstructured.Unstructured](&held))
	for _, s := range []struct {
		typ  watch.EventType
		obj  *unstructured.Unstructured
		want bool
	}{
		{watch.Deleted, cm("x", "1"), false},
		{watch.Added, cm("a", "1"), false},
		{watch.Modified, cm("a", "2"), true},
		{watch.Deleted, cm("a", "2"), true},
	} {
		if got := r.fresh(s.typ, s.obj); got != s.want {
			t.Errorf("fresh(%s %s@%s) = %v, want %v", s.typ, s.obj.GetName(), s.obj.GetResourceVersion(), got, s.want)
		}
	}
	held = nil
	r.begin()
	if got := r.listed(cm("b", "3")); got != watch.Added {
		t.Errorf("listed b = %q, want ADDED", got)
	}
	held = heldMap{cm("b", "3")} // the consumer applied it
	if gone := r.unlisted(stub[*unstructured.Unstructured]); len(gone) != 0 {
		t.Errorf("a list into an empty store deleted %d objects", len(gone))
	}
}

// heldMap is a consumer's store for the record's tests.
type heldMap []*unstructured.Unstructured

func (h heldMap) HeldVersion(ns, name string) (string, bool) {
	for _, o := range h {
		if o.GetNamespace() == ns && o.GetName() == name {
			return o.GetResourceVersion(), true
		}
	}
	return "", false
}

func (h heldMap) HeldLen() int { return len(h) }

func (h heldMap) EachHeld(fn func(*unstructured.Unstructured)) {
	for _, o := range h {
		fn(o)
	}
}
