package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// podTemplate returns the recorded pod, decoded.
func podTemplate(tb testing.TB) map[string]any {
	tb.Helper()
	b, err := os.ReadFile("testdata/pod.json")
	if err != nil {
		tb.Fatalf("read recorded pod: %v", err)
	}
	var pod map[string]any
	mustUnmarshal(tb, b, &pod)
	return pod
}

// realisticPod makes pod i from the recorded template, grown to the size of
// a typical controller-created pod (4–6 KB): labels, annotations, an owner,
// env vars, volumes, status conditions and the kubelet's managedFields
// entry, as a real server returns them.
func realisticPod(tb testing.TB, tmpl map[string]any, i int) map[string]any {
	tb.Helper()
	var pod map[string]any
	mustUnmarshal(tb, mustMarshal(tb, tmpl), &pod)
	md := pod["metadata"].(map[string]any)
	md["name"] = fmt.Sprintf("web-7d9f8b6c5d-%05d", i)
	md["namespace"] = "bench"
	md["uid"] = fmt.Sprintf("6f1c2a3e-0000-4000-8000-%012d", i)
	md["resourceVersion"] = fmt.Sprint(100000 + i)
	md["generateName"] = "web-7d9f8b6c5d-"
	md["labels"] = map[string]any{"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web-prod", "pod-template-hash": "7d9f8b6c5d", "tier": "frontend"}
	md["annotations"] = map[string]any{"kubectl.kubernetes.io/restartedAt": "2026-11-20T10:00:00Z", "prometheus.io/scrape": "true", "prometheus.io/port": "9090"}
	md["ownerReferences"] = []any{map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9f8b6c5d", "uid": "0b5e1f7a-1111-4222-8333-444455556666", "controller": true, "blockOwnerDeletion": true}}
	mf, _ := md["managedFields"].([]any)
	md["managedFields"] = append(mf, map[string]any{
		"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": "2026-11-23T09:00:00Z", "fieldsType": "FieldsV1", "subresource": "status",
		"fieldsV1": map[string]any{"f:status": map[string]any{
			"f:conditions":        map[string]any{`k:{"type":"ContainersReady"}`: map[string]any{".": map[string]any{}, "f:lastProbeTime": map[string]any{}, "f:lastTransitionTime": map[string]any{}, "f:status": map[string]any{}, "f:type": map[string]any{}}, `k:{"type":"Initialized"}`: map[string]any{".": map[string]any{}, "f:lastProbeTime": map[string]any{}, "f:lastTransitionTime": map[string]any{}, "f:status": map[string]any{}, "f:type": map[string]any{}}, `k:{"type":"Ready"}`: map[string]any{".": map[string]any{}, "f:lastProbeTime": map[string]any{}, "f:lastTransitionTime": map[string]any{}, "f:status": map[string]any{}, "f:type": map[string]any{}}},
			"f:containerStatuses": map[string]any{}, "f:hostIP": map[string]any{}, "f:phase": map[string]any{}, "f:podIP": map[string]any{}, "f:podIPs": map[string]any{".": map[string]any{}, `k:{"ip":"10.244.1.7"}`: map[string]any{".": map[string]any{}, "f:ip": map[string]any{}}}, "f:startTime": map[string]any{},
		}},
	})
	spec := pod["spec"].(map[string]any)
	if cs, ok := spec["containers"].([]any); ok && len(cs) > 0 {
		c := cs[0].(map[string]any)
		c["env"] = []any{map[string]any{"name": "POD_NAME", "valueFrom": map[string]any{"fieldRef": map[string]any{"apiVersion": "v1", "fieldPath": "metadata.name"}}}, map[string]any{"name": "LOG_LEVEL", "value": "info"}}
		c["resources"] = map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "256Mi"}, "requests": map[string]any{"cpu": "100m", "memory": "128Mi"}}
		c["ports"] = []any{map[string]any{"containerPort": int64(8080), "name": "http", "protocol": "TCP"}}
		c["volumeMounts"] = []any{map[string]any{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-x7k2p", "readOnly": true}}
	}
	spec["nodeName"] = fmt.Sprintf("node-%02d", i%40)
	spec["volumes"] = []any{map[string]any{"name": "kube-api-access-x7k2p", "projected": map[string]any{"defaultMode": int64(420), "sources": []any{map[string]any{"serviceAccountToken": map[string]any{"expirationSeconds": int64(3607), "path": "token"}}, map[string]any{"configMap": map[string]any{"name": "kube-root-ca.crt", "items": []any{map[string]any{"key": "ca.crt", "path": "ca.crt"}}}}}}}}
	pod["status"] = map[string]any{
		"phase": "Running", "hostIP": "172.18.0.4", "podIP": "10.244.1.7", "podIPs": []any{map[string]any{"ip": "10.244.1.7"}}, "qosClass": "Burstable", "startTime": "2026-11-23T09:00:00Z",
		"conditions": []any{
			map[string]any{"type": "Initialized", "status": "True", "lastProbeTime": nil, "lastTransitionTime": "2026-11-23T09:00:00Z"},
			map[string]any{"type": "Ready", "status": "True", "lastProbeTime": nil, "lastTransitionTime": "2026-11-23T09:00:05Z"},
			map[string]any{"type": "ContainersReady", "status": "True", "lastProbeTime": nil, "lastTransitionTime": "2026-11-23T09:00:05Z"},
		},
		"containerStatuses": []any{map[string]any{"name": "web", "ready": true, "restartCount": int64(0), "started": true, "image": "registry.k8s.io/pause:3.10", "imageID": "registry.k8s.io/pause@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a", "containerID": fmt.Sprintf("containerd://%064d", i), "state": map[string]any{"running": map[string]any{"startedAt": "2026-11-23T09:00:04Z"}}, "lastState": map[string]any{}}},
	}
	return pod
}

// podListJSON returns a PodList of n realistic pods as the server sends it.
func podListJSON(tb testing.TB, n int) []byte {
	tb.Helper()
	tmpl := podTemplate(tb)
	var buf bytes.Buffer
	buf.WriteString(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"200000"},"items":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		p := realisticPod(tb, tmpl, i)
		p["kind"], p["apiVersion"] = "Pod", "v1"
		buf.Write(mustMarshal(tb, p))
	}
	buf.WriteString("]}\n")
	return buf.Bytes()
}

// watchStreamJSON returns n watch events of realistic pods, one JSON
// object per line as kube-apiserver writes them.
func watchStreamJSON(tb testing.TB, n int) []byte {
	tb.Helper()
	tmpl := podTemplate(tb)
	var buf bytes.Buffer
	types := []string{"ADDED", "MODIFIED", "MODIFIED", "DELETED"}
	for i := range n {
		ev := map[string]any{"type": types[i%len(types)], "object": realisticPod(tb, tmpl, i%1000)}
		buf.Write(mustMarshal(tb, ev))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func TestFixturePodSize(t *testing.T) {
	b := mustMarshal(t, realisticPod(t, podTemplate(t), 1))
	if len(b) < 4000 || len(b) > 6500 {
		t.Errorf("realistic pod is %d bytes, want 4–6 KB", len(b))
	}
	var v map[string]any
	if err := json.Unmarshal(podListJSON(t, 3), &v); err != nil {
		t.Errorf("pod list fixture is not JSON: %v", err)
	}
}
