package unstructured

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeObjectBytes(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    map[string]any
		dups    bool
		wantErr bool
	}{
		{name: "object", doc: `{"kind":"K","a":{"b":[1,{"c":"d"}]}}`, want: map[string]any{"kind": "K", "a": map[string]any{"b": []any{int64(1), map[string]any{"c": "d"}}}}},
		{name: "duplicate at the top", doc: `{"kind":"K","a":1,"a":2}`, want: map[string]any{"kind": "K", "a": int64(2)}, dups: true},
		{name: "duplicate in a list item", doc: `{"kind":"K","l":[{"x":1,"x":1}]}`, want: map[string]any{"kind": "K", "l": []any{map[string]any{"x": int64(1)}}}, dups: true},
		{name: "list", doc: `{"kind":"KList","items":[]}`, wantErr: true},
		{name: "trailing data", doc: `{"kind":"K"} {}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, dups, err := DecodeObjectBytes([]byte(tt.doc))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got.Object); diff != "" {
				t.Errorf("object (-want +got):\n%s", diff)
			}
			if dups != tt.dups {
				t.Errorf("duplicates = %v, want %v", dups, tt.dups)
			}
		})
	}
}
