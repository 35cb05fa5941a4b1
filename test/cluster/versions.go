package cluster

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Environment variables that choose the server a control plane runs. They are
// read by OptionsFromEnv, which Main (through Get) and the controlplane
// command use, so the same test binaries run against any pinned minor.
const (
	// VersionEnv names the Kubernetes version: a minor ("1.29", "v1.29":
	// its pinned patch, see PinnedVersions) or a full version ("v1.29.6").
	// Unset means DefaultVersion.
	VersionEnv = "KUBEDYN_K8S_VERSION"
	// FeatureGatesEnv holds extra kube-apiserver feature gates, in the
	// flag's own syntax: "Name=true,Other=false".
	FeatureGatesEnv = "KUBEDYN_K8S_FEATURE_GATES"
	// AggregatedDiscoveryEnv set to "false" turns off aggregated discovery
	// (feature gate AggregatedDiscoveryEndpoint=false), leaving legacy
	// discovery only. Only 1.29 and older servers let the gate be turned
	// off; from 1.30 it is locked on and kube-apiserver refuses to start.
	AggregatedDiscoveryEnv = "KUBEDYN_AGGREGATED_DISCOVERY"
)

// aggregatedDiscoveryGate is the feature gate behind /api and /apis serving
// the aggregated discovery document.
const aggregatedDiscoveryGate = "AggregatedDiscoveryEndpoint"

// PinnedVersions returns the Kubernetes version the harness runs for each
// minor it supports, oldest first: the newest patch of each minor whose
// k8s.io/kubernetes and staging modules the Go module proxy and checksum
// database both serve, and that builds with the Go toolchain of go.mod
// (checked 2026-11-23; v1.37.2 on 2026-12-07). 1.29 has only v1.29.6 on the proxy; 1.31 is v1.31.0
// because the checksum database knows no k8s.io/kube-aggregator (nor
// pod-security-admission, cluster-bootstrap, ...) v0.31.14, so its build
// fails verifying go.mod.
func PinnedVersions() []string {
	return []string{
		"v1.29.6",
		"v1.30.14",
		"v1.31.0",
		"v1.32.13",
		"v1.33.13",
		"v1.34.4",
		"v1.35.4",
		"v1.36.3",
		"v1.37.2",
	}
}

var (
	fullVersionRE  = regexp.MustCompile(`^v?1\.(\d+)\.(\d+)$`)
	minorVersionRE = regexp.MustCompile(`^v?1\.(\d+)$`)
)

// ResolveVersion turns what a person writes into the version to build: ""
// is DefaultVersion, a minor ("1.29" or "v1.29") is its pinned version, and a
// full version ("1.29.6" or "v1.29.6") is itself with a leading "v".
func ResolveVersion(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultVersion, nil
	}
	if m := fullVersionRE.FindStringSubmatch(s); m != nil {
		return "v1." + m[1] + "." + m[2], nil
	}
	if m := minorVersionRE.FindStringSubmatch(s); m != nil {
		prefix := "v1." + m[1] + "."
		for _, v := range PinnedVersions() {
			if strings.HasPrefix(v, prefix) {
				return v, nil
			}
		}
		return "", fmt.Errorf("kubernetes version %q: no pinned version for minor 1.%s (pinned: %s)", s, m[1], strings.Join(PinnedVersions(), ", "))
	}
	return "", fmt.Errorf("kubernetes version %q: want a minor like 1.29 or a version like v1.29.6", s)
}

// MinorOf returns the minor number of a version such as "v1.29.6" or "1.29".
func MinorOf(version string) (int, error) {
	for _, re := range []*regexp.Regexp{fullVersionRE, minorVersionRE} {
		if m := re.FindStringSubmatch(strings.TrimSpace(version)); m != nil {
			return strconv.Atoi(m[1])
		}
	}
	return 0, fmt.Errorf("kubernetes version %q: want a minor like 1.29 or a version like v1.29.6", version)
}

// ServerChoice says which server to run: a version and feature gates. It is
// what the environment variables above describe.
type ServerChoice struct {
	Version string // as ResolveVersion accepts; DefaultVersion when empty
	// FeatureGates are kube-apiserver feature gates, name to value.
	FeatureGates map[string]bool
}

// ParseFeatureGates parses the --feature-gates syntax: "A=true,B=false".
func ParseFeatureGates(s string) (map[string]bool, error) {
	gates := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("feature gates %q: %q is not Name=true or Name=false", s, part)
		}
		b, err := strconv.ParseBool(strings.TrimSpace(val))
		if err != nil {
			return nil, fmt.Errorf("feature gates %q: gate %s: %q is not true or false", s, name, val)
		}
		gates[name] = b
	}
	return gates, nil
}

// ServerChoiceFromEnv reads VersionEnv, FeatureGatesEnv and
// AggregatedDiscoveryEnv. With none set it is the default server.
func ServerChoiceFromEnv() (ServerChoice, error) {
	var c ServerChoice
	v, err := ResolveVersion(os.Getenv(VersionEnv))
	if err != nil {
		return c, fmt.Errorf("$%s: %w", VersionEnv, err)
	}
	c.Version = v
	c.FeatureGates, err = ParseFeatureGates(os.Getenv(FeatureGatesEnv))
	if err != nil {
		return c, fmt.Errorf("$%s: %w", FeatureGatesEnv, err)
	}
	if s := strings.TrimSpace(os.Getenv(AggregatedDiscoveryEnv)); s != "" {
		on, err := strconv.ParseBool(s)
		if err != nil {
			return c, fmt.Errorf("$%s: %q is not true or false", AggregatedDiscoveryEnv, s)
		}
		if !on {
			c.FeatureGates[aggregatedDiscoveryGate] = false
		}
	}
	return c, nil
}

// WithoutAggregatedDiscovery returns c with aggregated discovery turned off.
func (c ServerChoice) WithoutAggregatedDiscovery() ServerChoice {
	gates := make(map[string]bool, len(c.FeatureGates)+1)
	for k, v := range c.FeatureGates {
		gates[k] = v
	}
	gates[aggregatedDiscoveryGate] = false
	c.FeatureGates = gates
	return c
}

// AggregatedDiscovery reports whether c leaves aggregated discovery on.
func (c ServerChoice) AggregatedDiscovery() bool {
	on, set := c.FeatureGates[aggregatedDiscoveryGate]
	return !set || on
}

// String names the choice, e.g. "v1.29.6" or "v1.29.6 AggregatedDiscoveryEndpoint=false".
func (c ServerChoice) String() string {
	v, err := ResolveVersion(c.Version)
	if err != nil {
		v = c.Version
	}
	if g := c.FeatureGatesFlag(); g != "" {
		return v + " " + g
	}
	return v
}

// FeatureGatesFlag is the value of kube-apiserver's --feature-gates flag for
// c's gates, sorted by name ("" when there are none).
func (c ServerChoice) FeatureGatesFlag() string {
	names := make([]string, 0, len(c.FeatureGates))
	for n := range c.FeatureGates {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n+"="+strconv.FormatBool(c.FeatureGates[n]))
	}
	return strings.Join(parts, ",")
}

// Options returns the Options that start this server.
func (c ServerChoice) Options() (Options, error) {
	v, err := ResolveVersion(c.Version)
	if err != nil {
		return Options{}, err
	}
	o := Options{Build: BuildOptions{Version: v}}
	if g := c.FeatureGatesFlag(); g != "" {
		o.ExtraAPIServerArgs = []string{"--feature-gates=" + g}
	}
	return o, nil
}

// OptionsFromEnv returns the Options of the server the environment asks for
// (see VersionEnv, FeatureGatesEnv, AggregatedDiscoveryEnv): with none of
// them set, the default server, as Options{} starts it.
func OptionsFromEnv() (Options, error) {
	c, err := ServerChoiceFromEnv()
	if err != nil {
		return Options{}, err
	}
	return c.Options()
}
