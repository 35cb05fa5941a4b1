package memserver

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/rest"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// getJSON GETs path with an Accept header and decodes the body.
func getJSON(t *testing.T, rc *rest.Client, path, accept string, into any) int {
	t.Helper()
	h := http.Header{}
	if accept != "" {
		h.Set("Accept", accept)
	}
	resp, err := rc.Do(testCtx(t), &rest.Request{Path: path, Header: h})
	if err != nil {
		if se, ok := err.(apierrors.APIStatus); ok {
			return int(se.Status().Code)
		}
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("decode %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

func TestCRDLifecycle(t *testing.T) {
	_, rc, dc := clients(t, Options{})
	ctx := testCtx(t)
	if code := getJSON(t, rc, "/apis/memtest.example.com/v1", "", nil); code != 404 {
		t.Fatalf("group-version served before its CRD: %d", code)
	}
	crd, err := dc.Resource(crdGVR).Create(ctx, widgetCRD(), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fins := crd.GetFinalizers(); len(fins) != 0 {
		t.Errorf("CRD finalizers %v at create, want none (the cleanup finalizer comes with the delete)", fins)
	}
	got, err := dc.Resource(crdGVR).Get(ctx, crd.GetName(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	conds, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
	established := false
	for _, c := range conds {
		m := c.(map[string]any)
		established = established || (m["type"] == "Established" && m["status"] == "True")
	}
	if !established {
		t.Errorf("CRD not Established: %v", conds)
	}
	var agg aggList
	getJSON(t, rc, "/apis", aggAccept, &agg)
	if !hasGroup(agg, "memtest.example.com") {
		t.Error("aggregated discovery lacks the CRD's group")
	}
	var openapi map[string]any
	if code := getJSON(t, rc, "/openapi/v3/apis/memtest.example.com/v1", "", &openapi); code != 200 {
		t.Errorf("OpenAPI v3 of the CRD: %d", code)
	}
	if _, err := dc.Resource(widgetGVR).Namespace("default").Create(ctx, widget("w", nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.Resource(widgetGVR).Namespace("default").Create(ctx, widget("bad", map[string]any{"color": "pink"}), metav1.CreateOptions{}); !apierrors.IsInvalid(err) {
		t.Errorf("enum violation: %v, want Invalid", err)
	}
	if err := dc.Resource(crdGVR).Delete(ctx, crd.GetName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for getJSON(t, rc, "/apis/memtest.example.com/v1", "", nil) != 404 {
		if time.Now().After(deadline) {
			t.Fatal("CRD group-version still served after delete")
		}
		time.Sleep(10 * time.Millisecond)
	}
	getJSON(t, rc, "/apis", aggAccept, &agg)
	if hasGroup(agg, "memtest.example.com") {
		t.Error("aggregated discovery still lists the deleted CRD's group")
	}
}

func hasGroup(l aggList, g string) bool {
	for _, it := range l.Items {
		if it.Metadata.Name == g {
			return true
		}
	}
	return false
}

func TestScaleSubresource(t *testing.T) {
	_, _, dc := clients(t, Options{CRDs: []*unstructured.Unstructured{widgetCRD()}})
	ctx := testCtx(t)
	h := dc.Resource(widgetGVR).Namespace("default")
	if _, err := h.Create(ctx, widget("s", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sc, err := h.Get(ctx, "s", metav1.GetOptions{}, "scale")
	if err != nil {
		t.Fatal(err)
	}
	if sc.GetKind() != "Scale" {
		t.Fatalf("scale kind %q", sc.GetKind())
	}
	_ = unstructured.SetNestedField(sc.Object, int64(4), "spec", "replicas")
	if _, err := h.Update(ctx, sc, metav1.UpdateOptions{}, "scale"); err != nil {
		t.Fatal(err)
	}
	w, err := h.Get(ctx, "s", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, _, _ := unstructured.NestedInt64(w.Object, "spec", "replicas"); r != 4 || w.GetGeneration() != 2 {
		t.Errorf("after scale: replicas %d generation %d, want 4 2", r, w.GetGeneration())
	}
}
