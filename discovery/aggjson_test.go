package discovery

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sameAsEncodingJSON decodes body with the single-pass decoder and with
// encoding/json into groupDiscoveryList and reports any difference: in the
// value, or one failing where the other does not.
func sameAsEncodingJSON(body []byte) string {
	var want, got groupDiscoveryList
	werr := json.Unmarshal(body, &want)
	gerr := unmarshalAggregated(body, &got)
	if (werr == nil) != (gerr == nil) {
		return fmt.Sprintf("encoding/json error %v, ours %v", werr, gerr)
	}
	if werr != nil {
		return ""
	}
	return cmp.Diff(want, got)
}

// synthAggregated returns an aggregated /apis document with n extra
// CRD-like groups, shaped like the test/bench +300-CRD set.
func synthAggregated(t testing.TB, base []byte, n int) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(base, &m); err != nil {
		t.Fatal(err)
	}
	items, _ := m["items"].([]any)
	for i := range n {
		g := fmt.Sprintf("crd%03d.bench.example.com", i)
		kind := map[string]any{"group": g, "version": "v1", "kind": fmt.Sprintf("Widget%03d", i)}
		items = append(items, map[string]any{
			"metadata": map[string]any{"name": g, "creationTimestamp": nil},
			"versions": []any{map[string]any{
				"version": "v1", "freshness": "Current",
				"resources": []any{map[string]any{
					"resource": fmt.Sprintf("widget%03ds", i), "responseKind": kind, "scope": "Namespaced",
					"singularResource": fmt.Sprintf("widget%03d", i),
					"verbs":            []any{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"},
					"shortNames":       []any{fmt.Sprintf("w%03d", i)}, "categories": []any{"all", "benchwidgets"},
					"subresources": []any{map[string]any{"subresource": "status", "responseKind": kind, "verbs": []any{"get", "patch", "update"}}},
				}},
			}},
		})
	}
	m["items"] = items
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAggregatedDecoderMatchesEncodingJSON(t *testing.T) {
	rec := loadRecording(t)
	tests := []struct {
		name string
		body string
	}{
		{name: "recorded /api", body: string(rec.Aggregated[0].Body)},
		{name: "recorded /apis", body: string(rec.Aggregated[1].Body)},
		{name: "recorded /apis +300 CRDs", body: string(synthAggregated(t, rec.Aggregated[1].Body, 300))},
		{name: "recorded /apis indented", body: indent(t, rec.Aggregated[1].Body)},
		{name: "empty", body: ``},
		{name: "whitespace", body: " \n\t "},
		{name: "null", body: `null`},
		{name: "html", body: `<html><body>503</body></html>`},
		{name: "truncated", body: `{"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":"g"}`},
		{name: "trailing garbage", body: `{"kind":"APIGroupDiscoveryList"} x`},
		{name: "two values", body: `{} {}`},
		{name: "NUL after value", body: "{}\x00"},
		{name: "keys folded", body: `{"KIND":"APIGroupDiscoveryList","Items":[{"METADATA":{"Name":"g"},"Versions":[{"VERSION":"v1","Resources":[{"RESOURCE":"r","ResponseKind":{"KIND":"K","Group":"g"},"SCOPE":"Cluster","VERBS":["get"]}]}]}]}`},
		{name: "kelvin sign folds to k", body: "{\"\u212aind\":\"x\"}"},
		{name: "repeated keys merge", body: `{"items":[{"metadata":{"name":"a"},"versions":[{"version":"v1","freshness":"Stale"}]}],"items":[{"versions":[{"version":"v2"}]}]}`},
		{name: "repeated responseKind merges", body: `{"items":[{"versions":[{"resources":[{"responseKind":{"kind":"A","group":"g"},"responseKind":{"kind":"B"}}]}]}]}`},
		{name: "repeated verbs replace", body: `{"items":[{"versions":[{"resources":[{"verbs":["a","b","c"],"verbs":["d"]}]}]}]}`},
		{name: "nulls", body: `{"kind":null,"items":[null,{"metadata":null,"versions":[{"resources":null,"version":null}]}]}`},
		{name: "null element keeps merged value", body: `{"items":[{"metadata":{"name":"a"}}],"items":[null]}`},
		{name: "null responseKind", body: `{"items":[{"versions":[{"resources":[{"responseKind":{"kind":"A"},"responseKind":null}]}]}]}`},
		{name: "empty arrays", body: `{"items":[{"versions":[{"resources":[{"verbs":[],"shortNames":[],"subresources":[]}]}]}]}`},
		{name: "null verbs", body: `{"items":[{"versions":[{"resources":[{"verbs":null,"categories":[null,"a"]}]}]}]}`},
		{name: "escapes", body: `{"kind":"A\"B\\C\/D\b\f\n\r\t\u00e9\ud83d\ude00"}`},
		{name: "lone surrogates", body: `{"kind":"\ud83d x \ude00 \ud83d\u0041"}`},
		{name: "invalid utf-8", body: "{\"kind\":\"a\xffb\xc3\"}"},
		{name: "utf-8", body: `{"kind":"héllo 世界"}`},
		{name: "control character", body: "{\"kind\":\"a\nb\"}"},
		{name: "bad escape", body: `{"kind":"\x"}`},
		{name: "short unicode escape", body: `{"kind":"\u12"}`},
		{name: "unknown fields of every type", body: `{"a":1,"b":-0.5e+10,"c":[true,false,null,{"d":[]}],"e":"\u0041","kind":"APIGroupDiscoveryList"}`},
		{name: "bad numbers", body: `{"a":01}`},
		{name: "bad number fraction", body: `{"a":1.}`},
		{name: "bad number exponent", body: `{"a":1e}`},
		{name: "minus alone", body: `{"a":-}`},
		{name: "bad literal", body: `{"a":nul}`},
		{name: "trailing comma", body: `{"a":1,}`},
		{name: "array trailing comma", body: `{"a":[1,]}`},
		{name: "missing colon", body: `{"a" 1}`},
		{name: "number as kind", body: `{"kind":5}`},
		{name: "bool as kind", body: `{"kind":true}`},
		{name: "object as items", body: `{"items":{}}`},
		{name: "string as item", body: `{"items":["x"]}`},
		{name: "number as verb", body: `{"items":[{"versions":[{"resources":[{"verbs":[1]}]}]}]}`},
		{name: "string as responseKind", body: `{"items":[{"versions":[{"resources":[{"responseKind":"x"}]}]}]}`},
		{name: "array at top", body: `[]`},
		{name: "string at top", body: `"x"`},
		{name: "nesting 10000 deep", body: `{"a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`},
		{name: "nesting 10001 deep", body: `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := sameAsEncodingJSON([]byte(tc.body)); diff != "" {
				t.Errorf("decoders differ (-encoding/json +ours):\n%s", diff)
			}
		})
	}
}

func indent(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// FuzzAggregatedDecoder holds the single-pass decoder equal to
// encoding/json on random documents.
func FuzzAggregatedDecoder(f *testing.F) {
	// Small seeds only (the recorded documents are tested above): the
	// fuzzer minimises every new input, which is slow on large ones.
	f.Add([]byte(`{"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":"g"},"versions":[{"version":"v1","freshness":"Stale"},{"version":"v2","resources":[{"resource":"r","scope":"Cluster","responseKind":{"group":"g","version":"v2","kind":"R"},"verbs":["get"],"subresources":[{"subresource":"s","verbs":[]}]}]}]}]}`))
	f.Add([]byte(`{"KIND":"a\u00e9\ud83d","items":[null,{"metadata":null}],"x":[1.5e3,true,false]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if diff := sameAsEncodingJSON(body); diff != "" {
			t.Fatalf("decoders differ on %q (-encoding/json +ours):\n%s", body, diff)
		}
	})
}

// BenchmarkDecodeAggregated compares the single-pass decoder with
// encoding/json on the recorded /apis plus 300 CRD groups (~200 KB).
func BenchmarkDecodeAggregated(b *testing.B) {
	body := synthAggregated(b, loadRecording(b).Aggregated[1].Body, 300)
	b.Run("decoder=kubedyn", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var l groupDiscoveryList
			if err := unmarshalAggregated(body, &l); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder=encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var l groupDiscoveryList
			if err := json.Unmarshal(body, &l); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode+convert", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			l, err := decodeAggregated(body)
			if err != nil {
				b.Fatal(err)
			}
			var r result
			fromAggregated(l, &r)
		}
	})
}
