package manifest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	kunstructured "github.com/kubedyn/kubedyn/unstructured"
)

// Doc is one object read from a manifest, or the error that kept it from
// being read.
type Doc struct {
	// Source names where the object came from: the file name ("-" for
	// standard input).
	Source string
	// Index is the position of a document that could not be read among
	// the non-empty documents of its source, from 1; 0 for an object.
	Index int
	// Object is the object; nil when Err is set.
	Object *unstructured.Unstructured
	// Err says why the document could not be read.
	Err error
}

// Where returns the source, for messages (kubectl's name a source, and the
// object by its name).
func (d Doc) Where() string { return d.Source }

// extensions are the file names a directory contributes, as in kubectl.
var extensions = []string{".json", ".yaml", ".yml"}

// Read reads every path: a file, a directory (its .json, .yaml and .yml
// files in name order, not recursively) or "-" for stdin. A document that
// does not parse or lacks apiVersion or kind is returned with its Err, so
// the others can still be used; a path that cannot be read is an error.
// Empty documents are skipped and a "List" contributes its items. A
// document over unstructured.DefaultMaxDocumentBytes (16 MiB) ends its
// source with an error, so /dev/zero or an endless stdin cannot exhaust
// memory.
//
// Read returns when ctx is done even if a source blocks: opening a FIFO
// waits for a writer, and reading one or stdin waits for data. It then
// returns ctx's error; the blocked read is abandoned (a file it opened is
// closed, which ends a read in progress).
func Read(ctx context.Context, paths []string, stdin io.Reader) ([]Doc, error) {
	type result struct {
		docs []Doc
		err  error
	}
	done := make(chan result, 1)
	go func() {
		docs, err := readAll(ctx, paths, stdin)
		done <- result{docs, err}
	}()
	select {
	case r := <-done:
		return r.docs, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("reading %s: %w", strings.Join(paths, ", "), context.Cause(ctx))
	}
}

// readAll is Read without the watch on ctx; a file it opens is closed when
// ctx is done.
func readAll(ctx context.Context, paths []string, stdin io.Reader) ([]Doc, error) {
	var docs []Doc
	for _, p := range paths {
		if p == "-" {
			d, err := readStream("-", stdin)
			if err != nil {
				return nil, err
			}
			docs = append(docs, d...)
			continue
		}
		files, err := expand(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			d, err := readFile(ctx, f)
			if err != nil {
				return nil, err
			}
			docs = append(docs, d...)
		}
	}
	return docs, nil
}

func expand(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("the path %q does not exist", p)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("read directory %q: %w", p, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(extensions, filepath.Ext(e.Name())) {
			files = append(files, filepath.Join(p, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("error reading [%s]: recognized file extensions are [%s]", p, strings.Join(extensions, " "))
	}
	return files, nil
}

func readFile(ctx context.Context, name string) ([]Doc, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()
	return readStream(name, f)
}

// readStream reads the objects of one source with unstructured's
// ManifestReader, which goes on past a broken YAML document.
func readStream(source string, r io.Reader) ([]Doc, error) {
	mr := kunstructured.NewManifestReader(r)
	var docs []Doc
	var last kunstructured.ManifestError
	for {
		obj, err := mr.Next()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		var me *kunstructured.ManifestError
		switch {
		case errors.As(err, &me):
			// A JSON stream stops at its first error: Next then returns
			// that error again and again.
			if me.Doc == last.Doc && me.Item == last.Item && me.Line == last.Line {
				return docs, nil
			}
			last = *me
			docs = append(docs, Doc{Source: source, Index: me.Doc, Err: err})
		case err != nil:
			return nil, fmt.Errorf("read %s: %w", source, err)
		case obj.GetAPIVersion() == "":
			docs = append(docs, Doc{Source: source, Err: fmt.Errorf("%s %q has no apiVersion", obj.GetKind(), obj.GetName())})
		default:
			docs = append(docs, Doc{Source: source, Object: obj})
		}
	}
}

// Decode reads the objects of one YAML or JSON document or stream, as Read
// reads a file: nothing for an empty document, the items of a List, and a
// Doc with Err for what cannot be read.
func Decode(source string, raw []byte) []Doc {
	docs, err := readStream(source, bytes.NewReader(raw))
	if err != nil {
		return []Doc{{Source: source, Err: err}}
	}
	return docs
}
