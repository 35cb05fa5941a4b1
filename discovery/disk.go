package discovery

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// diskStore keeps documents of one server in a directory under root: one
// file per document, named by the hash of its key, holding the key and the
// doc as JSON. Files are 0600 and written atomically (temp file, then
// rename); a file that cannot be read or decoded, or that holds another
// key, is treated as missing. Write errors are ignored: the disk is only a
// cache.
//
// The per-server directory must be a real directory: one replaced by a
// symbolic link (or anything else) is refused, never followed, and the
// refusal is kept for [diskStore.problem]; the cache then works from memory.
// Files are reached through an os.Root opened on that directory, so no
// symbolic link inside it can lead outside, and the directory opened is
// checked to be the one inspected (no swap in between).
type diskStore struct {
	root string // the cache directory (CacheOptions.Dir), trusted
	name string // the server's directory, a hash, inside root

	mu      sync.Mutex // guards refused
	refused error      // why the server's directory was refused; nil if it was not
}

// diskFile is the content of one cache file.
type diskFile struct {
	Key string `json:"key"`
	Doc doc    `json:"doc"`
}

func newDiskStore(root, server string) *diskStore {
	return &diskStore{root: root, name: hashName(server)}
}

func hashName(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

func fileName(key string) string { return hashName(key) + ".json" }

// problem returns why the store refused its directory, nil if it did not.
func (s *diskStore) problem() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// open opens the server's directory, creating it (and root) when create is
// set. A missing directory without create is fs.ErrNotExist, not a refusal.
func (s *diskStore) open(create bool) (*os.Root, error) {
	if create {
		if err := os.MkdirAll(s.root, 0o700); err != nil {
			return nil, err
		}
	}
	r, err := os.OpenRoot(s.root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fi, err := r.Lstat(s.name)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err = r.Mkdir(s.name, 0o700); err == nil || errors.Is(err, fs.ErrExist) {
			fi, err = r.Lstat(s.name)
		}
	}
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() { // a symbolic link is not a directory to Lstat
		return nil, s.refuse(fmt.Errorf("discovery disk cache: %s is a %v, not a directory: not following it",
			filepath.Join(s.root, s.name), fi.Mode().Type()))
	}
	sub, err := r.OpenRoot(s.name)
	if err != nil {
		return nil, err
	}
	if now, err := sub.Stat("."); err != nil || !os.SameFile(fi, now) {
		sub.Close()
		return nil, s.refuse(fmt.Errorf("discovery disk cache: %s was replaced while being opened: not using it",
			filepath.Join(s.root, s.name)))
	}
	return sub, nil
}

func (s *diskStore) refuse(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = err
	return err
}

// load returns the stored doc of key, if a good one is on disk.
func (s *diskStore) load(key string) (doc, bool) {
	dir, err := s.open(false)
	if err != nil {
		return doc{}, false
	}
	defer dir.Close()
	b, err := dir.ReadFile(fileName(key))
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
	dir, err := s.open(true)
	if err != nil {
		return
	}
	defer dir.Close()
	tmp := ".tmp-" + rand.Text()
	f, err := dir.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil || dir.Rename(tmp, fileName(key)) != nil {
		dir.Remove(tmp)
	}
}
