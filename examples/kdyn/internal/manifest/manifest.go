// Package manifest reads Kubernetes manifests for kdyn apply and diff: YAML
// (several documents separated by "---") or JSON, from files, directories
// and standard input, as kubectl -f reads them.
//
// It is kdyn's own minimal reader, written while a manifests reader for
// package unstructured was still being written.
package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Doc is one object read from a manifest, or the error that kept it from
// being read.
type Doc struct {
	// Source names where the object came from: the file name ("-" for
	// standard input).
	Source string
	// Index is the document's position in its source, from 1.
	Index int
	// Object is the object; nil when Err is set.
	Object *unstructured.Unstructured
	// Err says why the document could not be read.
	Err error
}

// Where returns "SOURCE" or "SOURCE (document N)" when the source held
// more than one document, for messages.
func (d Doc) Where() string {
	if d.Index > 1 {
		return fmt.Sprintf("%s (document %d)", d.Source, d.Index)
	}
	return d.Source
}

// extensions are the file names a directory contributes, as in kubectl.
var extensions = []string{".json", ".yaml", ".yml"}

// Read reads every path: a file, a directory (its .json, .yaml and .yml
// files in name order, not recursively) or "-" for stdin. A document that
// does not parse or lacks apiVersion or kind is returned with its Err, so
// the others can still be used; a path that cannot be read is an error.
// Empty documents are skipped and a "List" contributes its items.
func Read(paths []string, stdin io.Reader) ([]Doc, error) {
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
			d, err := readFile(f)
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

func readFile(name string) ([]Doc, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	return readStream(name, f)
}

// readStream splits r into YAML documents (a JSON document is valid YAML)
// and decodes each.
func readStream(source string, r io.Reader) ([]Doc, error) {
	yr := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var docs []Doc
	for index := 1; ; index++ {
		raw, err := yr.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", source, err)
		}
		docs = append(docs, Decode(source, index, raw)...)
	}
}

// Decode decodes one YAML or JSON document: nothing for an empty document,
// the items of a List, else the object. Errors are returned as a Doc with
// Err set.
func Decode(source string, index int, raw []byte) []Doc {
	fail := func(err error) []Doc { return []Doc{{Source: source, Index: index, Err: err}} }
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	js, err := utilyaml.ToJSON(raw)
	if err != nil {
		return fail(fmt.Errorf("parse: %w", err))
	}
	if string(js) == "null" {
		return nil
	}
	var obj unstructured.Unstructured
	if err := obj.UnmarshalJSON(js); err != nil {
		return fail(fmt.Errorf("decode: %w", err))
	}
	if obj.GetAPIVersion() == "" {
		return fail(errors.New("object has no apiVersion"))
	}
	if !obj.IsList() {
		return []Doc{{Source: source, Index: index, Object: &obj}}
	}
	list, err := obj.ToList()
	if err != nil {
		return fail(fmt.Errorf("decode list: %w", err))
	}
	var docs []Doc
	for i := range list.Items {
		docs = append(docs, Doc{Source: source, Index: index, Object: &list.Items[i]})
	}
	return docs
}
