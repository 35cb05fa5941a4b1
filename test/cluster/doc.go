// Package cluster builds, starts and stops a real Kubernetes control plane for
// kubedyn's integration tests and examples: etcd and kube-apiserver, built
// from the Go module proxy at a pinned version and run on loopback.
//
// # Binaries
//
// EnsureBinaries builds kube-apiserver and kubectl from k8s.io/kubernetes (in
// a throwaway module that replaces every k8s.io staging module with its
// published v0.X.Y twin, because k8s.io/kubernetes's own replace directives
// keep `go install` from working) and etcd from go.etcd.io/etcd/server/v3.
// They are kept in CacheDir()/<version>/ ($KUBEDYN_CACHE_DIR, default
// ~/.cache/kubedyn) and rebuilt only when missing. The version is stamped
// with -ldflags on k8s.io/component-base/version (gitVersion, gitMajor,
// gitMinor), so /version tells the truth. Builds hold a file lock, so
// parallel runs wait instead of racing; the first build takes several
// minutes and prints progress.
//
// # Server versions
//
// The server is DefaultVersion (1.37) unless asked otherwise. Any minor from
// 1.29 to 1.37 can be asked for, by minor (its pinned patch, see
// PinnedVersions and ResolveVersion) or by full version. Minors before 1.36
// are built with -tags providerless (their cloud-provider dependencies are no
// longer all on the module proxy). kubectl is always DefaultVersion's: it is
// the reference client, and only the server changes. The choice is read from
// the environment by OptionsFromEnv, which Get (for test binaries) and the
// controlplane command use, so the same tests run against any server:
//
//	KUBEDYN_K8S_VERSION=1.29                    the server's version
//	KUBEDYN_K8S_FEATURE_GATES=WatchList=true    kube-apiserver feature gates
//	KUBEDYN_AGGREGATED_DISCOVERY=false          legacy discovery only (1.29; locked on from 1.30)
//
// Every pinned minor runs with the same kube-apiserver flags. Tests must find
// out what the server can do from the server (a refused request, a
// Content-Type, a discovery document), never from its version. `go run
// ./test/cluster/cmd/controlplane matrix` runs the integration suites against
// every pinned minor and prints a table (see the README's Compatibility section).
//
// # The control plane
//
// Start runs etcd and kube-apiserver on free loopback ports with data in a
// fresh temp dir. A generated CA signs the serving certificate, so clients
// verify TLS. Three users exist:
//
//   - admin: a static token in group system:masters (context "admin", the current one);
//   - cert-user: a client certificate in group kubedyn:cert-users, bound to
//     cluster-admin through RBAC (context "cert-user");
//   - restricted: a static token bound to ClusterRole kubedyn-read-only (get, list, watch) in the namespace
//     kubedyn-readonly only (context "restricted"), so any write is forbidden.
//
// Authorization is RBAC. The kubeconfig and an env.json describing the Env
// are written into the temp dir. There is no controller-manager: new
// namespaces get no default ServiceAccount, namespaces never finish
// deleting, nothing is garbage-collected, and Foreground/Orphan deletes leave
// their finalizer behind; tests assert requests and finalizers, not
// completion.
//
// # Cleanup
//
// Servers run in their own process group with Pdeathsig set, so they die
// with the process that started them, however it dies. Every run leaves a
// record in CacheDir()/run; Start sweeps the servers and temp dirs of runs
// whose owner is gone. Test binaries go one step further: Get starts the
// control plane in a supervisor child process that stops it and removes its
// temp dir as soon as its stdin closes, which happens when the test binary
// exits for any reason, including a timeout panic or SIGKILL.
//
// # In tests
//
// Each package with integration tests (files named *_integration_test.go)
// declares
//
//	func TestMain(m *testing.M) { cluster.Main(m) }
//
// and its tests call Get(t). When $KUBEDYN_TEST_KUBECONFIG names a kubeconfig
// written by this package (the README's test command sets it), every package
// shares that one control plane; with $KUBEDYN_INTEGRATION=1 instead, the
// test binary starts its own on first use. With neither, Get skips the test
// with a message naming the switch, so a plain `go test ./...` on a machine
// without a control plane runs the unit tests only, in seconds; the
// controlplane test command fails a run in which any test skipped that way
// or a package's integration tests all skipped. Tests isolate themselves with
// Env.Namespace. Once a control plane is asked for and none can be had, Get
// fails the test with the reason.
package cluster
