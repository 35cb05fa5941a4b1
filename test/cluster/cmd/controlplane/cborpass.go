package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// cborGate is the feature gate behind CBOR serving (alpha, off by default
// in 1.37).
const cborGate = "CBORServingAndStorage=true"

// cborPackages are the suites a whole run passes once more against a server
// with cborGate on: kubedyn reads CBOR by default wherever the server
// offers it, so every verb, watch and informer test then runs over CBOR.
var cborPackages = []string{"./dynamic/", "./dynamic/informer/"}

// cborPass runs cborPackages' tests (unit and integration, -race) with
// cborGate: each test binary starts its own control plane with the gate
// (KUBEDYN_INTEGRATION=1, no shared kubeconfig), stopped when it ends.
func cborPass(ctx context.Context) []string {
	env := make([]string, 0, len(os.Environ())+2)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, cluster.KubeconfigEnv+"=") && !strings.HasPrefix(kv, cluster.FeatureGatesEnv+"=") {
			env = append(env, kv)
		}
	}
	env = append(env, "KUBEDYN_INTEGRATION=1", cluster.FeatureGatesEnv+"="+cborGate)
	fmt.Fprintf(os.Stderr, "\n=== CBOR pass: %s with %s\n", strings.Join(cborPackages, " "), cborGate)
	failed := testStep(ctx, ".", cborPackages, env)
	for i := range failed {
		failed[i] = "CBOR pass: " + failed[i]
	}
	return failed
}
