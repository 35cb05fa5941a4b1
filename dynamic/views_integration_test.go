package dynamic

import (
	"context"
	"github.com/google/go-cmp/cmp"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationTablesAndMetadata reads server-side Tables and
// PartialObjectMetadata from the real server.
func TestIntegrationTablesAndMetadata(t *testing.T) {
	env := cluster.Get(t)
	c := adminClient(t, env)
	ns := env.Namespace(t)
	ctx := context.Background()
	cms := c.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)
	w, err := cms.WatchMetadata(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	tw, err := cms.WatchTable(ctx, metav1.ListOptions{}, metav1.TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tw.Stop()
	big := map[string]any{}
	for _, k := range []string{"a", "b", "c"} {
		big[k] = string(make([]byte, 10000))
	}
	cm := configMap(ns, "wide", big)
	cm.SetLabels(map[string]string{"app": "x"})
	if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	table, err := cms.ListTable(ctx, metav1.ListOptions{}, metav1.TableOptions{IncludeObject: metav1.IncludeNone})
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, col := range table.ColumnDefinitions {
		cols = append(cols, col.Name)
	}
	if len(cols) < 3 || cols[0] != "Name" || cols[1] != "Data" {
		t.Errorf("columns %v, want Name, Data, Age (kubectl get configmaps)", cols)
	}
	if len(table.Rows) != 1 || table.Rows[0].Cells[0] != "wide" || table.Rows[0].Cells[1] != int64(3) && table.Rows[0].Cells[1] != float64(3) {
		t.Errorf("rows %v", table.Rows)
	}
	one, err := cms.GetTable(ctx, "wide", metav1.GetOptions{}, metav1.TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Rows) != 1 || len(one.Rows[0].Object.Raw) == 0 {
		t.Errorf("GetTable: %d rows, object %q (the default includes metadata)", len(one.Rows), one.Rows[0].Object.Raw)
	}

	meta, err := cms.GetMetadata(ctx, "wide", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if meta.Name != "wide" || meta.Labels["app"] != "x" || meta.UID == "" || meta.Kind != "PartialObjectMetadata" {
		t.Errorf("metadata %+v", meta)
	}
	list, err := cms.ListMetadata(ctx, metav1.ListOptions{LabelSelector: "app=x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Name != "wide" {
		t.Errorf("ListMetadata: %+v", list.Items)
	}
	select {
	case ev := <-w.ResultChan():
		m, ok := ev.Object.(*metav1.PartialObjectMetadata)
		if !ok || m.Name != "wide" || ev.Type != "ADDED" {
			t.Errorf("WatchMetadata event %s %T", ev.Type, ev.Object)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("WatchMetadata saw nothing")
	}
	select {
	case ev := <-tw.ResultChan():
		tb, ok := ev.Object.(*metav1.Table)
		if !ok || ev.Type != "ADDED" || len(tb.Rows) != 1 || tb.Rows[0].Cells[0] != "wide" {
			t.Fatalf("WatchTable event %s %#v", ev.Type, ev.Object)
		}
		var cols []string
		for _, col := range tb.ColumnDefinitions {
			cols = append(cols, col.Name)
		}
		if diff := cmp.Diff([]string{"Name", "Data", "Age"}, cols); diff != "" {
			t.Errorf("WatchTable's first event's columns (-want +got):\n%s", diff)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("WatchTable saw nothing")
	}
}
