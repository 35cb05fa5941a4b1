package patch

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
	"k8s.io/apimachinery/pkg/types"
)

// TestIntegrationClientSideApplyAsKubectl runs the real kubectl apply
// (client-side) and checks that the annotation it records is byte for byte
// what WithLastApplied records, and that a second apply through
// ClientSideApply, sent to the server, leaves the object as the second
// kubectl apply leaves its twin.
func TestIntegrationClientSideApplyAsKubectl(t *testing.T) {
	env := cluster.Get(t)
	c := client(t, env)
	ns := env.Namespace(t)
	ctx := context.Background()
	typ := recordedType(t, gvkDeployment)
	first := func(name string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n  labels: {app: web, old: \"1\"}\n" +
			"spec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n" +
			"      containers:\n      - name: app\n        image: nginx:1.27\n        env: [{name: A, value: \"1\"}, {name: B, value: \"2\"}]\n"
	}
	second := func(name string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n  labels: {app: web}\n" +
			"spec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n" +
			"      containers:\n      - name: app\n        image: nginx:1.28\n        env: [{name: B, value: \"3\"}]\n"
	}
	path := "/apis/apps/v1/namespaces/" + ns + "/deployments/"

	// kubectl's twin.
	kubectlApply(t, env, first("by-kubectl"))
	byKubectl := getObject(ctx, t, c, path+"by-kubectl")
	want, err := WithLastApplied([]byte(first("by-kubectl")))
	if err != nil {
		t.Fatal(err)
	}
	wantLast, _ := LastApplied(want)
	gotLast, _ := LastApplied(byKubectl)
	if diff := cmp.Diff(string(wantLast), string(gotLast)); diff != "" {
		t.Errorf("annotation recorded by kubectl (+) vs WithLastApplied (-):\n%s", diff)
	}

	// Ours: created with WithLastApplied, then the same change by another
	// writer on both, then the second configuration applied.
	created, err := WithLastApplied([]byte(first("by-kubedyn")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := send(ctx, c, "POST", path, "", nil, created); err != nil {
		t.Fatal(err)
	}
	other := []byte(`{"metadata":{"labels":{"other":"x"}},"spec":{"replicas":4}}`)
	for _, name := range []string{"by-kubectl", "by-kubedyn"} {
		if _, err := send(ctx, c, "PATCH", path+name, string(types.MergePatchType), nil, other); err != nil {
			t.Fatal(err)
		}
	}
	kubectlApply(t, env, second("by-kubectl"))
	live := getObject(ctx, t, c, path+"by-kubedyn")
	p, err := ClientSideApply([]byte(second("by-kubedyn")), live, typ, CreateOptions{TestResourceVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := send(ctx, c, "PATCH", path+"by-kubedyn", p.ContentType(), nil, p.Data); err != nil {
		t.Fatalf("PATCH %s: %v", p, err)
	}
	a, b := comparableTwin(t, getObject(ctx, t, c, path+"by-kubectl")), comparableTwin(t, getObject(ctx, t, c, path+"by-kubedyn"))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("kubectl apply (-) vs ClientSideApply (+):\n%s", diff)
	}
}

func kubectlApply(t *testing.T, env *cluster.Env, manifest string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(f, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(env.Binaries.Kubectl, "--kubeconfig", env.Kubeconfig, "apply", "-f", f).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
}

func getObject(ctx context.Context, t *testing.T, c *rest.Client, path string) []byte {
	t.Helper()
	b, err := send(ctx, c, "GET", path, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// comparableTwin drops what differs between two objects made alike under
// different names: name, uid, timestamps, the record of who wrote what, and
// the last-applied annotation (which holds the name).
func comparableTwin(t *testing.T, obj []byte) map[string]any {
	m := comparable(t, obj)
	md := m["metadata"].(map[string]any)
	for _, k := range []string{"name", "uid", "creationTimestamp"} {
		delete(md, k)
	}
	annots, _ := md["annotations"].(map[string]any)
	delete(annots, LastAppliedAnnotation)
	delete(m, "status")
	return m
}
