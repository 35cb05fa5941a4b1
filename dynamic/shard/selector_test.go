package shard

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/sharding"
	"k8s.io/apimachinery/pkg/types"
)

func TestShardSelector(t *testing.T) {
	tests := []struct {
		name    string
		key     Key
		ranges  Ranges
		want    string
		wantErr bool
	}{
		{name: "first half", key: KeyUID, ranges: Ranges{Split(2)[0]},
			want: "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')"},
		{name: "to the end of the space", key: KeyNamespace, ranges: Ranges{Split(4)[3]},
			want: "shardRange(object.metadata.namespace, '0xc000000000000000', '0x10000000000000000')"},
		{name: "two pieces, sorted", key: KeyUID, ranges: Ranges{Split(4)[3], Split(4)[0]},
			want: "shardRange(object.metadata.uid, '0x0000000000000000', '0x4000000000000000') || shardRange(object.metadata.uid, '0xc000000000000000', '0x10000000000000000')"},
		{name: "adjacent pieces merged", key: KeyUID, ranges: Ranges{Split(4)[0], Split(4)[1]},
			want: "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')"},
		{name: "owning nothing has no wire form", key: KeyUID, ranges: nil, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSelector(tc.key, tc.ranges)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.ShardSelector()
			if (err != nil) != tc.wantErr {
				t.Fatalf("ShardSelector() error = %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ShardSelector() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewSelectorRefuses(t *testing.T) {
	tests := []struct {
		name   string
		key    Key
		ranges Ranges
	}{
		{name: "unknown key", key: "object.metadata.name", ranges: Ranges{Full}},
		{name: "blank key", key: "", ranges: Ranges{Full}},
		{name: "backwards range", key: KeyUID, ranges: Ranges{{Start: 5, Last: 4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := NewSelector(tc.key, tc.ranges); err == nil {
				t.Errorf("NewSelector(%q, %v) = %v, want an error", tc.key, tc.ranges, s)
			}
		})
	}
}

func TestParseSelector(t *testing.T) {
	half := Split(2)
	tests := []struct {
		name    string
		in      string
		key     Key
		want    Ranges
		wantErr bool
	}{
		{name: "server form", in: "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')", key: KeyUID, want: Ranges{half[0]}},
		{name: "short bounds (as in the API doc; the server itself wants 16 digits)", in: "shardRange(object.metadata.uid, '0x0', '0x8000000000000000')", key: KeyUID, want: Ranges{half[0]}},
		{name: "double quotes, no spaces, upper hex", in: `shardRange(object.metadata.namespace,"0X8000000000000000","0x10000000000000000")`, key: KeyNamespace, want: Ranges{half[1]}},
		{name: "an or of both halves is everything", in: "shardRange(object.metadata.uid, '0x8000000000000000', '0x10000000000000000') || shardRange(object.metadata.uid, '0x0', '0x8000000000000000')", key: KeyUID, want: Ranges{Full}},
		{name: "blank selects everything, refused", in: "", wantErr: true},
		{name: "mixed keys", in: "shardRange(object.metadata.uid, '0x0', '0x1') || shardRange(object.metadata.namespace, '0x1', '0x2')", wantErr: true},
		{name: "unknown key", in: "shardRange(object.metadata.name, '0x0', '0x1')", wantErr: true},
		{name: "trailing or", in: "shardRange(object.metadata.uid, '0x0', '0x1') ||", wantErr: true},
		{name: "trailing garbage", in: "shardRange(object.metadata.uid, '0x0', '0x1') x", wantErr: true},
		{name: "unterminated quote", in: "shardRange(object.metadata.uid, '0x0, '0x1')", wantErr: true},
		{name: "empty range", in: "shardRange(object.metadata.uid, '0x1', '0x1')", wantErr: true},
		{name: "missing paren", in: "shardRange(object.metadata.uid, '0x0', '0x1'", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSelector(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseSelector(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if got.Key() != tc.key {
				t.Errorf("key = %q, want %q", got.Key(), tc.key)
			}
			if diff := cmp.Diff(tc.want, got.Ranges()); diff != "" {
				t.Errorf("ranges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEchoedBy(t *testing.T) {
	quarters := Split(4)
	s, err := NewSelector(KeyUID, Ranges{quarters[0], quarters[2]})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		echo string
		want bool
	}{
		{name: "our own form", echo: s.String(), want: true},
		{name: "short bounds, other order", echo: "shardRange(object.metadata.uid,'0x8000000000000000','0xc000000000000000')||shardRange(object.metadata.uid,'0x0','0x4000000000000000')", want: true},
		{name: "split differently", echo: "shardRange(object.metadata.uid, '0x0', '0x2000000000000000') || shardRange(object.metadata.uid, '0x2000000000000000', '0x4000000000000000') || shardRange(object.metadata.uid, '0x8000000000000000', '0xc000000000000000')", want: true},
		{name: "no echo: the server did not filter", echo: "", want: false},
		{name: "other key", echo: "shardRange(object.metadata.namespace, '0x0', '0x4000000000000000') || shardRange(object.metadata.namespace, '0x8000000000000000', '0xc000000000000000')", want: false},
		{name: "other ranges", echo: "shardRange(object.metadata.uid, '0x0', '0x4000000000000000')", want: false},
		{name: "garbage", echo: "shardRange(", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.EchoedBy(tc.echo); got != tc.want {
				t.Errorf("EchoedBy(%q) = %v, want %v", tc.echo, got, tc.want)
			}
		})
	}
}

func object(uid, ns string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetUID(types.UID(uid))
	u.SetNamespace(ns)
	return u
}

// TestMatchesAgreesWithServerMatcher compares the client-side matcher with
// apimachinery's sharding.Selector (the server's) on objects and ranges
// around their hashes.
func TestMatchesAgreesWithServerMatcher(t *testing.T) {
	uid := "0b7e4a2c-5f1d-4f6e-9b3a-2d8c1e7f6a90"
	h := Hash(uid)
	tests := []struct {
		name   string
		key    Key
		ranges Ranges
		want   bool
	}{
		{name: "range starting at the hash", key: KeyUID, ranges: Ranges{{Start: h, Last: h}}, want: true},
		{name: "range ending just before", key: KeyUID, ranges: Ranges{{Start: 0, Last: h - 1}}, want: false},
		{name: "the whole space", key: KeyUID, ranges: Ranges{Full}, want: true},
		{name: "namespace key, other half", key: KeyNamespace, ranges: Ranges{{Start: Hash("ns-a") + 1, Last: math.MaxUint64}}, want: false},
		{name: "namespace key, own hash", key: KeyNamespace, ranges: Ranges{{Start: Hash("ns-a"), Last: Hash("ns-a")}}, want: true},
		{name: "empty owns nothing", key: KeyUID, ranges: nil, want: false},
	}
	obj := object(uid, "ns-a")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSelector(tc.key, tc.ranges)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Matches(obj); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
			if s.Empty() {
				return
			}
			if server := serverMatches(t, s, obj); server != tc.want {
				t.Errorf("sharding.Selector.Matches = %v, want %v", server, tc.want)
			}
		})
	}
}

// serverMatches asks apimachinery's selector, built from our wire form's
// requirements, whether obj matches.
func serverMatches(t testing.TB, s Selector, obj metav1.Object) bool {
	t.Helper()
	ok, err := sharding.NewSelector(requirements(s)...).Matches(obj.(*unstructured.Unstructured))
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestHashMatchesServer(t *testing.T) {
	for _, v := range []string{"", "a", "default", "0b7e4a2c-5f1d-4f6e-9b3a-2d8c1e7f6a90", "ünïcødé"} {
		if got, want := Hash(v), sharding.HashField(v); want != hex16(got) {
			t.Errorf("Hash(%q) = %016x, sharding.HashField = %s", v, got, want)
		}
	}
}

func BenchmarkSelectorMatches(b *testing.B) {
	s, err := NewSelector(KeyUID, Ranges{Split(3)[1]})
	if err != nil {
		b.Fatal(err)
	}
	obj := object("0b7e4a2c-5f1d-4f6e-9b3a-2d8c1e7f6a90", "default")
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Matches(obj)
	}
}

func TestEcho(t *testing.T) {
	tests := []struct {
		name string
		obj  map[string]any
		want string
	}{
		{name: "filtered", obj: map[string]any{"metadata": map[string]any{"shardInfo": map[string]any{"selector": "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')"}}},
			want: "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')"},
		{name: "not filtered", obj: map[string]any{"metadata": map[string]any{"resourceVersion": "5"}}, want: ""},
		{name: "no metadata", obj: map[string]any{}, want: ""},
		{name: "selector not a string", obj: map[string]any{"metadata": map[string]any{"shardInfo": map[string]any{"selector": 5}}}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Echo(&unstructured.UnstructuredList{Object: tc.obj}); got != tc.want {
				t.Errorf("Echo = %q, want %q", got, tc.want)
			}
		})
	}
}
