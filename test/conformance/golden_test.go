package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// RecordEnv, when true, makes TestConformance write the real server's
// records as the golden files instead of comparing with them.
const RecordEnv = "KUBEDYN_CONFORMANCE_RECORD"

// goldenPath is where scenario name's golden record lives.
func goldenPath(name string) string {
	return filepath.Join("testdata", "golden", filepath.FromSlash(name)+".json")
}

// readGolden returns the recorded real-server Record of scenario name.
func readGolden(name string) (Record, error) {
	data, err := os.ReadFile(goldenPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, fmt.Errorf("no golden record of %s (record them against a real control plane with %s=1)", name, RecordEnv)
	}
	if err != nil {
		return Record{}, err
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return Record{}, fmt.Errorf("parse %s: %w", goldenPath(name), err)
	}
	return rec, nil
}

// writeGolden stores rec as scenario name's golden record.
func writeGolden(name string, rec Record) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		return err
	}
	p := goldenPath(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, buf.Bytes(), 0o644)
}

// canonical round-trips rec through JSON, so a live Record compares equal
// to its golden copy (numbers become float64, empty slices nil).
func canonical(rec Record) (Record, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return Record{}, err
	}
	var out Record
	err = json.Unmarshal(data, &out)
	return out, err
}

// lookupEnv is os.LookupEnv.
func lookupEnv(name string) (string, bool) { return os.LookupEnv(name) }

// truthy reads a boolean environment variable.
func truthy(name string) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(name))) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}

// TestGoldenFilesNormalised checks that no golden file holds a value that
// differs between runs: a scenario namespace or group, a server address, a
// timestamp, a uid.
func TestGoldenFilesNormalised(t *testing.T) {
	leaks := []*regexp.Regexp{
		regexp.MustCompile(`conf-[0-9a-f]{8}`),
		regexp.MustCompile(`[gw][0-9a-f]{8}\.conformance`),
		regexp.MustCompile(`127\.0\.0\.1`),
		regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}`),
		regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`),
	}
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < minScenarios {
		t.Fatalf("%d golden files, want one per scenario (at least %d)", len(files), minScenarios)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range leaks {
			if m := re.Find(data); m != nil {
				t.Errorf("%s holds %q, which differs between runs (%s)", f, m, re)
			}
		}
	}
}
