package memserver

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// kubectlPath finds kubectl DefaultVersion as test/cluster builds it, or
// $KUBECTL; the test skips without one (memserver itself needs no binary).
func kubectlPath(t *testing.T) string {
	if p := os.Getenv("KUBECTL"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	p := filepath.Join(home, ".cache", "kubedyn", DefaultVersion, "kubectl")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no kubectl at %s (set KUBECTL)", p)
	}
	return p
}

func TestKubectl(t *testing.T) {
	kubectl := kubectlPath(t)
	s := Run(t)
	kc, err := s.KubeconfigFile()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	manifest := filepath.Join(dir, "cm.yaml")
	write := func(data string) {
		t.Helper()
		y := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kc\n  namespace: default\ndata:\n  k: " + data + "\n"
		if err := os.WriteFile(manifest, []byte(y), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig", kc}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	w := exec.Command(kubectl, "--kubeconfig", kc, "get", "configmaps", "-n", "default", "-w", "--request-timeout=20s")
	stdout, err := w.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Process.Kill(); _ = w.Wait() }()
	write("one")
	run("apply", "-f", manifest)
	write("two")
	run("apply", "-f", manifest)
	if out := run("get", "configmap", "kc", "-n", "default", "-o", "jsonpath={.data.k}"); out != "two" {
		t.Errorf("after client-side apply: data.k = %q", out)
	}
	write("three")
	run("apply", "--server-side", "--force-conflicts", "-f", manifest)
	run("patch", "configmap", "kc", "-n", "default", "--type=merge", "-p", `{"data":{"p":"1"}}`)
	run("patch", "configmap", "kc", "-n", "default", "-p", `{"data":{"s":"1"}}`)
	if out := run("get", "configmap", "kc", "-n", "default", "-o", "jsonpath={.data}"); !strings.Contains(out, `"k":"three"`) || !strings.Contains(out, `"p":"1"`) || !strings.Contains(out, `"s":"1"`) {
		t.Errorf("after apply --server-side and patches: %s", out)
	}
	if out := run("get", "configmaps", "-n", "default"); !strings.Contains(out, "kc") || !strings.Contains(out, "NAME") {
		t.Errorf("kubectl get table:\n%s", out)
	}
	run("delete", "configmap", "kc", "-n", "default")
	lines := bufio.NewScanner(stdout)
	found := false
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "kc ") {
			found = true
			break
		}
	}
	if !found {
		t.Error("kubectl get -w printed no row for kc")
	}
}
