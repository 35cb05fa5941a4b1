package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
)

// rec builds one scenario's Record. Setup failures (a fixture that cannot be
// installed) are kept in setupErr and returned by done; every request's
// outcome, success or error, is a step.
type rec struct {
	ctx      context.Context
	t        *Target
	steps    []Step
	setupErr error
	cleanup  []func(context.Context)
	dateCols []int // the last Table's date columns (watch events after the first carry none)
}

func newRec(ctx context.Context, t *Target) *rec { return &rec{ctx: ctx, t: t} }

// done normalises and returns the record.
func (r *rec) done() (Record, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), 30*time.Second)
	defer cancel()
	for i := len(r.cleanup) - 1; i >= 0; i-- {
		r.cleanup[i](ctx)
	}
	if r.setupErr != nil {
		return Record{}, r.setupErr
	}
	rec := Record{Steps: r.steps}
	if err := normalise(&rec, r.t.Literals()); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// setup keeps the first setup error.
func (r *rec) setup(err error) {
	if err != nil && r.setupErr == nil {
		r.setupErr = err
	}
}

// add appends a step with value v (converted to generic JSON) and err.
func (r *rec) add(op string, code int, v any, err error) {
	s := Step{Op: op, Code: code, Error: statusOf(err), Warnings: r.t.warnings.drain()}
	if tbl, ok := v.(*metav1.Table); ok && tbl != nil {
		v = r.table(tbl)
	}
	if err == nil {
		g, gerr := generic(v)
		if gerr != nil {
			r.setup(gerr)
		}
		s.Value = g
	}
	r.steps = append(r.steps, s)
}

// fact records a value computed by the scenario.
func (r *rec) fact(op string, v any) { r.add(op, 0, v, nil) }

// obj returns a recorder of one object-returning call; it returns the object.
func (r *rec) obj(op string) func(*unstructured.Unstructured, error) *unstructured.Unstructured {
	return func(u *unstructured.Unstructured, err error) *unstructured.Unstructured {
		if err != nil {
			r.add(op, 0, nil, err)
			return nil
		}
		r.add(op, 0, u, nil)
		return u
	}
}

// list returns a recorder of one list call.
func (r *rec) list(op string) func(*unstructured.UnstructuredList, error) *unstructured.UnstructuredList {
	return func(l *unstructured.UnstructuredList, err error) *unstructured.UnstructuredList {
		if err != nil {
			r.add(op, 0, nil, err)
			return nil
		}
		r.add(op, 0, l, nil)
		return l
	}
}

// val returns a recorder of a call returning any value.
func (r *rec) val(op string) func(any, error) {
	return func(v any, err error) { r.add(op, 0, v, err) }
}

// err records a call that returns only an error.
func (r *rec) err(op string, err error) { r.add(op, 0, nil, err) }

// quiet runs a setup call whose result is not recorded; its error is a
// setup failure.
func (r *rec) quiet(u *unstructured.Unstructured, err error) *unstructured.Unstructured {
	r.setup(err)
	return u
}

// raw sends one request through the rest client and records its status
// code and body (JSON when it parses, else the text).
func (r *rec) raw(op string, req *rest.Request) any {
	resp, err := r.t.Rest.Do(r.ctx, req)
	if err != nil {
		code := 0
		if s := statusOf(err); s != nil {
			code = int(s.Code)
		}
		r.add(op, code, nil, err)
		return nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		r.add(op, resp.StatusCode, nil, err)
		return nil
	}
	var v any
	if len(data) > 0 && json.Unmarshal(data, &v) != nil {
		v = string(data)
	}
	r.add(op, resp.StatusCode, v, nil)
	return v
}

// req builds a raw request on path with query parameters and a body.
func req(method, path string, query url.Values, contentType string, body string) *rest.Request {
	rq := &rest.Request{Method: method, Path: path, Query: query}
	if body != "" {
		rq.Body = []byte(body)
	}
	if contentType != "" {
		rq.Header = http.Header{"Content-Type": {contentType}}
	}
	return rq
}

// table replaces the cells of date columns (ages, which depend on the
// moment) with "<age>".
func (r *rec) table(t *metav1.Table) *metav1.Table {
	t = t.DeepCopy()
	if len(t.ColumnDefinitions) > 0 {
		r.dateCols = nil
		for i, c := range t.ColumnDefinitions {
			if c.Type == "date" || c.Format == "date" || c.Name == "Age" {
				r.dateCols = append(r.dateCols, i)
			}
		}
	}
	for i := range t.Rows {
		for _, c := range r.dateCols {
			if c < len(t.Rows[i].Cells) {
				t.Rows[i].Cells[c] = "<age>"
			}
		}
	}
	return t
}

// watchOpts tunes events.
type watchOpts struct {
	n    int           // stop after n recorded events; <= 0: until the watch ends
	wait time.Duration // give up waiting after this long (default 10s)
	// maskDigits replaces the digits of ERROR events' messages by N
	// (messages that quote the server's current resourceVersion).
	maskDigits bool
}

// events records a watch: up to o.n events (bookmarks without the
// initial-events-end annotation, whose timing is the server's, are left
// out) and whether the watch ended by itself.
func (r *rec) events(op string, w watch.Interface, err error, o watchOpts) {
	if err != nil {
		r.add(op, 0, nil, err)
		return
	}
	defer w.Stop()
	if o.wait == 0 {
		o.wait = 10 * time.Second
	}
	timer := time.NewTimer(o.wait)
	defer timer.Stop()
	var evs []Event
	ended := false
loop:
	for o.n <= 0 || len(evs) < o.n {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				ended = true
				break loop
			}
			if ev.Type == watch.Bookmark && !initialEnd(ev.Object) {
				continue
			}
			obj := ev.Object
			switch o2 := obj.(type) {
			case *metav1.Table:
				obj = r.table(o2)
			case *metav1.Status:
				if o.maskDigits {
					s := o2.DeepCopy()
					s.Message = digitsRE.ReplaceAllString(s.Message, "N")
					obj = s
				}
			}
			evs = append(evs, Event{Type: string(ev.Type), Object: obj})
		case <-timer.C:
			break loop
		}
	}
	r.add(op, 0, map[string]any{"events": evs, "ended": ended}, nil)
}

// initialEnd reports whether a bookmark carries the initial-events-end annotation.
func initialEnd(obj any) bool {
	type annotated interface{ GetAnnotations() map[string]string }
	if a, ok := obj.(annotated); ok {
		return a.GetAnnotations()[dynamic.InitialEventsEndAnnotation] == "true"
	}
	if t, ok := obj.(*metav1.Table); ok {
		data, _ := json.Marshal(t)
		return bytes.Contains(data, []byte(dynamic.InitialEventsEndAnnotation))
	}
	return false
}

// ns returns the handle of resource gvr in the scenario's namespace.
func (r *rec) ns(gvr schema.GroupVersionResource) *dynamic.ResourceHandle {
	return r.t.Dyn.Resource(gvr).Namespace(r.t.Namespace)
}

// cms is the configmaps of the scenario's namespace.
func (r *rec) cms() *dynamic.ResourceHandle { return r.ns(cmGVR) }

// widgets is the shared widgets resource in the scenario's namespace.
func (r *rec) widgets() *dynamic.ResourceHandle {
	gvr, err := r.t.Widgets(r.ctx)
	r.setup(err)
	return r.ns(gvr)
}

// gizmos is the shared cluster-scoped gizmos resource; the gizmos a
// scenario creates are deleted when it ends.
func (r *rec) gizmos() *dynamic.ResourceHandle {
	gvr, err := r.t.Gizmos(r.ctx)
	r.setup(err)
	return r.t.Dyn.Resource(gvr)
}

// gizmoName is a cluster-unique name for a gizmo ("NS-suffix" in records),
// deleted when the scenario ends.
func (r *rec) gizmoName(suffix string) string {
	name := r.t.Namespace + "-" + suffix
	r.cleanup = append(r.cleanup, func(ctx context.Context) {
		_ = r.gizmos().Delete(ctx, name, metav1.DeleteOptions{})
	})
	return name
}

// ownCRD installs a CRD of the scenario's own group, deletes it when the
// scenario ends, and returns its resource. The install is not recorded.
func (r *rec) ownCRD(crd *unstructured.Unstructured, version string) schema.GroupVersionResource {
	plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
	gvr := schema.GroupVersionResource{Group: r.t.Group, Version: version, Resource: plural}
	r.cleanup = append(r.cleanup, func(ctx context.Context) {
		_ = r.t.Dyn.Resource(crdGVR).Delete(ctx, crd.GetName(), metav1.DeleteOptions{})
	})
	r.setup(r.t.installCRD(r.ctx, crd, gvr))
	return gvr
}

// wait polls cond (a setup step, not recorded).
func (r *rec) wait(what string, cond func(context.Context) bool) {
	r.setup(waitFor(r.ctx, what, func(ctx context.Context) (bool, error) { return cond(ctx), nil }))
}
