package compact

import (
	"sync"
	"sync/atomic"
)

// tableLimit bounds a Table, so that a stream of ever new strings cannot
// grow it without end; strings beyond it are stored in each object.
const tableLimit = 1 << 15

// maxInterned is the longest string a Table takes. Longer strings (file
// contents, certificates, last-applied configurations) are rarely repeated.
const maxInterned = 64

// Table holds the strings that objects built with it share: object keys
// and repeated short values (apiVersion and kind, namespaces, label and
// annotation keys and values, images, condition types). Each is stored
// once, with its boxed interface, and objects refer to it by a small
// number. A string enters the Table the second time a Builder sees it, so
// values that occur once (names, uids, resourceVersions) never do. A Table
// only grows, up to 32,768 strings; it is safe for concurrent use, and
// objects keep it alive.
type Table struct {
	mu  sync.Mutex        // guards ids and the appends to entries
	ids map[string]uint32 // string → its index in entries
	// entries is published whole after each append, so readers load it
	// without the lock; entries below a loaded length never change.
	entries atomic.Pointer[entries]
}

// entries are a Table's strings, by id, and the same strings boxed.
type entries struct {
	strs  []string
	boxed []any
}

// NewTable returns an empty Table.
func NewTable() *Table {
	t := &Table{ids: make(map[string]uint32, 256)}
	t.entries.Store(&entries{})
	return t
}

// Len returns the number of strings in the table.
func (t *Table) Len() int { return len(t.entries.Load().strs) }

// lookup returns the id of s, adding it when add is set and there is room.
func (t *Table) lookup(s []byte, add bool) (uint32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[string(s)]; ok {
		return id, true
	}
	if !add || len(t.ids) >= tableLimit {
		return 0, false
	}
	str := string(s)
	old := t.entries.Load()
	id := uint32(len(old.strs))
	t.ids[str] = id
	t.entries.Store(&entries{strs: append(old.strs, str), boxed: append(old.boxed, any(str))})
	return id, true
}
