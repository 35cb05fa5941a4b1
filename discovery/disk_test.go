package discovery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiskStoreRefusesSymlinkedServerDir: a per-server directory replaced by
// a symbolic link (to a directory the attacker controls, or to one inside
// the cache) is neither read nor written, and the refusal is reported.
func TestDiskStoreRefusesSymlinkedServerDir(t *testing.T) {
	tests := []struct {
		name   string
		target func(t *testing.T, root string) string // where the link points
	}{
		{name: "outside the cache", target: func(t *testing.T, _ string) string { return t.TempDir() }},
		{name: "inside the cache", target: func(t *testing.T, root string) string {
			dir := filepath.Join(root, "other")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{name: "a file", target: func(t *testing.T, root string) string {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}},
	}
	d := doc{ContentType: "application/json", Body: []byte(`{"kind":"APIGroupList"}`)}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			s := newDiskStore(root, "https://server.example:6443")
			s.save("/apis", d)
			if _, ok := s.load("/apis"); !ok {
				t.Fatal("a real directory does not work")
			}
			if s.problem() != nil {
				t.Fatalf("problem = %v with a real directory", s.problem())
			}
			serverDir := filepath.Join(root, s.name)
			target := tc.target(t, root)
			// The target holds a planted document the cache must not read.
			if fi, err := os.Stat(target); err == nil && fi.IsDir() {
				planted := newDiskStore(filepath.Dir(target), "planted")
				planted.name = filepath.Base(target)
				planted.save("/apis", doc{ContentType: "application/json", Body: []byte(`{"planted":true}`)})
			}
			if err := os.RemoveAll(serverDir); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, serverDir); err != nil {
				t.Fatal(err)
			}
			if got, ok := s.load("/apis"); ok {
				t.Errorf("load through a symlink = %s, want a miss", got.Body)
			}
			s.save("/api", d)
			if entries, _ := os.ReadDir(target); len(entries) > 1 {
				t.Errorf("save wrote through the symlink: %d entries in %s", len(entries), target)
			}
			err := s.problem()
			if err == nil || !strings.Contains(err.Error(), serverDir) || !strings.Contains(err.Error(), "not following") {
				t.Errorf("problem = %v, want a refusal naming %s", err, serverDir)
			}
		})
	}
}
