package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/memserver"
)

// tourGroup is the group of tour/widget-crd.yaml, served as it is.
const tourGroup = "tour.controller.example.com"

// TestReconcileOnMemserver is the controller's unit test on an in-process
// API server (test/memserver): no control plane, so a plain `go test` runs
// it. It serves the tour's Widget CRD with three widgets, runs the whole
// program in-process (run, as main does) against the server's kubeconfig,
// creates a fourth widget and changes the spec of one, and checks that each
// ends with the controller's label, its observed-generation annotation
// and its Reconciled status condition (problem, shared with the
// integration tests), the widgets' own label and annotation kept; then it
// ends the program as a signal would and checks a clean exit.
func TestReconcileOnMemserver(t *testing.T) {
	begin := time.Now()
	srv := memserver.New(t, memserver.Options{
		CRDs:    []*unstructured.Unstructured{tourCRD(t)},
		Objects: []*unstructured.Unstructured{widget("w-0", 0), widget("w-1", 1), widget("w-2", 2)},
	})
	kubeconfig, err := srv.KubeconfigFile()
	if err != nil {
		t.Fatal(err)
	}
	h := memserverWidgets(t, srv)

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var log syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"--kubeconfig", kubeconfig, "--log-format", "json", "--log-level", "debug",
			"-n", "default", "widgets." + tourGroup}, &log)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("controller log:\n%s", log.String())
		}
	})

	if _, err := h.Create(ctx, widget("w-3", 3), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create widget w-3: %v", err)
	}
	out, err := h.Patch(ctx, "w-1", types.MergePatchType, []byte(`{"spec":{"size":11}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("patch widget w-1's spec: %v", err)
	}
	if out.GetGeneration() != 2 {
		t.Fatalf("w-1: generation %d after a spec change, want 2", out.GetGeneration())
	}
	reconciledOnMemserver(t, h, 4)
	t.Logf("served, reconciled and checked 4 widgets in %v", time.Since(begin).Round(time.Millisecond))

	stop()
	select {
	case code := <-exit:
		if code != exitOK {
			t.Fatalf("controller exited %d, want %d", code, exitOK)
		}
	case <-time.After(deadline):
		t.Fatalf("controller still running %v after its context ended", deadline)
	}
	if !strings.Contains(log.String(), `"msg":"shut down cleanly"`) {
		t.Errorf("controller did not log \"shut down cleanly\"")
	}
}

// reconciledOnMemserver polls h until it holds n widgets that problem
// finds nothing wrong with; deadline is a failure bound, not a speed goal.
func reconciledOnMemserver(t *testing.T, h *dynamic.ResourceHandle, n int) {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		l, err := h.List(ctx, metav1.ListOptions{})
		cancel()
		status := ""
		switch {
		case err != nil:
			status = err.Error()
		case len(l.Items) != n:
			status = fmt.Sprintf("%d widgets, want %d", len(l.Items), n)
		default:
			for i := range l.Items {
				if status = problem(&l.Items[i], true, "kubedyn-controller"); status != "" {
					break
				}
			}
		}
		if status == "" {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("widgets not reconciled after %v: %s", deadline, status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// tourCRD reads tour/widget-crd.yaml.
func tourCRD(t *testing.T) *unstructured.Unstructured {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("tour", "widget-crd.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	crd := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(raw, &crd.Object); err != nil {
		t.Fatalf("tour/widget-crd.yaml: %v", err)
	}
	return crd
}

// widget is a Widget of the tour in namespace default, with a label and an
// annotation of its own, which the controller must keep.
func widget(name string, size int64) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": tourGroup + "/v1",
		"kind":       "Widget",
		"metadata": map[string]any{
			"name":        name,
			"namespace":   "default",
			"labels":      map[string]any{"app": "test"},
			"annotations": map[string]any{"owner": "test"},
		},
		"spec": map[string]any{"size": size},
	}}
}

// memserverWidgets is kubedyn's dynamic client for the widgets in
// namespace default of srv, for the test's own writes and checks.
func memserverWidgets(t *testing.T, srv *memserver.Server) *dynamic.ResourceHandle {
	t.Helper()
	cfg := srv.RESTConfig()
	cfg.WarningHandler = rest.DiscardWarnings
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return dyn.Resource(schema.GroupVersionResource{Group: tourGroup, Version: "v1", Resource: "widgets"}).Namespace("default")
}

// syncBuffer is the program's stderr: written by its goroutines, read by
// the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
