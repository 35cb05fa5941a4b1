package conformance

import (
	"net/http"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic"
)

func patchScenarios() []Scenario {
	one := map[string]any{"k": "v", "keep": "yes"}
	cm := func(r *rec) { r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{})) }
	w := func(r *rec, spec map[string]any) {
		r.quiet(r.widgets().Create(r.ctx, r.widget("w", spec), metav1.CreateOptions{}))
	}
	ports := map[string]any{"replicas": int64(1), "ports": []any{map[string]any{"name": "http", "port": int64(80)}, map[string]any{"name": "metrics", "port": int64(9090)}}, "tags": []any{"x", "y"}}
	return []Scenario{
		sc("patch/merge-configmap", func(r *rec) {
			cm(r)
			r.obj("merge patch")(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"new":"1"}}`), metav1.PatchOptions{}))
		}),
		sc("patch/merge-null-removes", func(r *rec) {
			cm(r)
			r.obj("merge patch null")(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":null}}`), metav1.PatchOptions{}))
		}),
		sc("patch/merge-cr-list-replaced", func(r *rec) {
			w(r, ports)
			r.obj("merge patch ports")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"ports":[{"name":"https","port":443}],"tags":["z"]}}`), metav1.PatchOptions{}))
		}),
		sc("patch/json-add-replace-remove", func(r *rec) {
			cm(r)
			r.obj("json patch")(r.cms().Patch(r.ctx, "a", types.JSONPatchType, merge(`[{"op":"add","path":"/data/n","value":"1"},{"op":"replace","path":"/data/k","value":"v2"},{"op":"remove","path":"/data/keep"},{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]`), metav1.PatchOptions{}))
		}),
		sc("patch/json-test-failure", func(r *rec) {
			cm(r)
			r.obj("json patch failing test")(r.cms().Patch(r.ctx, "a", types.JSONPatchType, merge(`[{"op":"test","path":"/data/k","value":"nope"},{"op":"replace","path":"/data/k","value":"v2"}]`), metav1.PatchOptions{}))
			r.obj("get")(r.cms().Get(r.ctx, "a", metav1.GetOptions{}))
		}),
		sc("patch/json-missing-path", func(r *rec) {
			cm(r)
			r.obj("json patch remove missing")(r.cms().Patch(r.ctx, "a", types.JSONPatchType, merge(`[{"op":"remove","path":"/data/missing"}]`), metav1.PatchOptions{}))
			r.obj("json patch not an array")(r.cms().Patch(r.ctx, "a", types.JSONPatchType, merge(`{"op":"remove"}`), metav1.PatchOptions{}))
		}),
		sc("patch/strategic-deployment-containers", func(r *rec) {
			r.quiet(r.ns(deployGVR).Create(r.ctx, deployment("web", 1, "a", "b"), metav1.CreateOptions{}))
			r.obj("strategic patch containers")(r.ns(deployGVR).Patch(r.ctx, "web", types.StrategicMergePatchType,
				merge(`{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"busybox"},{"name":"c","image":"c:1"}]}}}}`), metav1.PatchOptions{}))
		}),
		sc("patch/strategic-delete-directive", func(r *rec) {
			r.quiet(r.ns(deployGVR).Create(r.ctx, deployment("web", 1, "a", "b"), metav1.CreateOptions{}))
			r.obj("strategic patch $patch: delete")(r.ns(deployGVR).Patch(r.ctx, "web", types.StrategicMergePatchType,
				merge(`{"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}}}`), metav1.PatchOptions{}))
		}),
		sc("patch/strategic-configmap", func(r *rec) {
			cm(r)
			r.obj("strategic patch cm")(r.cms().Patch(r.ctx, "a", types.StrategicMergePatchType, merge(`{"data":{"n":"1","k":null}}`), metav1.PatchOptions{}))
		}),
		sc("patch/strategic-cr-415", func(r *rec) {
			w(r, ports)
			r.raw("strategic PATCH widget", req(http.MethodPatch, r.widgetsPath()+"/w", nil, string(types.StrategicMergePatchType), `{"spec":{"replicas":2}}`))
			r.obj("strategic patch without schemas")(r.widgets().Patch(r.ctx, "w", types.StrategicMergePatchType, merge(`{"spec":{"replicas":2}}`), metav1.PatchOptions{}))
		}),
		sc("patch/strategic-cr-client-fallback", func(r *rec) {
			w(r, ports)
			gv := r.widgets().GroupVersionResource().GroupVersion().String()
			r.waitOpenAPI("apis/"+gv, true)
			dyn, err := dynamic.New(r.t.Rest, dynamic.Options{Schemas: r.t.Disc})
			r.setup(err)
			if dyn == nil {
				return
			}
			h := dyn.Resource(r.widgets().GroupVersionResource()).Namespace(r.t.Namespace)
			r.obj("strategic patch through kubedyn")(h.Patch(r.ctx, "w", types.StrategicMergePatchType,
				merge(`{"spec":{"ports":[{"name":"https","port":443},{"name":"http","port":8080}],"tags":["z","x"]}}`), metav1.PatchOptions{FieldManager: "smp"}))
		}),
		sc("patch/rv-precondition-conflict", func(r *rec) {
			c := r.quiet(r.cms().Create(r.ctx, configMap("a", one), metav1.CreateOptions{}))
			r.quiet(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"v2"}}`), metav1.PatchOptions{}))
			if c != nil {
				r.obj("merge patch with stale resourceVersion")(r.cms().Patch(r.ctx, "a", types.MergePatchType,
					merge(`{"metadata":{"resourceVersion":"`+c.GetResourceVersion()+`"},"data":{"k":"v3"}}`), metav1.PatchOptions{}))
			}
		}),
		sc("patch/status-subresource", func(r *rec) {
			w(r, map[string]any{"replicas": int64(1)})
			r.obj("merge patch /status with spec")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"replicas":9},"status":{"phase":"Ready","replicas":1}}`), metav1.PatchOptions{}, "status"))
		}),
		sc("patch/main-ignores-status", func(r *rec) {
			w(r, map[string]any{"replicas": int64(1)})
			r.obj("merge patch status on main")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"replicas":2},"status":{"phase":"Ready"}}`), metav1.PatchOptions{}))
		}),
		sc("patch/noop-keeps-rv", func(r *rec) {
			cm(r)
			r.obj("merge patch same value")(r.cms().Patch(r.ctx, "a", types.MergePatchType, merge(`{"data":{"k":"v"}}`), metav1.PatchOptions{}))
			w(r, map[string]any{"replicas": int64(1)})
			r.obj("json patch widget same value")(r.widgets().Patch(r.ctx, "w", types.JSONPatchType, merge(`[{"op":"replace","path":"/spec/replicas","value":1}]`), metav1.PatchOptions{}))
		}),
		sc("patch/malformed", func(r *rec) {
			cm(r)
			r.raw("merge patch garbage", req(http.MethodPatch, r.nsPath("configmaps")+"/a", nil, string(types.MergePatchType), `{"data":`))
			r.raw("merge patch array", req(http.MethodPatch, r.nsPath("configmaps")+"/a", nil, string(types.MergePatchType), `[1,2]`))
		}),
		sc("patch/generation-bump", func(r *rec) {
			w(r, map[string]any{"replicas": int64(1)})
			r.obj("json patch spec")(r.widgets().Patch(r.ctx, "w", types.JSONPatchType, merge(`[{"op":"replace","path":"/spec/replicas","value":4}]`), metav1.PatchOptions{}))
		}),
		sc("patch/missing-object", func(r *rec) {
			r.obj("merge patch missing cm")(r.cms().Patch(r.ctx, "nope", types.MergePatchType, merge(`{"data":{"k":"v"}}`), metav1.PatchOptions{}))
		}),
	}
}
