package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
