package compact_test

import (
	"bytes"
	"reflect"
	"sync"
	"testing"

	kdu "github.com/kubedyn/kubedyn/unstructured"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

// TestReadWhileBuilding reads objects (trees, labels, names; strings
// stored compressed by default, decoded at once by several readers) on several
// goroutines while a Builder adds strings to their Table; run with -race.
func TestReadWhileBuilding(t *testing.T) {
	tab := compact.NewTable()
	b := compact.NewBuilder(tab, mustPlan(t, compact.Options{}))
	first, err := kdu.DecodeCompact(bytes.NewReader(serverPod(t, 0)), b)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := kdu.DecodeCompact(bytes.NewReader(serverConfigMap(t, 0)), b) // its properties compressed
	if err != nil {
		t.Fatal(err)
	}
	cmTree := cm.Unstructured()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for range 50 {
				if !reflect.DeepEqual(cm.Unstructured(), cmTree) {
					t.Error("a compressed object reads differently while others are read")
					return
				}
				if first.Unstructured().GetName() != first.GetName() || first.Labels().Get("app.kubernetes.io/name") != "web" {
					t.Error("a read differs while the table grows")
					return
				}
			}
		})
	}
	for i := 1; i < 60; i++ {
		if _, err := kdu.DecodeCompact(bytes.NewReader(serverConfigMap(t, i)), b); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if tab.Len() == 0 {
		t.Error("nothing was interned")
	}
}
