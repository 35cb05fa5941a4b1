package unstructured

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// serverMeta is the metadata a server adds to every object.
func serverMeta(extra map[string]any) map[string]any {
	md := map[string]any{
		"name": "x", "namespace": "src", "uid": "u-1", "resourceVersion": "42", "generation": int64(3),
		"creationTimestamp": "2026-11-23T10:00:00Z", "selfLink": "/api/v1/x",
		"managedFields": []any{map[string]any{"manager": "kubectl", "operation": "Apply"}},
		"labels":        map[string]any{"app": "web"},
	}
	for k, v := range extra {
		md[k] = v
	}
	return md
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		opts SanitizeOptions
		want map[string]any
	}{
		{
			name: "configmap loses server metadata",
			in: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"a": "1"},
				"metadata": serverMeta(map[string]any{
					"annotations":                map[string]any{"kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "a"},
					"ownerReferences":            []any{map[string]any{"uid": "owner"}},
					"finalizers":                 []any{"example.com/keep"},
					"deletionTimestamp":          "2026-11-23T11:00:00Z",
					"deletionGracePeriodSeconds": int64(0),
				})},
			want: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"a": "1"},
				"metadata": map[string]any{"name": "x", "namespace": "src", "labels": map[string]any{"app": "web"},
					"annotations": map[string]any{"team": "a"}, "finalizers": []any{"example.com/keep"}}},
		},
		{
			name: "options keep status, owners and last-applied; namespace replaced",
			in: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "status": map[string]any{"x": true},
				"metadata": serverMeta(map[string]any{
					"annotations":     map[string]any{"kubectl.kubernetes.io/last-applied-configuration": "{}"},
					"ownerReferences": []any{map[string]any{"uid": "owner"}},
				})},
			opts: SanitizeOptions{KeepStatus: true, KeepOwnerReferences: true, KeepLastApplied: true, Namespace: "dst"},
			want: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "status": map[string]any{"x": true},
				"metadata": map[string]any{"name": "x", "namespace": "dst", "labels": map[string]any{"app": "web"},
					"annotations":     map[string]any{"kubectl.kubernetes.io/last-applied-configuration": "{}"},
					"ownerReferences": []any{map[string]any{"uid": "owner"}}}},
		},
		{
			name: "cluster-scoped object gets no namespace",
			in:   map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "n", "uid": "u"}, "status": map[string]any{"phase": "Active"}},
			opts: SanitizeOptions{Namespace: "dst"},
			want: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "n"}},
		},
		{
			name: "NodePort service loses allocations",
			in: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": serverMeta(nil),
				"spec": map[string]any{"type": "LoadBalancer", "clusterIP": "10.0.0.7", "clusterIPs": []any{"10.0.0.7"}, "healthCheckNodePort": int64(31000),
					"ports": []any{map[string]any{"port": int64(80), "nodePort": int64(30080)}, map[string]any{"port": int64(443), "nodePort": int64(30443)}}},
				"status": map[string]any{"loadBalancer": map[string]any{}}},
			want: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "x", "namespace": "src", "labels": map[string]any{"app": "web"}},
				"spec": map[string]any{"type": "LoadBalancer", "ports": []any{map[string]any{"port": int64(80)}, map[string]any{"port": int64(443)}}}},
		},
		{
			name: "KeepAllocated keeps the service's IPs and ports",
			in: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "x"},
				"spec": map[string]any{"clusterIP": "10.0.0.7", "clusterIPs": []any{"10.0.0.7"}, "ports": []any{map[string]any{"nodePort": int64(30080)}}}},
			opts: SanitizeOptions{KeepAllocated: true},
			want: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "x"},
				"spec": map[string]any{"clusterIP": "10.0.0.7", "clusterIPs": []any{"10.0.0.7"}, "ports": []any{map[string]any{"nodePort": int64(30080)}}}},
		},
		{
			name: "headless service keeps None",
			in: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "x"},
				"spec": map[string]any{"clusterIP": "None", "clusterIPs": []any{"None"}}},
			want: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "x"},
				"spec": map[string]any{"clusterIP": "None", "clusterIPs": []any{"None"}}},
		},
		{
			name: "a Service of another group is not a core Service",
			in:   map[string]any{"apiVersion": "example.com/v1", "kind": "Service", "metadata": map[string]any{"name": "x"}, "spec": map[string]any{"clusterIP": "1.2.3.4"}},
			want: map[string]any{"apiVersion": "example.com/v1", "kind": "Service", "metadata": map[string]any{"name": "x"}, "spec": map[string]any{"clusterIP": "1.2.3.4"}},
		},
		{
			name: "PVC loses its binding",
			in: map[string]any{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": map[string]any{"name": "x",
				"annotations": map[string]any{"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes", "volume.kubernetes.io/selected-node": "n1"}},
				"spec": map[string]any{"volumeName": "pv-1", "resources": map[string]any{"requests": map[string]any{"storage": "1Gi"}}}},
			want: map[string]any{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": map[string]any{"name": "x"},
				"spec": map[string]any{"resources": map[string]any{"requests": map[string]any{"storage": "1Gi"}}}},
		},
		{
			name: "PV keeps the claim's name, not its uid",
			in: map[string]any{"apiVersion": "v1", "kind": "PersistentVolume", "metadata": map[string]any{"name": "pv"},
				"spec": map[string]any{"claimRef": map[string]any{"namespace": "a", "name": "c", "uid": "u", "resourceVersion": "9"}}},
			want: map[string]any{"apiVersion": "v1", "kind": "PersistentVolume", "metadata": map[string]any{"name": "pv"},
				"spec": map[string]any{"claimRef": map[string]any{"namespace": "a", "name": "c"}}},
		},
		{
			name: "pod loses its node",
			in:   map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p"}, "spec": map[string]any{"nodeName": "n1", "containers": []any{}}},
			want: map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p"}, "spec": map[string]any{"containers": []any{}}},
		},
		{
			name: "job loses its generated selector",
			in: map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": "j", "labels": map[string]any{"controller-uid": "u", "batch.kubernetes.io/controller-uid": "u", "job-name": "j"}}, "spec": map[string]any{
				"selector": map[string]any{"matchLabels": map[string]any{"batch.kubernetes.io/controller-uid": "u"}},
				"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"controller-uid": "u", "batch.kubernetes.io/controller-uid": "u", "job-name": "j"}}}}},
			want: map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": "j", "labels": map[string]any{"job-name": "j"}}, "spec": map[string]any{
				"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"job-name": "j"}}}}},
		},
		{
			name: "job with a manual selector keeps it",
			in: map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": "j"}, "spec": map[string]any{"manualSelector": true,
				"selector": map[string]any{"matchLabels": map[string]any{"controller-uid": "mine"}},
				"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"controller-uid": "mine"}}}}},
			want: map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": "j"}, "spec": map[string]any{"manualSelector": true,
				"selector": map[string]any{"matchLabels": map[string]any{"controller-uid": "mine"}},
				"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"controller-uid": "mine"}}}}},
		},
		{
			name: "deployment loses its revision",
			in: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d",
				"annotations": map[string]any{"deployment.kubernetes.io/revision": "4"}}, "spec": map[string]any{"replicas": int64(2)}},
			want: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d"}, "spec": map[string]any{"replicas": int64(2)}},
		},
		{
			name: "odd shapes are left alone",
			in:   map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": "not an object", "spec": map[string]any{"ports": "nope"}},
			want: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": "not an object", "spec": map[string]any{"ports": "nope"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &k8su.Unstructured{Object: tc.in}
			before := in.DeepCopy()
			got, err := Sanitize(in, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.Object); diff != "" {
				t.Errorf("Sanitize (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, in); diff != "" {
				t.Errorf("Sanitize changed its input (-before +after):\n%s", diff)
			}
		})
	}
	if _, err := Sanitize(nil, SanitizeOptions{}); err == nil {
		t.Error("Sanitize(nil): no error")
	}
	if _, err := Sanitize(&k8su.Unstructured{Object: map[string]any{"kind": "X", "c": make(chan int)}}, SanitizeOptions{}); err == nil {
		t.Error("Sanitize with a channel value: no error")
	}
}

// TestSanitizeRulesParse checks that every rule's path parses (the table
// ignores ParsePath's error).
func TestSanitizeRulesParse(t *testing.T) {
	for _, r := range sanitizeRules() {
		if r.path.Len() == 0 {
			t.Errorf("rule %s %s: path does not parse", r.Kind, r.Path)
		}
		if r.Why == "" {
			t.Errorf("rule %s %s: no reason given", r.Kind, r.Path)
		}
	}
	if got, want := len(SanitizedFields()), len(sanitizeRules()); got != want {
		t.Errorf("SanitizedFields has %d entries, the rules %d", got, want)
	}
}
