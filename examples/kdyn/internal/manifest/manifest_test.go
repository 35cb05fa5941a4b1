package manifest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// summary is what a test checks of a Doc.
type summary struct {
	Where, Kind, Name, Err string
}

func summarize(docs []Doc) []summary {
	var out []summary
	for _, d := range docs {
		s := summary{Where: d.Where()}
		if d.Err != nil {
			s.Err = d.Err.Error()
		} else {
			s.Kind, s.Name = d.Object.GetKind(), d.Object.GetName()
		}
		out = append(out, s)
	}
	return out
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	multi := write("multi.yaml", `# a comment
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
---
# an empty document is not counted
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
- {apiVersion: v1, kind: Secret, metadata: {name: c}}
---
kind: ConfigMap
metadata: {name: no-version}
---
apiVersion: v1
metadata: {name: no-kind}
---
: not yaml [
`)
	js := write("one.json", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}}`)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "b.yml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yy}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "a.txt"), []byte("ignored"), 0o600); err != nil {
		t.Fatal(err)
	}

	docs, err := Read(context.Background(), []string{multi, js, sub, "-"}, strings.NewReader("apiVersion: v1\nkind: Namespace\nmetadata: {name: s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := summarize(docs)
	want := []summary{
		{Where: multi, Kind: "ConfigMap", Name: "a"},
		{Where: multi, Kind: "ConfigMap", Name: "b"},
		{Where: multi, Kind: "Secret", Name: "c"},
		{Where: multi, Err: `ConfigMap "no-version" has no apiVersion`},
		{Where: multi, Err: got[4].Err},
		{Where: multi, Err: got[5].Err},
		{Where: js, Kind: "ConfigMap", Name: "j"},
		{Where: filepath.Join(sub, "b.yml"), Kind: "ConfigMap", Name: "yy"},
		{Where: "-", Kind: "Namespace", Name: "s"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for i, prefix := range map[int]string{
		4: "unstructured: manifest document 4 (line 17): Object 'Kind' is missing",
		5: "unstructured: manifest document 5 (line ", // 20, but the reader says 19 (reported)
	} {
		if !strings.HasPrefix(got[i].Err, prefix) {
			t.Errorf("document error %d = %q, want prefix %q", i, got[i].Err, prefix)
		}
	}
	if docs[4].Index != 4 || docs[0].Index != 0 {
		t.Errorf("Index: %d and %d, want 4 for the broken document and 0 for an object", docs[4].Index, docs[0].Index)
	}

	for _, tc := range []struct{ name, path, want string }{
		{name: "missing file", path: filepath.Join(dir, "nope.yaml"), want: "does not exist"},
		{name: "directory without manifests", path: t.TempDir(), want: "recognized file extensions are [.json .yaml .yml]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Read(context.Background(), []string{tc.path}, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// FuzzDecode: Decode never panics, and every object it returns has an
// apiVersion and a kind.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
		`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod"}]}`,
		"kind: X\n",
		"null",
		"- a\n- b\n",
		"a: [",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, d := range Decode("fuzz", raw) {
			if d.Err == nil && (d.Object.GetAPIVersion() == "" || d.Object.GetKind() == "") {
				t.Errorf("object without apiVersion or kind from %q: %v", raw, d.Object.Object)
			}
		}
	})
}

// TestReadFIFOWithoutWriter checks that Read returns when its context is
// done while a FIFO waits for a writer (kdyn apply -f FIFO and SIGTERM).
func TestReadFIFOWithoutWriter(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Read(ctx, []string{fifo}, nil)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), fifo) {
			t.Errorf("Read = %v, want context.Canceled naming the FIFO", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Read still blocked on the FIFO a minute after its context ended")
	}
}

// TestReadEndlessStdin checks that an endless document on stdin ends in the
// document bound's error, not in the process running out of memory.
func TestReadEndlessStdin(t *testing.T) {
	docs, err := Read(context.Background(), []string{"-"}, &repeat{line: []byte("a: " + strings.Repeat("b", 1<<10) + "\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Err == nil || !strings.Contains(docs[0].Err.Error(), "manifest document too large") {
		t.Fatalf("docs = %+v, want one Doc with the size bound's error", docs)
	}
}

// repeat repeats line for ever (`yes`).
type repeat struct {
	line []byte
	off  int
}

func (r *repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.line[r.off%len(r.line)]
		r.off++
	}
	return len(p), nil
}
