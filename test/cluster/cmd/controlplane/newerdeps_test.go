package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCopyModFiles(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{"go.mod": "module m\n", "go.sum": "x v1 h1:abc=\n"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(src)
	modfile := filepath.Join(t.TempDir(), "apimachinery-v0.37.2.mod")
	if err := copyModFiles(modfile); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for name, path := range map[string]string{"go.mod": modfile, "go.sum": filepath.Join(filepath.Dir(modfile), "apimachinery-v0.37.2.sum")} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got[name] = string(data)
	}
	if d := cmp.Diff(files, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestCopyModFilesWithoutGoMod(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := copyModFiles(filepath.Join(t.TempDir(), "x.mod")); err == nil {
		t.Error("copyModFiles with no go.mod: want an error")
	}
}
