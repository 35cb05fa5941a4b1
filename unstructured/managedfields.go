package unstructured

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// FieldManager is one entry of an object's metadata.managedFields, without
// its field set: who wrote, how, and when.
type FieldManager struct {
	// Manager is the field manager's name ("kubectl", "kdyn", ...).
	Manager string
	// Operation is "Apply" (server-side apply) or "Update" (any other
	// write).
	Operation string
	// APIVersion is the version the fields were written at.
	APIVersion string
	// Subresource is the subresource written ("status"), "" for the
	// object itself.
	Subresource string
	// Time is when the manager last changed its fields; zero when the
	// entry has none.
	Time time.Time
}

// ManagedFields answers "who owns this field?" for one object from its
// metadata.managedFields, without a schema: paths are
// sigs.k8s.io/structured-merge-diff's (a field name, a list item by its
// key fields, a set item by its value, or an index), and ItemElement finds
// which one names a list item by what the managers recorded. It does no
// I/O and is safe for concurrent use once built.
type ManagedFields struct {
	entries []managedEntry
}

type managedEntry struct {
	FieldManager
	set *fieldpath.Set
}

// NewManagedFields reads obj's metadata.managedFields (a decoded object,
// as *unstructured.Unstructured's Object). An object without them has no
// owners; a malformed entry is an error naming it.
func NewManagedFields(obj map[string]any) (*ManagedFields, error) {
	meta, _ := obj["metadata"].(map[string]any)
	list, _ := meta["managedFields"].([]any)
	m := &ManagedFields{}
	for i, raw := range list {
		e, ok := raw.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("unstructured: metadata.managedFields[%d] is a %T, not an object", i, raw)
		}
		str := func(k string) string { s, _ := e[k].(string); return s }
		me := managedEntry{FieldManager: FieldManager{Manager: str("manager"), Operation: str("operation"),
			APIVersion: str("apiVersion"), Subresource: str("subresource")}, set: fieldpath.NewSet()}
		if t := str("time"); t != "" {
			tm, err := time.Parse(time.RFC3339, t)
			if err != nil {
				return nil, fmt.Errorf("unstructured: metadata.managedFields[%d] (%s): time: %w", i, me.Manager, err)
			}
			me.Time = tm
		}
		if fv, ok := e["fieldsV1"]; ok && fv != nil {
			js, err := json.Marshal(fv)
			if err != nil {
				return nil, fmt.Errorf("unstructured: metadata.managedFields[%d] (%s): fieldsV1: %w", i, me.Manager, err)
			}
			if err := me.set.FromJSON(bytes.NewReader(js)); err != nil {
				return nil, fmt.Errorf("unstructured: metadata.managedFields[%d] (%s): fieldsV1: %w", i, me.Manager, err)
			}
		}
		m.entries = append(m.entries, me)
	}
	return m, nil
}

// Managers returns every entry, in the object's order.
func (m *ManagedFields) Managers() []FieldManager {
	out := make([]FieldManager, len(m.entries))
	for i, e := range m.entries {
		out[i] = e.FieldManager
	}
	return out
}

// Owners returns the managers that own the field at p, in the object's
// order: those whose set has p itself, and those that own an ancestor of
// p atomically (a set member with nothing recorded below it, as an atomic
// list or map is recorded). A container a manager only created (its "."
// entry) is its own; the fields in it belong to whoever set them. None
// means no manager owns the field.
func (m *ManagedFields) Owners(p fieldpath.Path) []FieldManager {
	var out []FieldManager
	for _, e := range m.entries {
		if owns(e.set, p) {
			out = append(out, e.FieldManager)
		}
	}
	return out
}

// owns reports whether set s owns p, directly or through an atomic
// ancestor.
func owns(s *fieldpath.Set, p fieldpath.Path) bool {
	if s.Has(p) {
		return true
	}
	for k := len(p) - 1; k >= 1; k-- {
		if s.Has(p[:k]) && descend(s, p[:k]).Empty() {
			return true
		}
	}
	return false
}

// descend returns the part of s below prefix.
func descend(s *fieldpath.Set, prefix fieldpath.Path) *fieldpath.Set {
	for _, pe := range prefix {
		s = s.WithPrefix(pe)
	}
	return s
}

// ItemElement returns the path element that names item, the index-th item
// of the list at list, as the managers recorded it: the key (x-kubernetes-
// list-type map) whose fields item has, or the value (a set) equal to
// item, else the index (an atomic list, or an item no manager names).
func (m *ManagedFields) ItemElement(list fieldpath.Path, index int, item any) fieldpath.PathElement {
	iv := value.NewValueInterface(item)
	var found *fieldpath.PathElement
	match := func(pe fieldpath.PathElement) {
		if found != nil {
			return
		}
		switch {
		case pe.Key != nil && keyMatches(*pe.Key, item):
			found = &pe
		case pe.Value != nil && value.Equals(*pe.Value, iv):
			found = &pe
		}
	}
	for _, e := range m.entries {
		s := descend(e.set, list)
		s.Members.Iterate(match)
		s.Children.Iterate(match)
		if found != nil {
			return *found
		}
	}
	return fieldpath.IndexElement(index)
}

// keyMatches reports whether item is a map with every field of key.
func keyMatches(key value.FieldList, item any) bool {
	obj, ok := item.(map[string]any)
	if !ok || len(key) == 0 {
		return false
	}
	for _, f := range key {
		v, ok := obj[f.Name]
		if !ok || !value.Equals(f.Value, value.NewValueInterface(v)) {
			return false
		}
	}
	return true
}
