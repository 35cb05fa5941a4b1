package informer

import (
	"fmt"
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzStore applies a sequence of puts and deletes (two bytes each: the
// operation with a label value, and the key) to the store with a label
// index, and checks it against a plain map after every step: same
// objects, same count, and every index entry naming an object that holds
// the value (and every object indexed under its value).
func FuzzStore(f *testing.F) {
	f.Add([]byte{0, 1, 1, 1, 2, 1, 0x81, 1})
	f.Add([]byte{0, 0, 0, 1, 1, 0, 0x80, 0, 0x80, 0, 0, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		s := compactStore(t, Indexers[U]{"color": func(o U) ([]string, error) {
			if c := o.GetLabels()["color"]; c != "" {
				return []string{c}, nil
			}
			return nil, fmt.Errorf("no color")
		}})
		if len(ops)%2 == 1 {
			s.keep = keeper[U]{} // objects as they are
		}
		model := map[Key]string{} // key → color
		ops = ops[:min(len(ops), 64)]
		for i := 0; i+1 < len(ops); i += 2 {
			op, k := ops[i], ops[i+1]
			key := Key{Namespace: fmt.Sprintf("ns%d", k%3), Name: fmt.Sprintf("o%d", k%7)}
			if op&0x80 != 0 {
				s.deleteLocked(key)
				delete(model, key)
			} else {
				color := []string{"", "red", "blue"}[op%3]
				var labels map[string]string
				if color != "" {
					labels = map[string]string{"color": color}
				}
				_, _, _ = s.putObjLocked(obj(key.Namespace, key.Name, "1", labels))
				model[key] = color
			}
			checkStore(t, s, model)
		}
	})
}

func checkStore(t *testing.T, s *store[U], model map[Key]string) {
	t.Helper()
	got := map[Key]string{}
	for _, o := range s.snapshotLocked() {
		got[KeyOf(o)] = o.GetLabels()["color"]
	}
	if !maps.Equal(model, got) || s.count != len(model) {
		t.Fatalf("store (count %d) differs from the model (-want +got):\n%s", s.count, cmp.Diff(model, got))
	}
	want := map[string]map[Key]struct{}{}
	for k, c := range model {
		if c != "" {
			if want[c] == nil {
				want[c] = map[Key]struct{}{}
			}
			want[c][k] = struct{}{}
		}
	}
	if !maps.EqualFunc(want, s.indices["color"], maps.Equal) {
		t.Fatalf("index (-want +got):\n%s", cmp.Diff(want, s.indices["color"]))
	}
}
