package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
)

// watcher prints the initial state of one resource (or one object) and then
// every change, with a resumable watch: unlike kubectl get -w, which exits
// when its connection drops, it reconnects from the last resourceVersion and
// carries on until interrupted.
type watcher struct {
	s   *session
	o   getFlags
	tg  target
	h   *dynamic.ResourceHandle
	out io.Writer
	// failed is the watch's last ERROR, until an event follows it.
	failed error

	// table output
	tp    printer.TablePrinter
	al    printer.Aligner
	cols  []metav1.TableColumnDefinition
	rows  map[string]metav1.TableRow // last row printed per namespace/name
	yamls int                        // objects printed as YAML, for "---"
}

func runWatch(ctx context.Context, s *session, o getFlags, targets []target) error {
	if len(targets) != 1 {
		return fmt.Errorf("watch is only supported on individual resources and resource collections, but %d resources were found", len(targets))
	}
	w := &watcher{s: s, o: o, tg: targets[0], out: s.out, rows: map[string]metav1.TableRow{}}
	w.h = s.handle(w.tg.mapping, o.requestNamespace(s))
	w.tp.Options = printer.TableOptions{
		Wide:          o.output == "wide",
		NoHeaders:     o.noHeaders,
		WithNamespace: o.allNamespaces && namespaced(w.tg.mapping),
	}
	lo := metav1.ListOptions{LabelSelector: o.selector, FieldSelector: o.fieldSelector}
	if !w.tg.collection {
		lo = metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", w.tg.name).String()}
	}
	rv, known, err := w.initial(ctx, lo)
	if err != nil {
		return err
	}
	lo.ResourceVersion = rv
	wi, err := w.h.WatchResumable(ctx, lo, dynamic.ResumeOptions{Known: known})
	if err != nil {
		return err
	}
	defer wi.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-wi.ResultChan():
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				if w.failed != nil { // the watch's last ERROR ended it
					return w.failed
				}
				return fmt.Errorf("the watch of %s ended unexpectedly", w.tg.mapping.Resource)
			}
			if err := w.event(ctx, ev); err != nil {
				return err
			}
		}
	}
}

// initial prints the current state and returns its resourceVersion and the
// objects it holds (for the watch to resume from after an expiry).
func (w *watcher) initial(ctx context.Context, lo metav1.ListOptions) (string, []unstructured.Unstructured, error) {
	if w.table() {
		t, err := w.h.ListTable(ctx, lo, metav1.TableOptions{})
		if err != nil {
			return "", nil, err
		}
		if !w.tg.collection && len(t.Rows) == 0 {
			_, err := w.h.Get(ctx, w.tg.name, metav1.GetOptions{}) // kubectl's NotFound
			if err == nil {
				err = fmt.Errorf("%s %q not found", w.tg.mapping.Resource.Resource, w.tg.name)
			}
			return "", nil, err
		}
		w.cols = t.ColumnDefinitions
		known := make([]unstructured.Unstructured, 0, len(t.Rows))
		for _, row := range t.Rows {
			md := rowMeta(row)
			w.rows[md.Namespace+"/"+md.Name] = row
			u := unstructured.Unstructured{Object: map[string]any{}}
			u.SetGroupVersionKind(w.tg.mapping.GroupVersionKind)
			u.SetNamespace(md.Namespace)
			u.SetName(md.Name)
			u.SetResourceVersion(md.ResourceVersion)
			u.SetUID(md.UID)
			known = append(known, u)
		}
		return t.ResourceVersion, known, w.al.Write(w.out, w.tp.Rows(t))
	}
	list, err := w.h.List(ctx, lo)
	if err != nil {
		return "", nil, err
	}
	if !w.tg.collection && len(list.Items) == 0 {
		_, err := w.h.Get(ctx, w.tg.name, metav1.GetOptions{})
		return "", nil, err
	}
	for i := range list.Items {
		if err := w.printObject(&list.Items[i]); err != nil {
			return "", nil, err
		}
	}
	return list.GetResourceVersion(), list.Items, nil
}

func (w *watcher) table() bool { return w.o.output == "" || w.o.output == "wide" }

// event prints one watch event.
func (w *watcher) event(ctx context.Context, ev watch.Event) error {
	switch ev.Type {
	case watch.Bookmark:
		return nil
	case watch.Error:
		// WatchResumable goes on after a transient error (a 5xx, a stream
		// it could not read) and closes after a final one: keep it until
		// the next event says which.
		w.failed = apierrors.FromObject(ev.Object)
		return nil
	}
	if w.failed != nil {
		fmt.Fprintf(w.s.errOut, "Warning: the watch of %s resumed after: %v\n", w.tg.mapping.Resource, w.failed)
		w.failed = nil
	}
	obj, ok := ev.Object.(*unstructured.Unstructured)
	if !ok {
		return fmt.Errorf("watch of %s: unexpected %T in a %s event", w.tg.mapping.Resource, ev.Object, ev.Type)
	}
	if !w.table() {
		return w.printObject(obj)
	}
	key := obj.GetNamespace() + "/" + obj.GetName()
	row, ok := w.rows[key]
	if ev.Type != watch.Deleted || !ok {
		// The server renders the row; a row for an object deleted
		// meanwhile is the last one printed.
		t, err := w.h.Namespace(obj.GetNamespace()).GetTable(ctx, obj.GetName(), metav1.GetOptions{}, metav1.TableOptions{})
		switch {
		case err == nil && len(t.Rows) == 1:
			row = t.Rows[0]
			if len(w.cols) == 0 {
				w.cols = t.ColumnDefinitions
			}
		case err != nil && !apierrors.IsNotFound(err):
			return err
		case !ok:
			return nil // gone before it could be shown, and never shown
		}
	}
	if ev.Type == watch.Deleted {
		delete(w.rows, key)
	} else {
		w.rows[key] = row
	}
	return w.al.Write(w.out, w.tp.Rows(&metav1.Table{ColumnDefinitions: w.cols, Rows: []metav1.TableRow{row}}))
}

// printObject prints one object with -o json, yaml or name.
func (w *watcher) printObject(obj *unstructured.Unstructured) error {
	switch w.o.output {
	case "name":
		gk := schema.FromAPIVersionAndKind(obj.GetAPIVersion(), obj.GetKind()).GroupKind()
		_, err := fmt.Fprintln(w.out, printer.ObjectName(gk, obj.GetName()))
		return err
	case "yaml":
		if w.yamls++; w.yamls > 1 {
			if _, err := io.WriteString(w.out, "---\n"); err != nil {
				return err
			}
		}
		return printer.YAML(w.out, printer.WithoutManagedFields(obj))
	}
	return printer.JSON(w.out, printer.WithoutManagedFields(obj))
}

// rowMeta reads the metadata of a table row's object (the server sends
// PartialObjectMetadata by default).
func rowMeta(row metav1.TableRow) metav1.ObjectMeta {
	var m struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	_ = json.Unmarshal(row.Object.Raw, &m) // a row without an object has no metadata
	return m.Metadata
}
