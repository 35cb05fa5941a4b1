package conformance

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// scaledWidget creates widget w with 3 replicas and status replicas 1,
// selector app=w.
func (r *rec) scaledWidget() {
	r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(3)}), metav1.CreateOptions{}))
	r.quiet(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"status":{"replicas":1,"selector":"app=w"}}`), metav1.PatchOptions{}, "status"))
}

func subresourceScenarios() []Scenario {
	return []Scenario{
		sc("subresource/status-put-ignores-spec", func(r *rec) {
			c := r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			if c == nil {
				return
			}
			_ = unstructured.SetNestedField(c.Object, int64(5), "spec", "replicas")
			_ = unstructured.SetNestedField(c.Object, "Ready", "status", "phase")
			r.obj("PUT /status with spec and status changes")(r.widgets().UpdateStatus(r.ctx, c, metav1.UpdateOptions{}))
		}),
		sc("subresource/main-put-ignores-status", func(r *rec) {
			c := r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			if c == nil {
				return
			}
			_ = unstructured.SetNestedField(c.Object, int64(5), "spec", "replicas")
			_ = unstructured.SetNestedField(c.Object, "Ready", "status", "phase")
			r.obj("PUT with spec and status changes")(r.widgets().Update(r.ctx, c, metav1.UpdateOptions{}))
		}),
		sc("subresource/status-get", func(r *rec) {
			r.scaledWidget()
			r.obj("GET /status")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}, "status"))
		}),
		sc("subresource/status-missing", func(r *rec) {
			name := r.gizmoName("g")
			r.quiet(r.gizmos().Create(r.ctx, r.gizmo(name, map[string]any{"size": int64(1)}), metav1.CreateOptions{}))
			r.obj("GET gizmo /status")(r.gizmos().Get(r.ctx, name, metav1.GetOptions{}, "status"))
			r.obj("GET widget /scale of a missing widget")(r.widgets().Get(r.ctx, "nope", metav1.GetOptions{}, "scale"))
			r.obj("GET cm /status")(r.cms().Get(r.ctx, "nope", metav1.GetOptions{}, "status"))
		}),
		sc("subresource/status-metadata", func(r *rec) {
			c := r.quiet(r.widgets().Create(r.ctx, r.widget("w", map[string]any{"replicas": int64(1)}), metav1.CreateOptions{}))
			if c == nil {
				return
			}
			c.SetLabels(map[string]string{"via": "status"})
			c.SetAnnotations(map[string]string{"via": "status"})
			_ = unstructured.SetNestedField(c.Object, "Ready", "status", "phase")
			r.obj("PUT /status with labels")(r.widgets().UpdateStatus(r.ctx, c, metav1.UpdateOptions{}))
		}),
		sc("subresource/scale-get", func(r *rec) {
			r.scaledWidget()
			r.obj("GET /scale")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}, "scale"))
		}),
		sc("subresource/scale-update", func(r *rec) {
			r.scaledWidget()
			s := r.quiet(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}, "scale"))
			if s == nil {
				return
			}
			_ = unstructured.SetNestedField(s.Object, int64(5), "spec", "replicas")
			r.obj("PUT /scale")(r.widgets().Update(r.ctx, s, metav1.UpdateOptions{}, "scale"))
			r.obj("get widget")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("subresource/scale-patch", func(r *rec) {
			r.scaledWidget()
			r.obj("merge patch /scale")(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"replicas":7}}`), metav1.PatchOptions{}, "scale"))
			r.obj("get widget")(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}))
		}),
		sc("subresource/scale-stale-conflict", func(r *rec) {
			r.scaledWidget()
			s := r.quiet(r.widgets().Get(r.ctx, "w", metav1.GetOptions{}, "scale"))
			r.quiet(r.widgets().Patch(r.ctx, "w", types.MergePatchType, merge(`{"spec":{"color":"red"}}`), metav1.PatchOptions{}))
			if s == nil {
				return
			}
			_ = unstructured.SetNestedField(s.Object, int64(5), "spec", "replicas")
			r.obj("PUT /scale with a stale resourceVersion")(r.widgets().Update(r.ctx, s, metav1.UpdateOptions{}, "scale"))
		}),
		sc("subresource/deployment-scale", func(r *rec) {
			r.quiet(r.ns(deployGVR).Create(r.ctx, deployment("web", 2, "a"), metav1.CreateOptions{}))
			s := r.obj("GET deployment /scale")(r.ns(deployGVR).Get(r.ctx, "web", metav1.GetOptions{}, "scale"))
			if s == nil {
				return
			}
			_ = unstructured.SetNestedField(s.Object, int64(4), "spec", "replicas")
			r.obj("PUT deployment /scale")(r.ns(deployGVR).Update(r.ctx, s, metav1.UpdateOptions{}, "scale"))
			d := r.quiet(r.ns(deployGVR).Get(r.ctx, "web", metav1.GetOptions{}))
			if d != nil {
				r.fact("deployment spec.replicas and generation", map[string]any{"spec": d.Object["spec"].(map[string]any)["replicas"], "generation": d.GetGeneration()})
			}
		}),
	}
}
