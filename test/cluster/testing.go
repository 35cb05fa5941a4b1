package cluster

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// KubeconfigEnv names the environment variable that hands test binaries a
// running control plane: the path of a kubeconfig written by this harness.
const KubeconfigEnv = "KUBEDYN_TEST_KUBECONFIG"

// IntegrationEnv is the explicit switch for integration tests when no
// control plane is handed over: with $KUBEDYN_INTEGRATION=1 (or true, on,
// yes) and $KUBEDYN_TEST_KUBECONFIG unset, a test binary starts its own
// control plane, building it first if the cache lacks it (5-10 minutes).
// With neither set, Get skips the test, so a plain `go test ./...` runs the
// unit tests only and is fast.
const IntegrationEnv = "KUBEDYN_INTEGRATION"

// IntegrationSkipped begins the message of every test Get skips for want of
// a control plane; the controlplane command fails a run in which a test
// printed it, since it hands every test binary a kubeconfig.
const IntegrationSkipped = "kubedyn: integration test skipped"

// shared is this test binary's control plane. The mutex guards every field.
var shared struct {
	mu         sync.Mutex
	mainCalled bool
	env        *Env
	err        error
	sup        *supervised
}

// Main is the TestMain of every package with integration tests:
//
//	func TestMain(m *testing.M) { cluster.Main(m) }
//
// It runs the tests, then stops the control plane Get may have started. When
// the process was started as a control-plane supervisor (see Get), it runs the
// supervisor instead of the tests.
func Main(m *testing.M) {
	if spec := os.Getenv(superviseEnv); spec != "" {
		os.Exit(runSupervisor(spec))
	}
	shared.mu.Lock()
	shared.mainCalled = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	if shared.sup != nil {
		shared.sup.stop()
	}
	shared.mu.Unlock()
	os.Exit(code)
}

// Get returns the control plane for integration tests: the one named by
// $KUBEDYN_TEST_KUBECONFIG, or else one started for this test binary on first
// use (building the binaries if the cache lacks them) and stopped when Main
// returns, when $KUBEDYN_INTEGRATION asks for that. With neither variable
// set it skips t, saying which switch runs it (see IntegrationEnv); once a
// control plane is asked for, it fails t, never skips, when none can be had.
func Get(t testing.TB) *Env {
	t.Helper()
	SkipUnlessIntegration(t)
	env, err := acquire()
	if err != nil {
		t.Fatalf("integration test %s needs a real control plane and has none: %v", t.Name(), err)
	}
	return env
}

// SkipUnlessIntegration skips t unless a control plane is handed over
// ($KUBEDYN_TEST_KUBECONFIG) or asked for ($KUBEDYN_INTEGRATION=1); it fails
// t when $KUBEDYN_INTEGRATION is neither true nor false. Get calls it; tests
// that start control planes of their own with Start call it first.
func SkipUnlessIntegration(t testing.TB) {
	t.Helper()
	run, err := integrationWanted(os.Getenv(KubeconfigEnv), os.Getenv(IntegrationEnv))
	if err != nil {
		t.Fatalf("integration test %s: %v", t.Name(), err)
	}
	if !run {
		t.Skipf("%s: $%s is unset and $%s is not 1; %s=1 runs it against a control plane of its own (built on first use: 5-10 minutes), `go run ./test/cluster/cmd/controlplane test` runs every test", IntegrationSkipped, KubeconfigEnv, IntegrationEnv, IntegrationEnv)
	}
}

// integrationWanted decides from $KUBEDYN_TEST_KUBECONFIG and
// $KUBEDYN_INTEGRATION whether integration tests run.
func integrationWanted(kubeconfig, flag string) (bool, error) {
	if strings.TrimSpace(kubeconfig) != "" {
		return true, nil
	}
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "", "0", "false", "off", "no":
		return false, nil
	case "1", "true", "on", "yes":
		return true, nil
	}
	return false, fmt.Errorf("$%s=%q: want 1 (run integration tests) or 0 (skip them)", IntegrationEnv, flag)
}

func acquire() (*Env, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.env != nil || shared.err != nil {
		return shared.env, shared.err
	}
	if kc := os.Getenv(KubeconfigEnv); kc != "" {
		shared.env, shared.err = LoadEnv(kc)
		return shared.env, shared.err
	}
	if !shared.mainCalled {
		shared.err = fmt.Errorf("$%s is unset and this package's TestMain does not call cluster.Main, so no control plane can be started for it", KubeconfigEnv)
		return nil, shared.err
	}
	opts, err := OptionsFromEnv()
	if err != nil {
		shared.err = fmt.Errorf("choose the control plane to start: %w", err)
		return nil, shared.err
	}
	fmt.Fprintf(os.Stderr, "kubedyn: $%s is unset; starting a control plane (Kubernetes %s %s) for this test binary\n", KubeconfigEnv, opts.Build.Version, strings.Join(opts.ExtraAPIServerArgs, " "))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	shared.sup, shared.err = startSupervised(ctx, opts)
	if shared.err == nil {
		shared.env = shared.sup.env
	}
	return shared.env, shared.err
}

var nonName = regexp.MustCompile(`[^a-z0-9-]+`)

// Namespace creates a fresh namespace named after t.Name() as admin and
// returns its name; it is deleted (which, with no controller-manager, only
// marks it Terminating) when the test ends.
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	base := strings.Trim(nonName.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	if len(base) > 40 {
		base = strings.Trim(base[:40], "-")
	}
	name := base + "-" + randomToken()[:6]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	body := `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"` + name + `","labels":{"kubedyn.test/owner":"` + strings.Trim(base, "-") + `"}}}`
	if _, err := e.Do(ctx, http.MethodPost, "/api/v1/namespaces", []byte(body)); err != nil {
		t.Fatalf("create test namespace: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = e.Do(ctx, http.MethodDelete, "/api/v1/namespaces/"+name, nil)
	})
	return name
}
