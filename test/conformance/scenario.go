package conformance

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Scenario is one conformance scenario: a name from SCENARIOS.md and the
// function that plays it against a Target and records what it observed.
type Scenario struct {
	Name string
	Run  func(ctx context.Context, t *Target) (Record, error)
}

// sc makes a Scenario of a body that records through a rec.
func sc(name string, body func(r *rec)) Scenario {
	return Scenario{Name: name, Run: func(ctx context.Context, t *Target) (Record, error) {
		r := newRec(ctx, t)
		body(r)
		return r.done()
	}}
}

// Scenarios returns every scenario, sorted by name.
func Scenarios() []Scenario {
	var all []Scenario
	for _, area := range [][]Scenario{
		discoveryScenarios(), crdDiscoveryScenarios(),
		objectScenarios(), crScenarios(), validationScenarios(), dryRunScenarios(),
		errorScenarios(), listScenarios(), pagingScenarios(), tableScenarios(),
		watchScenarios(), initialEventsScenarios(),
		patchScenarios(), applyScenarios(), subresourceScenarios(), deleteScenarios(),
	} {
		all = append(all, area...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// Run plays sc on the server s reaches, in a fresh Target (namespace and
// group), and returns its normalised Record. A panic in the scenario (a
// server answered so differently that a later step had nothing to work on)
// is returned as an error.
func Run(ctx context.Context, s *Shared, sc Scenario) (rec Record, err error) {
	t, err := s.NewTarget(ctx, sc.Name)
	if err != nil {
		return Record{}, err
	}
	defer t.DeleteNamespace(context.WithoutCancel(ctx))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("scenario %s on %s panicked: %v\n%s", sc.Name, s.Server, p, debug.Stack())
		}
	}()
	return sc.Run(ctx, t)
}

// obj builds an object of apiVersion and kind named name, with the fields
// of body merged at the top level.
func obj(apiVersion, kind, name string, body map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name}}}
	for k, v := range body {
		u.Object[k] = v
	}
	return u
}

// configMap builds a ConfigMap with data.
func configMap(name string, data map[string]any) *unstructured.Unstructured {
	return obj("v1", "ConfigMap", name, map[string]any{"data": data})
}

// labelled sets labels on u and returns it.
func labelled(u *unstructured.Unstructured, labels map[string]string) *unstructured.Unstructured {
	u.SetLabels(labels)
	return u
}

// widget builds a Widget of the shared CRD with spec.
func (r *rec) widget(name string, spec map[string]any) *unstructured.Unstructured {
	gvr, err := r.t.Widgets(r.ctx)
	r.setup(err)
	if spec == nil {
		return obj(gvr.GroupVersion().String(), "Widget", name, nil)
	}
	return obj(gvr.GroupVersion().String(), "Widget", name, map[string]any{"spec": spec})
}

// gizmo builds a Gizmo of the shared cluster-scoped CRD.
func (r *rec) gizmo(name string, spec map[string]any) *unstructured.Unstructured {
	gvr, err := r.t.Gizmos(r.ctx)
	r.setup(err)
	return obj(gvr.GroupVersion().String(), "Gizmo", name, map[string]any{"spec": spec})
}

// deployment builds a Deployment with one container per name (image nginx).
func deployment(name string, replicas int64, containers ...string) *unstructured.Unstructured {
	var cs []any
	for _, c := range containers {
		cs = append(cs, map[string]any{"name": c, "image": "nginx:1." + c})
	}
	labels := map[string]any{"app": name}
	return obj("apps/v1", "Deployment", name, map[string]any{"spec": map[string]any{
		"replicas": replicas,
		"selector": map[string]any{"matchLabels": labels},
		"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": map[string]any{"containers": cs}},
	}})
}

// simpleCRD builds a CRD of the scenario's own group with one version v1
// (status subresource on) and a small schema.
func (r *rec) simpleCRD(plural, kind, scope string) *unstructured.Unstructured {
	return crdObject(r.t.Group, plural, kind, scope, []any{simpleVersion("v1", true)}, nil, nil)
}

// simpleVersion is one CRD version with a small schema and a status subresource.
func simpleVersion(name string, storage bool) map[string]any {
	return map[string]any{
		"name": name, "served": true, "storage": storage,
		"subresources": map[string]any{"status": map[string]any{}},
		"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "properties": map[string]any{
			"spec":   map[string]any{"type": "object", "properties": map[string]any{"size": map[string]any{"type": "integer"}}},
			"status": map[string]any{"type": "object", "properties": map[string]any{"phase": map[string]any{"type": "string"}}},
		}}},
	}
}
