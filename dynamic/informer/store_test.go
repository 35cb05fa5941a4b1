package informer

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubedyn/kubedyn/unstructured/compact"
)

type U = *unstructured.Unstructured

func withField(u U, v any, path ...string) U {
	_ = unstructured.SetNestedField(u.Object, v, path...)
	return u
}

// compactStore is newStore keeping compact objects, as full-object
// informers do.
func compactStore(t testing.TB, indexers Indexers[U]) *store[U] {
	t.Helper()
	s := newStore(indexers)
	k, err := newKeeper[U](compact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.keep = k
	return s
}

// putObjLocked keeps obj as the store's keeper says.
func (s *store[T]) putObjLocked(obj T) (kept[T], bool, error) {
	a, err := s.keep.arrive(obj)
	if err != nil {
		return kept[T]{}, false, err
	}
	handed, _ := a.handed(s.keep)
	return s.putLocked(a.e, handed)
}

func testStore(t *testing.T) *store[U] {
	t.Helper()
	s := compactStore(t, Indexers[U]{
		NamespaceIndex: IndexByNamespace[U],
		"app":          IndexByLabel[U]("app"),
		"node":         IndexByField("spec", "nodeName"),
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range []U{
		withField(obj("a", "web-1", "1", map[string]string{"app": "web", "tier": "front"}), "n1", "spec", "nodeName"),
		withField(obj("a", "web-2", "2", map[string]string{"app": "web"}), "n2", "spec", "nodeName"),
		withField(obj("b", "db-1", "3", map[string]string{"app": "db"}), "n1", "spec", "nodeName"),
		obj("", "cluster-thing", "4", nil),
	} {
		if _, _, err := s.putObjLocked(o); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func names(objs []U) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, KeyOf(o).String())
	}
	return out
}

func TestListerList(t *testing.T) {
	l := Lister[U]{s: testStore(t)}
	for _, tc := range []struct {
		name     string
		ns       string
		all      bool
		selector string
		want     []string
	}{
		{name: "everything", all: true, want: []string{"cluster-thing", "a/web-1", "a/web-2", "b/db-1"}},
		{name: "one namespace", ns: "a", want: []string{"a/web-1", "a/web-2"}},
		{name: "cluster-scoped", ns: "", want: []string{"cluster-thing"}},
		{name: "empty namespace", ns: "zzz", want: []string{}},
		{name: "selector all namespaces", all: true, selector: "app=web", want: []string{"a/web-1", "a/web-2"}},
		{name: "selector set-based", all: true, selector: "app in (db,web),tier!=front", want: []string{"a/web-2", "b/db-1"}},
		{name: "selector exists", ns: "a", selector: "tier", want: []string{"a/web-1"}},
		{name: "selector no match", ns: "b", selector: "app=web", want: []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := labels.Parse(tc.selector)
			if err != nil {
				t.Fatal(err)
			}
			var got []U
			if tc.all {
				got = l.List(sel)
			} else {
				got = l.Namespace(tc.ns).List(sel)
			}
			if diff := cmp.Diff(tc.want, names(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestListerByIndex(t *testing.T) {
	s := testStore(t)
	l := Lister[U]{s: s}
	for _, tc := range []struct {
		name, index, value string
		want               []string
		wantErr            bool
	}{
		{name: "namespace", index: NamespaceIndex, value: "a", want: []string{"a/web-1", "a/web-2"}},
		{name: "label", index: "app", value: "web", want: []string{"a/web-1", "a/web-2"}},
		{name: "field", index: "node", value: "n1", want: []string{"a/web-1", "b/db-1"}},
		{name: "no objects", index: "app", value: "cache", want: []string{}},
		{name: "unknown index", index: "color", value: "red", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.ByIndex(tc.index, tc.value)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ByIndex error = %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr {
				if diff := cmp.Diff(tc.want, names(got)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestIndexFollowsChanges moves an object between index values and deletes
// one: indices hold no stale entries.
func TestIndexFollowsChanges(t *testing.T) {
	s := testStore(t)
	l := Lister[U]{s: s}
	s.mu.Lock()
	if _, existed, err := s.putObjLocked(obj("a", "web-2", "5", map[string]string{"app": "db"})); err != nil || !existed {
		t.Fatalf("put = %v, %v; want an update", existed, err)
	}
	s.deleteLocked(Key{Namespace: "b", Name: "db-1"})
	s.mu.Unlock()
	web, _ := l.ByIndex("app", "web")
	db, _ := l.ByIndex("app", "db")
	nodes, _ := l.IndexValues("node")
	namespaces, _ := l.IndexValues(NamespaceIndex)
	got := map[string][]string{"web": names(web), "db": names(db), "nodes": nodes, "namespaces": namespaces}
	want := map[string][]string{"web": {"a/web-1"}, "db": {"a/web-2"}, "nodes": {"n1"}, "namespaces": {"", "a"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := l.Len(); n != 3 {
		t.Errorf("Len = %d, want 3", n)
	}
	if o, ok := l.Namespace("a").Get("web-2"); !ok || o.GetResourceVersion() != "5" {
		t.Errorf("Get(a/web-2) = %v, %v; want resourceVersion 5", o, ok)
	}
	if _, ok := l.Get(Key{Name: "cluster-thing"}); !ok {
		t.Error("Get(cluster-thing) found nothing")
	}
}

// TestIndexError keeps an object whose index function fails out of that
// index, in the cache, and reports the error.
func TestIndexError(t *testing.T) {
	s := compactStore(t, Indexers[U]{"node": IndexByField("spec", "nodeName")})
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, err := s.putObjLocked(withField(obj("a", "x", "1", nil), int64(3), "spec", "nodeName"))
	if err == nil {
		t.Fatal("put of an object with a non-string nodeName gave no error")
	}
	if _, ok := s.getLocked(Key{"a", "x"}); !ok {
		t.Error("the object is not cached")
	}
	if _, ok := s.deleteLocked(Key{"a", "x"}); !ok {
		t.Error("delete found nothing")
	}
}

func TestKeyString(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  Key
		want string
	}{
		{name: "namespaced", key: Key{"ns", "a"}, want: "ns/a"},
		{name: "cluster-scoped", key: Key{"", "a"}, want: "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.key.String(); got != tc.want {
				t.Errorf("String = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTransformError leaves an object the transform refuses out of the
// cache.
func TestTransformError(t *testing.T) {
	src := newFakeSource(obj("ns", "keep", "1", nil), obj("ns", "drop", "1", nil))
	inf := newInformer(testHandle(t), Options[U]{Transform: func(u U) (U, error) {
		if u.GetName() == "drop" {
			return u, errors.New("refused")
		}
		u.SetLabels(map[string]string{"transformed": "yes"})
		return u, nil
	}}, src.source())
	runInformer(t, inf)
	eventually(t, "a sync", inf.HasSynced)
	got := inf.Lister().List(labels.SelectorFromSet(labels.Set{"transformed": "yes"}))
	if diff := cmp.Diff([]string{"ns/keep"}, names(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
