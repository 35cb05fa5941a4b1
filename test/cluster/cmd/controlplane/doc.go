// Command controlplane builds, starts and stops kubedyn's local test control
// plane (etcd and kube-apiserver from the Go module proxy), and runs the
// project's whole test suite against it.
//
//	controlplane build            build (or find cached) kube-apiserver, kubectl and etcd
//	controlplane up               start one in the background; print its kubeconfig, version and groups
//	                              (when one already runs: reuse it if it is the version and gates asked for,
//	                              else fail, naming what runs and what was asked)
//	controlplane env              print shell exports for the running one
//	controlplane down             stop the running one
//	controlplane kdyn [args...]   up (or reuse), then run examples/kdyn with args against it (kdyn.go)
//	controlplane test [pkgs...]   build, start, run go vet, the tests (with -race; failing if integration
//	                              tests skipped, teststep.go) and fuzz smoke runs, stop; the unit tests with
//	                              apimachinery v0.37.2 (newerdeps.go); a whole run then the gated passes
//	                              (gatedpass.go: dynamic and the informer with CBORServingAndStorage, the
//	                              sharding tests with ShardedListAndWatch, each binary starting its own
//	                              server) and, with KUBEDYN_COMPAT_SMOKE=1 (.ci/run sets it), the 1.29
//	                              smoke suite (smoke.go)
//	controlplane matrix [flags]   run the integration suites against every pinned minor; print a table
//
// Flags before the subcommand choose the server (default: the environment's
// $KUBEDYN_K8S_VERSION, $KUBEDYN_K8S_FEATURE_GATES and
// $KUBEDYN_AGGREGATED_DISCOVERY, else v1.37.2):
//
//	-version 1.29 | v1.29.6       a pinned minor or a full version
//	-feature-gates A=true,B=false kube-apiserver feature gates
//	-aggregated-discovery=false   legacy discovery only (1.29 and older)
package main
