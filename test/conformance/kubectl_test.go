package conformance

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/test/memserver"
)

// kubectlPath returns the kubectl test/cluster builds, or skips t when it
// has not been built (building it takes minutes; `go run
// ./test/cluster/cmd/controlplane up` does).
func kubectlPath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(cluster.CacheDir(), cluster.DefaultVersion, "kubectl")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("kubectl %s is not built (test/cluster builds it with the control plane): %v", cluster.DefaultVersion, err)
	}
	return p
}

// kubectlRunner runs kubectl against one kubeconfig.
type kubectlRunner struct {
	t         *testing.T
	bin, kc   string
	namespace string
	ctx       context.Context
}

// run runs kubectl with args (and stdin) and returns its combined output;
// wantErr says whether it must fail.
func (k kubectlRunner) run(stdin string, wantErr bool, args ...string) string {
	k.t.Helper()
	full := append([]string{"--kubeconfig", k.kc, "-n", k.namespace}, args...)
	cmd := exec.CommandContext(k.ctx, k.bin, full...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if (err != nil) != wantErr {
		k.t.Fatalf("kubectl %s: err=%v, want error %v; output:\n%s", strings.Join(args, " "), err, wantErr, out)
	}
	return string(out)
}

// expect fails unless out contains every want.
func (k kubectlRunner) expect(out string, wants ...string) {
	k.t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			k.t.Errorf("kubectl output lacks %q:\n%s", w, out)
		}
	}
}

const kubectlCM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {app: web}
data:
  k: v
`

const kubectlCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.kubectl.conformance.kubedyn.test}
spec:
  group: kubectl.conformance.kubedyn.test
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gdg]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}, color: {type: string}}}
`

const kubectlGadget = `apiVersion: kubectl.conformance.kubedyn.test/v1
kind: Gadget
metadata: {name: g1}
spec: {size: 3}
`

// TestKubectlOnMemserver drives the reference kubectl against memserver:
// get, apply (client- and server-side), patch, delete and get -w, on a
// ConfigMap and on a custom resource.
func TestKubectlOnMemserver(t *testing.T) {
	bin := kubectlPath(t)
	s := memserver.New(t, memserver.Options{})
	kc, err := s.KubeconfigFile()
	if err != nil {
		t.Fatal(err)
	}
	kubectlSteps(t, bin, kc, "kt", "kubectl.conformance.kubedyn.test")
}

// TestKubectlOnKubeAPIServer runs the same steps against the real control
// plane, which proves the test's expectations.
func TestKubectlOnKubeAPIServer(t *testing.T) {
	env := cluster.Get(t)
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	group := "k" + suffix + ".conformance.kubedyn.test"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = env.Do(ctx, http.MethodDelete, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets."+group, nil)
		_, _ = env.Do(ctx, http.MethodDelete, "/api/v1/namespaces/kt-"+suffix, nil)
	})
	kubectlSteps(t, env.Binaries.Kubectl, env.Kubeconfig, "kt-"+suffix, group)
}

// kubectlSteps runs kubectl through its paces in a new namespace ns, with
// a CRD of group.
func kubectlSteps(t *testing.T, bin, kc, ns, group string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	k := kubectlRunner{t: t, bin: bin, kc: kc, namespace: "default", ctx: ctx}
	// `kubectl create namespace` would send protobuf, which memserver does
	// not speak (it answers 415); apply sends JSON.
	k.expect(k.run("apiVersion: v1\nkind: Namespace\nmetadata: {name: "+ns+"}\n", false, "apply", "-f", "-"), "namespace/"+ns+" created")
	k.namespace = ns

	k.expect(k.run(kubectlCM, false, "apply", "-f", "-"), "configmap/a created")
	k.expect(k.run("", false, "get", "configmaps", "a", "-o", "jsonpath={.data.k}"), "v")
	k.expect(k.run("", false, "get", "configmaps"), "NAME", "a")
	k.expect(k.run(strings.Replace(kubectlCM, "k: v", "k: v2", 1), false, "apply", "-f", "-"), "configmap/a configured")
	k.expect(k.run(strings.Replace(kubectlCM, "name: a", "name: b", 1), false, "apply", "--server-side", "--field-manager", "kt", "-f", "-"), "configmap/b serverside-applied")
	k.expect(k.run("", false, "get", "configmap", "b", "-o", "jsonpath={.metadata.managedFields[0].manager}/{.metadata.managedFields[0].operation}"), "kt/Apply")
	k.expect(k.run("", false, "patch", "configmap", "a", "-p", `{"data":{"s":"strategic"}}`), "configmap/a patched")
	k.expect(k.run("", false, "patch", "configmap", "a", "--type=merge", "-p", `{"data":{"m":"merge"}}`), "configmap/a patched")
	k.expect(k.run("", false, "patch", "configmap", "a", "--type=json", "-p", `[{"op":"remove","path":"/data/s"}]`), "configmap/a patched")
	k.expect(k.run("", false, "get", "configmap", "a", "-o", "jsonpath={.data}"), `"k":"v2"`, `"m":"merge"`)
	k.expect(k.run("", false, "get", "configmaps", "-l", "app=web", "-o", "name"), "configmap/a", "configmap/b")

	kubectlWatch(t, k)

	k.expect(k.run("", false, "delete", "configmap", "a"), `configmap "a" deleted`)
	k.expect(k.run("", true, "get", "configmap", "a"), `configmaps "a" not found`)

	crd := strings.ReplaceAll(kubectlCRD, "kubectl.conformance.kubedyn.test", group)
	k.expect(k.run(crd, false, "apply", "-f", "-"), "customresourcedefinition.apiextensions.k8s.io/gadgets."+group+" created")
	k.run("", false, "wait", "--for=condition=Established", "crd/gadgets."+group, "--timeout=30s")
	gadget := strings.ReplaceAll(kubectlGadget, "kubectl.conformance.kubedyn.test", group)
	k.expect(k.run(gadget, false, "apply", "--server-side", "-f", "-"), "gadget."+group+"/g1 serverside-applied")
	k.expect(k.run("", false, "get", "gadgets."+group), "NAME", "SIZE", "g1", "3")
	k.expect(k.run("", false, "patch", "gadgets."+group, "g1", "--type=merge", "-p", `{"spec":{"color":"red"}}`), "patched")
	k.expect(k.run("", true, "patch", "gadgets."+group, "g1", "-p", `{"spec":{"size":4}}`),
		"application/strategic-merge-patch+json is not supported by "+group+"/v1, Kind=Gadget", "application/merge-patch+json")
	k.expect(k.run("", false, "delete", "gadgets."+group, "g1"), `gadget.`+group+` "g1" deleted`)
}

// kubectlWatch runs `kubectl get configmaps -w -o name` and checks that it
// prints the existing objects, then a change and a new object.
func kubectlWatch(t *testing.T, k kubectlRunner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(k.ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, "--kubeconfig", k.kc, "-n", k.namespace, "get", "configmaps", "-w", "-o", "name")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	lines := bufio.NewScanner(out)
	next := func() string {
		if !lines.Scan() {
			t.Fatalf("kubectl get -w ended early: %v", lines.Err())
		}
		return lines.Text()
	}
	var got []string
	for len(got) < 2 {
		got = append(got, next())
	}
	k.run("", false, "patch", "configmap", "a", "--type=merge", "-p", `{"data":{"w":"1"}}`)
	got = append(got, next())
	k.run(strings.Replace(kubectlCM, "name: a", "name: c", 1), false, "apply", "-f", "-")
	got = append(got, next())
	want := []string{"configmap/a", "configmap/b", "configmap/a", "configmap/c"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("kubectl get -w printed %q, want %q", got, want)
	}
}
