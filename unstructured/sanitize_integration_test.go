package unstructured

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestSanitizeRecreate creates objects whose server-populated fields would
// block a copy (an allocated clusterIP and nodePort, a Job's generated
// selector, an ownerReference, last-applied), reads them back from the
// server, sanitizes them and creates them in another namespace, which
// must succeed. As a control, the NodePort Service and the Job are first
// re-created with only uid and resourceVersion removed, which the server
// must reject: the per-kind rules are what make the copies work.
func TestSanitizeRecreate(t *testing.T) {
	env := cluster.Get(t)
	ctx := context.Background()
	src, dst := env.Namespace(t), env.Namespace(t)
	type object struct {
		collection string // under /api/v1 or /apis/GROUP/VERSION, namespaced
		body       map[string]any
	}
	lastApplied := map[string]any{"kubectl.kubernetes.io/last-applied-configuration": `{"kind":"ConfigMap"}`, "team": "a"}
	objects := []object{
		{"/api/v1/namespaces/NS/configmaps", map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "owner", "labels": map[string]any{"app": "web"}, "annotations": lastApplied},
			"data":     map[string]any{"a": "1"}}},
		{"/api/v1/namespaces/NS/services", map[string]any{"apiVersion": "v1", "kind": "Service",
			"metadata": map[string]any{"name": "clusterip"},
			"spec":     map[string]any{"selector": map[string]any{"app": "web"}, "ports": []any{map[string]any{"port": 80, "targetPort": 8080}}}}},
		{"/api/v1/namespaces/NS/services", map[string]any{"apiVersion": "v1", "kind": "Service",
			"metadata": map[string]any{"name": "nodeport"},
			"spec":     map[string]any{"type": "NodePort", "selector": map[string]any{"app": "web"}, "ports": []any{map[string]any{"port": 80}}}}},
		{"/api/v1/namespaces/NS/services", map[string]any{"apiVersion": "v1", "kind": "Service",
			"metadata": map[string]any{"name": "headless"},
			"spec":     map[string]any{"clusterIP": "None", "selector": map[string]any{"app": "web"}, "ports": []any{map[string]any{"port": 80}}}}},
		{"/apis/batch/v1/namespaces/NS/jobs", map[string]any{"apiVersion": "batch/v1", "kind": "Job",
			"metadata": map[string]any{"name": "job"},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"restartPolicy": "Never",
				"containers": []any{map[string]any{"name": "c", "image": "busybox:1.36"}}}}}}},
	}
	var fetched []*k8su.Unstructured
	for _, o := range objects {
		coll := strings.Replace(o.collection, "NS", src, 1)
		created := decodeBody(t, mustCreate(t, env, ctx, coll, o.body))
		got, err := env.Do(ctx, "GET", coll+"/"+created.GetName(), nil)
		if err != nil {
			t.Fatal(err)
		}
		fetched = append(fetched, decodeBody(t, got))
	}
	// A dependent of the first ConfigMap, so that an ownerReference exists.
	owner := fetched[0]
	dep := decodeBody(t, mustCreate(t, env, ctx, "/api/v1/namespaces/"+src+"/configmaps", map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "dependent", "ownerReferences": []any{map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner.GetUID()}}}}))
	objects = append(objects, object{"/api/v1/namespaces/NS/configmaps", nil})
	fetched = append(fetched, dep)

	// Controls: without the per-kind rules the server refuses the copies.
	controls := []struct {
		index  int      // into fetched
		remove []string // besides uid, resourceVersion, creationTimestamp, managedFields
		want   string   // in the server's refusal
	}{
		{index: 1, want: "provided IP is already allocated"},
		{index: 2, remove: []string{"spec.clusterIP", "spec.clusterIPs"}, want: "provided port is already allocated"},
		{index: 4, want: "`selector` not auto-generated"},
	}
	for _, c := range controls {
		naive := fetched[c.index].DeepCopy()
		for _, f := range append([]string{"metadata.uid", "metadata.resourceVersion", "metadata.creationTimestamp", "metadata.managedFields"}, c.remove...) {
			_ = Remove(naive.Object, f)
		}
		naive.SetNamespace(dst)
		coll := strings.Replace(objects[c.index].collection, "NS", dst, 1)
		_, err := create(t, env, ctx, coll, mustMarshal(t, naive))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("control: %s %s copied without Sanitize's per-kind rules: error %v, want one containing %q", naive.GetKind(), naive.GetName(), err, c.want)
		}
	}

	for i, u := range fetched {
		clean, err := Sanitize(u, SanitizeOptions{Namespace: dst})
		if err != nil {
			t.Fatal(err)
		}
		coll := strings.Replace(objects[i].collection, "NS", dst, 1)
		name := u.GetKind() + " " + u.GetName()
		if _, err := Get(clean.Object, "metadata.ownerReferences"); err == nil {
			t.Errorf("%s: sanitized copy keeps ownerReferences", name)
		}
		body, err := create(t, env, ctx, coll, mustMarshal(t, clean))
		if err != nil {
			t.Errorf("%s: creating the sanitized copy in %s: %v\ncopy: %s", name, dst, err, mustMarshal(t, clean))
			continue
		}
		copyObj := decodeBody(t, body)
		diff, err := Diff(clean, copyObj, DiffOptions{IgnoreServerFields: true, IgnoreStatus: true, IgnorePaths: defaulted(u)})
		if err != nil {
			t.Fatal(err)
		}
		if diff != "" {
			t.Errorf("%s: the server's copy differs from the sanitized object beyond server fields and defaults (-sent +stored):\n%s", name, diff)
		}
	}
}

// defaulted lists the fields the server fills in on create, per kind, which
// a sanitized object legitimately lacks.
func defaulted(u *k8su.Unstructured) []string {
	switch u.GetKind() {
	case "Service":
		return []string{"spec.clusterIP", "spec.clusterIPs", "spec.ports[0].nodePort"}
	case "Job":
		return []string{"spec.selector", `spec.template.metadata.labels["controller-uid"]`, `spec.template.metadata.labels["batch.kubernetes.io/controller-uid"]`}
	}
	return nil
}

// create POSTs body to the collection coll and deletes what it created when
// the test ends: namespaces never finish deleting on the test control plane,
// and Services would otherwise hold on to its small pool of cluster IPs.
func create(t *testing.T, env *cluster.Env, ctx context.Context, coll string, body any) ([]byte, error) {
	t.Helper()
	out, err := env.Do(ctx, "POST", coll, body)
	if err != nil {
		return nil, err
	}
	var meta struct {
		Metadata struct{ Name string } `json:"metadata"`
	}
	if err := json.Unmarshal(out, &meta); err != nil || meta.Metadata.Name == "" {
		t.Fatalf("POST %s: answer without a name: %v", coll, err)
	}
	t.Cleanup(func() { _, _ = env.Do(context.Background(), "DELETE", coll+"/"+meta.Metadata.Name, nil) })
	return out, nil
}

func mustCreate(t *testing.T, env *cluster.Env, ctx context.Context, coll string, body any) []byte {
	t.Helper()
	out, err := create(t, env, ctx, coll, body)
	if err != nil {
		t.Fatalf("POST %s: %v", coll, err)
	}
	return out
}

func decodeBody(t *testing.T, b []byte) *k8su.Unstructured {
	t.Helper()
	u, err := DecodeObject(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return u
}

func mustMarshal(t *testing.T, u *k8su.Unstructured) []byte {
	t.Helper()
	b, err := Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
