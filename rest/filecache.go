package rest

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"time"
)

// fileCache holds the contents of a file that may be replaced on disk (a
// rotated token or certificate). Each get stats the file and re-reads it when
// its identity, size or modification time changed, so a rotation is seen by
// the very next request. A file that cannot be read is an error; the last
// good contents are not used past a failed read.
type fileCache struct {
	path string

	mu   sync.Mutex // guards info, data and err
	info os.FileInfo
	data []byte
	err  error
}

func newFileCache(path string) *fileCache { return &fileCache{path: path} }

// get returns the current contents and whether they changed since the
// previous successful get (true on the first).
func (f *fileCache) get() ([]byte, bool, error) {
	fi, err := os.Stat(f.path)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		f.info, f.data = nil, nil
		return nil, false, fmt.Errorf("read %s: %w", f.path, err)
	}
	if f.info != nil && os.SameFile(f.info, fi) && f.info.Size() == fi.Size() && f.info.ModTime().Equal(fi.ModTime()) && time.Since(fi.ModTime()) > time.Second {
		return f.data, false, nil
	}
	// Re-read: the file changed, or it changed so recently that a second
	// write within the file system's timestamp granularity could hide.
	data, err := os.ReadFile(f.path)
	if err != nil {
		f.info, f.data = nil, nil
		return nil, false, fmt.Errorf("read %s: %w", f.path, err)
	}
	changed := f.info == nil || !bytes.Equal(data, f.data)
	f.info, f.data = fi, data
	return data, changed, nil
}
