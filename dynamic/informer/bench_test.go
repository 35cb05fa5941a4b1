package informer

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/watch"
)

func benchObjects(n int) []U {
	out := make([]U, n)
	for i := range out {
		out[i] = obj(fmt.Sprintf("ns-%d", i%10), fmt.Sprintf("obj-%05d", i), fmt.Sprint(i+1), map[string]string{"app": fmt.Sprintf("app-%d", i%7)})
	}
	return out
}

// BenchmarkApply measures one watch event into a cache of 10,000 objects
// with a label index, with no handler.
func BenchmarkApply(b *testing.B) {
	inf := newInformer(testHandle(b), Options[U]{Indexers: Indexers[U]{"app": IndexByLabel[U]("app")}}, newFakeSource().source())
	objs := benchObjects(10000)
	for _, o := range objs {
		inf.apply(watch.Added, o, false)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		inf.apply(watch.Modified, objs[n%len(objs)], false)
	}
}

// BenchmarkListerNamespaceSelector lists one namespace (1,000 of 10,000
// objects) by label selector.
func BenchmarkListerNamespaceSelector(b *testing.B) {
	inf := newInformer(testHandle(b), Options[U]{}, newFakeSource().source())
	for _, o := range benchObjects(10000) {
		inf.apply(watch.Added, o, false)
	}
	sel := labels.SelectorFromSet(labels.Set{"app": "app-3"})
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if len(inf.Lister().Namespace("ns-1").List(sel)) == 0 {
			b.Fatal("no match")
		}
	}
}

// BenchmarkLean leans one pod-sized object.
func BenchmarkLean(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := LeanUnstructured(&unstructured.Unstructured{Object: leanFixture()}); err != nil {
			b.Fatal(err)
		}
	}
}
