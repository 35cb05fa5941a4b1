package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// compatSmokeEnv turns the compatibility smoke suite of a whole `controlplane
// test` run on (1, true, on) or off (0, false, off). .ci/run turns it on
// unless told otherwise; when unset, smokeByDefault decides.
const compatSmokeEnv = "KUBEDYN_COMPAT_SMOKE"

// smokeByDefault is whether `controlplane test` runs the smoke suite when
// $KUBEDYN_COMPAT_SMOKE is unset. Off, so that a local run does not build and
// start 1.29 unasked (the first build adds ~3 minutes); CI turns it on.
const smokeByDefault = false

// compatSmokeVersion is the oldest supported minor, the one the smoke suite
// runs against, with aggregated discovery on (v2beta1 only at 1.29) and off.
const compatSmokeVersion = "1.29"

// smokeTests are the compatibility smoke suite: existing integration tests,
// selected by package and name, that cover discovery both ways, CRUD, watch
// resume and strategic merge patch on a custom resource. This is the one place
// they are named; runSmoke fails if one of them did not run (was renamed).
var smokeTests = []struct {
	pkg   string
	tests []string
	why   string
}{
	{"./discovery/", []string{
		"TestIntegrationAggregatedEqualsLegacy", // Aggregated vs Legacy over 50 CRDs
		"TestIntegrationInvalidateSeesNewCRD",   // both modes, through the cache
	}, "discovery both ways"},
	{"./restmapper/", []string{"TestIntegrationCRDAfterBuild"}, "a mapper that learns a new CRD"},
	{"./dynamic/", []string{
		"TestIntegrationEveryVerb",                        // CRUD and every verb
		"TestIntegrationResumableWatchSurvivesCuts",       // watch resume through connection cuts
		"TestIntegrationResumableWatchRelistsAfterExpiry", // resume after a real etcd compaction
		"TestIntegrationStrategicMergeOnCustomResource",   // strategic merge on a CR
	}, "CRUD, watch resume, strategic merge on a CR"},
	{"./patch/", []string{"TestIntegrationCustomStrategic"}, "strategic merge on a CRD"},
	// 1.29 refuses streaming lists: the informer falls back once and keeps
	// listing by pages when its CRD is deleted and created again.
	{"./dynamic/informer/", []string{"TestIntegrationCRDDeletedAndRecreated"}, "an informer's fallback to paged lists, once"},
}

// smokeEnabled reports whether $KUBEDYN_COMPAT_SMOKE (else smokeByDefault)
// asks for the smoke suite.
func smokeEnabled() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(compatSmokeEnv))) {
	case "0", "false", "off", "no":
		return false
	case "1", "true", "on", "yes":
		return true
	}
	return smokeByDefault
}

// smokeRunPattern is the go test -run pattern selecting every smoke test.
func smokeRunPattern() string {
	var names []string
	for _, s := range smokeTests {
		for _, n := range s.tests {
			names = append(names, regexp.QuoteMeta(n))
		}
	}
	sort.Strings(names)
	return "^(" + strings.Join(names, "|") + ")$"
}

// runSmoke runs the smoke suite against compatSmokeVersion with and without
// aggregated discovery, prints its table, and returns what failed.
func runSmoke(ctx context.Context) []string {
	rows, err := matrixRows([]string{compatSmokeVersion}, true)
	if err != nil {
		return []string{"compat smoke: " + err.Error()}
	}
	var patterns []string
	for _, s := range smokeTests {
		patterns = append(patterns, s.pkg)
	}
	module, paths, err := testPackages(ctx, patterns)
	if err != nil {
		return []string{"compat smoke: " + err.Error()}
	}
	out, err := os.MkdirTemp("", "kubedyn-smoke-")
	if err != nil {
		return []string{"compat smoke: " + err.Error()}
	}
	fmt.Fprintf(os.Stderr, "\n=== compat smoke: %s with and without aggregated discovery (%s=0 skips it); logs in %s\n", compatSmokeVersion, compatSmokeEnv, out)
	testArgs := append([]string{"test", "-json", "-count=1", "-timeout=15m", "-run", smokeRunPattern()}, paths...)
	for _, row := range rows {
		if ctx.Err() != nil {
			row.StartErr = ctx.Err()
			continue
		}
		runMatrixRow(ctx, row, testArgs, out)
	}
	table := matrixTable(rows, module, paths, time.Now()) + matrixFailures(rows, module)
	fmt.Fprint(os.Stderr, table)
	failed := smokeVerdict(rows, module)
	if len(failed) == 0 {
		os.RemoveAll(out) // the logs are kept only to explain a failure
		return nil
	}
	_ = os.WriteFile(filepath.Join(out, "table.md"), []byte(table), 0o644)
	fmt.Fprintf(os.Stderr, "compat smoke: go test -json logs kept in %s\n", out)
	return failed
}

// smokeVerdict lists each failed or missing smoke test of each server.
func smokeVerdict(rows []*matrixRow, module string) []string {
	var failed []string
	for _, row := range rows {
		if row.StartErr != nil {
			failed = append(failed, fmt.Sprintf("compat smoke %s: %v", row.Name, row.StartErr))
			continue
		}
		for _, s := range smokeTests {
			path := module + "/" + strings.Trim(strings.TrimPrefix(s.pkg, "./"), "/")
			p := row.Results.Get(path)
			for _, name := range s.tests {
				verdict := ""
				if p != nil {
					verdict = p.Ran[name]
				}
				switch verdict {
				case "pass":
				case "":
					failed = append(failed, fmt.Sprintf("compat smoke %s: %s.%s did not run (%s; renamed? update smokeTests)", row.Name, shortPackage(module, path), name, p.Cell()))
				default:
					failed = append(failed, fmt.Sprintf("compat smoke %s: %s.%s: %s", row.Name, shortPackage(module, path), name, verdict))
				}
			}
		}
	}
	return failed
}
