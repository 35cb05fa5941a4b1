package discovery

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
)

// diskStore keeps documents of one server in a directory: one file per
// document, named by the hash of its key, holding the key and the doc as
// JSON. Files are 0600 and written atomically (temp file, then rename); a
// file that cannot be read or decoded, or that holds another key, is
// treated as missing. Write errors are ignored: the disk is only a cache.
type diskStore struct {
	dir string
}

// diskFile is the content of one cache file.
type diskFile struct {
	Key string `json:"key"`
	Doc doc    `json:"doc"`
}

func newDiskStore(root, server string) *diskStore {
	return &diskStore{dir: filepath.Join(root, hashName(server))}
}

func hashName(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

func (s *diskStore) path(key string) string {
	return filepath.Join(s.dir, hashName(key)+".json")
}

// load returns the stored doc of key, if a good one is on disk.
func (s *diskStore) load(key string) (doc, bool) {
	b, err := os.ReadFile(s.path(key))
	if err != nil {
		return doc{}, false
	}
	var f diskFile
	if err := json.Unmarshal(b, &f); err != nil || f.Key != key || f.Doc.ContentType == "" || !json.Valid(f.Doc.Body) {
		return doc{}, false
	}
	return f.Doc, true
}

// save writes the doc of key atomically; failures are ignored.
func (s *diskStore) save(key string, d doc) {
	b, err := json.Marshal(diskFile{Key: key, Doc: d})
	if err != nil {
		return
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return
	}
	name := tmp.Name()
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Chmod(name, 0o600) != nil || os.Rename(name, s.path(key)) != nil {
		os.Remove(name)
	}
}
