package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// DefaultVersion is the Kubernetes version the harness builds when none is named.
const DefaultVersion = "v1.37.2"

// DefaultEtcdVersion is the etcd server every Kubernetes version is run with.
const DefaultEtcdVersion = "v3.6.16"

// Binaries are the paths of the programs one control plane runs, and of the
// reference kubectl.
type Binaries struct {
	Version       string // Kubernetes version of KubeAPIServer, e.g. v1.37.2
	KubeAPIServer string
	// Kubectl is always kubectl DefaultVersion, whatever Version is: it is
	// the reference client kdyn and the tests compare their output with, and
	// what the client prints must not change with the server's minor.
	Kubectl string
	Etcd    string
}

// BuildOptions say which binaries to build and where to keep them.
type BuildOptions struct {
	Version     string    // Kubernetes version (see ResolveVersion: "1.29" is its pinned patch); $KUBEDYN_K8S_VERSION, else DefaultVersion, when empty
	EtcdVersion string    // DefaultEtcdVersion when empty
	CacheDir    string    // CacheDir() when empty
	Progress    io.Writer // where progress lines go; os.Stderr when nil
}

// CacheDir is where built binaries are kept: $KUBEDYN_CACHE_DIR, else ~/.cache/kubedyn.
func CacheDir() string {
	if d := os.Getenv("KUBEDYN_CACHE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "kubedyn")
	}
	return filepath.Join(os.TempDir(), "kubedyn-cache")
}

func (o BuildOptions) withDefaults() BuildOptions {
	if o.Version == "" {
		o.Version = os.Getenv(VersionEnv)
	}
	if v, err := ResolveVersion(o.Version); err == nil {
		o.Version = v
	} // else EnsureBinaries reports the bad version
	if o.EtcdVersion == "" {
		o.EtcdVersion = DefaultEtcdVersion
	}
	if o.CacheDir == "" {
		o.CacheDir = CacheDir()
	}
	if o.Progress == nil {
		o.Progress = os.Stderr
	}
	return o
}

var versionRE = regexp.MustCompile(`^v1\.(\d+)\.(\d+)$`)

// EnsureBinaries returns kube-apiserver, kubectl and etcd of the asked versions,
// building from the Go module proxy whatever the cache lacks. Builds hold a file
// lock in the cache directory, so parallel runs wait for one another instead of racing.
func EnsureBinaries(ctx context.Context, opts BuildOptions) (Binaries, error) {
	o := opts.withDefaults()
	if _, err := ResolveVersion(o.Version); err != nil {
		return Binaries{}, fmt.Errorf("build control plane: %w", err)
	}
	if !versionRE.MatchString(o.Version) {
		return Binaries{}, fmt.Errorf("build control plane: version %q is not of the form v1.MINOR.PATCH", o.Version)
	}
	kdir := filepath.Join(o.CacheDir, o.Version)
	refDir := filepath.Join(o.CacheDir, DefaultVersion)
	edir := filepath.Join(o.CacheDir, "etcd-"+o.EtcdVersion)
	b := Binaries{
		Version:       o.Version,
		KubeAPIServer: filepath.Join(kdir, "kube-apiserver"),
		Kubectl:       filepath.Join(refDir, "kubectl"),
		Etcd:          filepath.Join(edir, "etcd"),
	}
	if allExist(b.KubeAPIServer, b.Kubectl, b.Etcd) {
		return b, nil
	}
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return b, fmt.Errorf("build control plane: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(o.CacheDir, "build.lock"), o.Progress)
	if err != nil {
		return b, err
	}
	defer unlock()

	if !allExist(b.Etcd) {
		if err := buildEtcd(ctx, o, edir, b.Etcd); err != nil {
			return b, err
		}
	}
	// One throwaway module per Kubernetes version: the server's, and the
	// reference kubectl's (the same one when Version is DefaultVersion).
	builds := map[string][]buildTarget{}
	if !allExist(b.KubeAPIServer) {
		builds[o.Version] = append(builds[o.Version], buildTarget{"k8s.io/kubernetes/cmd/kube-apiserver", b.KubeAPIServer})
	}
	if !allExist(b.Kubectl) {
		builds[DefaultVersion] = append(builds[DefaultVersion], buildTarget{"k8s.io/kubernetes/cmd/kubectl", b.Kubectl})
	}
	for _, v := range []string{o.Version, DefaultVersion} {
		if targets := builds[v]; len(targets) > 0 {
			delete(builds, v)
			vm, _ := MinorOf(v)
			if err := buildKubernetes(ctx, o.Progress, v, vm, filepath.Join(o.CacheDir, v), targets); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// buildTarget is one program to build from k8s.io/kubernetes: its package and where it goes.
type buildTarget struct{ pkg, out string }

func allExist(paths ...string) bool {
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// lockFile takes an exclusive flock, printing once if it has to wait.
func lockFile(ctx context.Context, path string, progress io.Writer) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("build control plane: lock %s: %w", path, err)
	}
	said := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("build control plane: lock %s: %w", path, err)
		}
		if !said {
			fmt.Fprintf(progress, "kubedyn: another process is building into %s; waiting for it\n", filepath.Dir(path))
			said = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("build control plane: waiting for lock %s: %w", path, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// stagingReplaces reads k8s.io/kubernetes's go.mod from the module proxy and
// returns the staging modules it replaces with local directories.
func stagingReplaces(ctx context.Context, dir, version string) ([]string, error) {
	out, err := goCmd(ctx, dir, nil, "mod", "download", "-json", "k8s.io/kubernetes@"+version)
	if err != nil {
		return nil, fmt.Errorf("download k8s.io/kubernetes@%s: %w", version, err)
	}
	var info struct{ GoMod, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.GoMod == "" {
		return nil, fmt.Errorf("download k8s.io/kubernetes@%s: no go.mod in %q (%v %s)", version, out, err, info.Error)
	}
	data, err := os.ReadFile(info.GoMod)
	if err != nil {
		return nil, err
	}
	var mods []string
	re := regexp.MustCompile(`(?m)^\s*(k8s\.io/[\w.-]+)\s+=>\s+\./staging/`)
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		mods = append(mods, m[1])
	}
	if len(mods) == 0 {
		return nil, fmt.Errorf("k8s.io/kubernetes@%s: go.mod names no staging modules", version)
	}
	return mods, nil
}

// buildKubernetes builds targets from k8s.io/kubernetes at version into kdir.
func buildKubernetes(ctx context.Context, progress io.Writer, version string, minor int, kdir string, targets []buildTarget) error {
	src := filepath.Join(kdir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	var names []string
	for _, t := range targets {
		names = append(names, filepath.Base(t.out))
	}
	what := strings.Join(names, " and ")
	fmt.Fprintf(progress, "kubedyn: building %s %s from the Go module proxy into %s (first time only: ~3-10 minutes on 2 cores)\n", what, version, kdir)
	mods, err := stagingReplaces(ctx, src, version)
	if err != nil {
		return fmt.Errorf("build %s %s: %w", what, version, err)
	}
	staging := "v0" + strings.TrimPrefix(version, "v1")
	var gomod strings.Builder
	fmt.Fprintf(&gomod, "module kubedynbuild\n\ngo 1.26\n\nrequire k8s.io/kubernetes %s\n\n", version)
	for _, m := range mods {
		fmt.Fprintf(&gomod, "replace %s => %s %s\n", m, m, staging)
	}
	tools := "//go:build tools\n\npackage tools\n\nimport (\n\t_ \"k8s.io/kubernetes/cmd/kube-apiserver\"\n\t_ \"k8s.io/kubernetes/cmd/kubectl\"\n)\n"
	if err := writeFiles(src, map[string]string{"go.mod": gomod.String(), "tools.go": tools}); err != nil {
		return err
	}
	var tags []string
	if minor < 36 {
		tags = []string{"-tags", "providerless"}
	}
	// go mod tidy takes no build tags (it considers all of them); -e lets it
	// finish although older minors' cloud-provider test dependencies are no
	// longer on the module proxy (providerless builds never import them).
	if _, err := goCmd(ctx, src, nil, "mod", "tidy", "-e"); err != nil {
		return fmt.Errorf("build %s %s: go mod tidy: %w", what, version, err)
	}
	// All three: 1.29's /version takes major and minor from gitMajor and
	// gitMinor alone; later minors derive them from gitVersion.
	ld := fmt.Sprintf("-s -w -X k8s.io/component-base/version.gitVersion=%s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=%d -X k8s.io/component-base/version.gitTreeState=clean", version, minor)
	for _, t := range targets {
		if err := goBuild(ctx, progress, src, t.pkg, t.out, ld, tags); err != nil {
			return fmt.Errorf("build %s %s: %w", filepath.Base(t.out), version, err)
		}
	}
	return nil
}

func buildEtcd(ctx context.Context, o BuildOptions, edir, out string) error {
	src := filepath.Join(edir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(o.Progress, "kubedyn: building etcd %s from the Go module proxy into %s (first time only: ~1-2 minutes)\n", o.EtcdVersion, edir)
	var gomod strings.Builder
	fmt.Fprintf(&gomod, "module kubedynetcdbuild\n\ngo 1.26\n\nrequire go.etcd.io/etcd/server/v3 %s\n\n", o.EtcdVersion)
	for _, m := range []string{"api/v3", "client/pkg/v3", "client/v3", "pkg/v3"} {
		fmt.Fprintf(&gomod, "replace go.etcd.io/etcd/%s => go.etcd.io/etcd/%s %s\n", m, m, o.EtcdVersion)
	}
	tools := "//go:build tools\n\npackage tools\n\nimport _ \"go.etcd.io/etcd/server/v3\"\n"
	if err := writeFiles(src, map[string]string{"go.mod": gomod.String(), "tools.go": tools}); err != nil {
		return err
	}
	if _, err := goCmd(ctx, src, nil, "mod", "tidy", "-e"); err != nil {
		return fmt.Errorf("build etcd %s: go mod tidy: %w", o.EtcdVersion, err)
	}
	if err := goBuild(ctx, o.Progress, src, "go.etcd.io/etcd/server/v3", out, "-s -w", nil); err != nil {
		return fmt.Errorf("build etcd %s: %w", o.EtcdVersion, err)
	}
	return nil
}

func writeFiles(dir string, files map[string]string) error {
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goCmd runs the go tool in dir and returns its stdout; stderr goes into the error.
func goCmd(ctx context.Context, dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(buildEnv(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return out, nil
}

// buildEnv is the environment for throwaway build modules: never the caller's workspace.
func buildEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
}

// goBuild runs go build -v, printing a progress line every 20 seconds with the
// number of packages compiled so far, and installs the binary atomically.
func goBuild(ctx context.Context, progress io.Writer, dir, pkg, out, ldflags string, tags []string) error {
	tmp := out + ".tmp"
	args := append([]string{"build", "-v", "-trimpath", "-o", tmp, "-ldflags", ldflags}, tags...)
	args = append(args, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = buildEnv()
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	cmd.Stdout = pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); pw.Close() }()
	var last []string
	n := 0
	tick := time.NewTicker(20 * time.Second)
	defer tick.Stop()
	name := filepath.Base(out)
	for lines != nil {
		select {
		case l, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			n++
			last = append(last, l)
			if len(last) > 40 {
				last = last[1:]
			}
		case <-tick.C:
			fmt.Fprintf(progress, "kubedyn: building %s: %d packages compiled, %s elapsed\n", name, n, time.Since(start).Round(time.Second))
		}
	}
	if err := <-done; err != nil {
		os.Remove(tmp)
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, strings.Join(last, "\n"))
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	fmt.Fprintf(progress, "kubedyn: built %s in %s\n", out, time.Since(start).Round(time.Second))
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
