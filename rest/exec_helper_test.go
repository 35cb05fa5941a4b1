package rest

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The exec plugin tests run this test binary as the plugin: TestMain calls
// runExecHelper when execHelperEnv is set. The helper appends the
// KUBERNETES_EXEC_INFO it received to the file named by execHelperLogEnv (one
// line per run, so tests count runs and inspect the input), then acts as mode
// says:
//
//	token:PREFIX:TTL  print a token PREFIX-N (N = run number) valid for TTL
//	                  ("0" = no expirationTimestamp, "-1h" = already expired)
//	env-token         print the token in $KUBEDYN_REST_EXEC_TOKEN (no expiry)
//	cert              print the certificate and key in files $KUBEDYN_REST_EXEC_CERT/_KEY
//	fail              print "login failed: bad password" on stderr and exit 1
//	garbage           print a secret-looking non-JSON line, and "oops" on stderr
//	wrong-version     print a v1alpha1 ExecCredential
//	no-status         print an ExecCredential without status
const (
	execHelperEnv    = "KUBEDYN_REST_EXEC_HELPER"
	execHelperLogEnv = "KUBEDYN_REST_EXEC_LOG"
)

func runExecHelper(mode string) int {
	info := os.Getenv("KUBERNETES_EXEC_INFO")
	run := 1
	if log := os.Getenv(execHelperLogEnv); log != "" {
		old, _ := os.ReadFile(log)
		run = strings.Count(string(old), "\n") + 1
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		fmt.Fprintln(f, info)
		f.Close()
	}
	var in struct {
		APIVersion string `json:"apiVersion"`
	}
	_ = json.Unmarshal([]byte(info), &in)
	out := map[string]any{"apiVersion": in.APIVersion, "kind": "ExecCredential"}
	kind, arg, _ := strings.Cut(mode, ":")
	switch kind {
	case "token":
		prefix, ttl, _ := strings.Cut(arg, ":")
		status := map[string]any{"token": prefix + "-" + strconv.Itoa(run)}
		if d, err := time.ParseDuration(ttl); err == nil && d != 0 {
			status["expirationTimestamp"] = time.Now().Add(d).UTC().Format(time.RFC3339)
		}
		out["status"] = status
	case "env-token":
		out["status"] = map[string]any{"token": os.Getenv("KUBEDYN_REST_EXEC_TOKEN")}
	case "cert":
		cert, err1 := os.ReadFile(os.Getenv("KUBEDYN_REST_EXEC_CERT"))
		key, err2 := os.ReadFile(os.Getenv("KUBEDYN_REST_EXEC_KEY"))
		if err1 != nil || err2 != nil {
			fmt.Fprintln(os.Stderr, err1, err2)
			return 3
		}
		out["status"] = map[string]any{"clientCertificateData": string(cert), "clientKeyData": string(key)}
	case "fail":
		fmt.Fprintln(os.Stderr, "login failed: bad password")
		return 1
	case "garbage":
		fmt.Println("Bearer supersecret-garbage")
		fmt.Fprintln(os.Stderr, "oops")
		return 0
	case "wrong-version":
		out["apiVersion"] = "client.authentication.k8s.io/v1alpha1"
		out["status"] = map[string]any{"token": "x"}
	case "no-status":
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
		return 2
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		return 3
	}
	return 0
}
