package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// newestAPIMachinery is the newest k8s.io/apimachinery the library is tested
// with. go.mod requires the oldest one it supports (v0.36.x), so that users
// on it are not forced to upgrade; users who require this one get it, and
// the other modules raised to what it requires, by Go's minimum version
// selection. The test command checks that combination too.
const newestAPIMachinery = "v0.37.2"

// newerDepsStep builds, vets and runs the unit tests of pkgs with
// k8s.io/apimachinery at newestAPIMachinery: it copies go.mod and go.sum
// into a temp dir, raises apimachinery there (go get, then go mod tidy, which
// bring the other k8s.io modules to what it requires), and runs go vet and
// go test with -modfile naming the copy. The committed go.mod and go.sum are
// not touched. No control plane is handed over, so the integration tests
// skip. It returns what failed.
func newerDepsStep(ctx context.Context, pkgs []string) []string {
	name := "apimachinery " + newestAPIMachinery
	dir, err := os.MkdirTemp("", "kubedyn-apimachinery-")
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	defer os.RemoveAll(dir)
	modfile := filepath.Join(dir, "apimachinery-"+newestAPIMachinery+".mod")
	if err := copyModFiles(modfile); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	// Unit tests only: no kubeconfig, and the integration switch off.
	env := append(os.Environ(), cluster.KubeconfigEnv+"=", cluster.IntegrationEnv+"=0")
	mf := "-modfile=" + modfile
	steps := [][]string{
		{"get", mf, "k8s.io/apimachinery@" + newestAPIMachinery},
		{"mod", "tidy", mf},
		{"list", mf, "-m", "-f", "{{.Path}} {{.Version}}", "k8s.io/...", "sigs.k8s.io/..."},
		append([]string{"vet", mf}, pkgs...),
		append([]string{"test", mf, "-count=1", "-timeout=20m"}, pkgs...),
	}
	for _, args := range steps {
		if ctx.Err() != nil {
			return []string{name + " (interrupted)"}
		}
		fmt.Fprintf(os.Stderr, "\n=== %s: go %s\n", name, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return []string{fmt.Sprintf("%s: go %s (%v)", name, args[0], err)}
		}
	}
	return nil
}

// copyModFiles copies go.mod and go.sum of the current directory to modfile
// and to modfile with the extension .sum, which -modfile uses as go.sum.
func copyModFiles(modfile string) error {
	sum := strings.TrimSuffix(modfile, ".mod") + ".sum"
	for from, to := range map[string]string{"go.mod": modfile, "go.sum": sum} {
		data, err := os.ReadFile(from)
		if err != nil {
			return fmt.Errorf("copy %s: %w", from, err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return fmt.Errorf("copy %s: %w", from, err)
		}
	}
	return nil
}
