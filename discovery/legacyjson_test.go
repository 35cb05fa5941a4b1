package discovery

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// sameListAsEncodingJSON decodes body with the single-pass decoder and with
// encoding/json into metav1.APIResourceList and reports any difference.
func sameListAsEncodingJSON(body []byte) string {
	var want, got metav1.APIResourceList
	werr := json.Unmarshal(body, &want)
	gerr := unmarshalResourceList(body, &got)
	if (werr == nil) != (gerr == nil) {
		return fmt.Sprintf("encoding/json error %v, ours %v", werr, gerr)
	}
	if werr != nil {
		return ""
	}
	return cmp.Diff(want, got)
}

func TestResourceListDecoderMatchesEncodingJSON(t *testing.T) {
	type testCase struct {
		name string
		body string
	}
	var tests []testCase
	for _, d := range loadRecording(t).Legacy {
		if strings.Count(d.Path, "/") >= 2 && (strings.HasPrefix(d.Path, "/api/") || strings.Count(d.Path, "/") == 3) {
			tests = append(tests, testCase{name: "recorded " + d.Path, body: string(d.Body)})
		}
	}
	if len(tests) < 20 {
		t.Fatalf("only %d recorded resource lists", len(tests))
	}
	tests = append(tests, []testCase{
		{name: "empty", body: ``},
		{name: "null", body: `null`},
		{name: "html", body: `<html>503</html>`},
		{name: "truncated", body: `{"kind":"APIResourceList","resources":[{"name":"pods"`},
		{name: "keys folded", body: `{"KIND":"APIResourceList","GroupVersion":"v1","Resources":[{"NAME":"pods","Namespaced":true,"VERBS":["get"],"StorageVersionHash":"x"}]}`},
		{name: "repeated resources merge", body: `{"resources":[{"name":"a","namespaced":true,"verbs":["get","list"]}],"resources":[{"kind":"K","verbs":["watch"]}]}`},
		{name: "nulls", body: `{"kind":null,"resources":[null,{"name":null,"namespaced":null,"verbs":null,"shortNames":[null]}]}`},
		{name: "empty arrays", body: `{"resources":[{"verbs":[],"shortNames":[],"categories":[]}]}`},
		{name: "null resources", body: `{"resources":null}`},
		{name: "namespaced false after true", body: `{"resources":[{"namespaced":true,"namespaced":false}]}`},
		{name: "namespaced as string", body: `{"resources":[{"namespaced":"true"}]}`},
		{name: "namespaced as number", body: `{"resources":[{"namespaced":1}]}`},
		{name: "bad literal", body: `{"resources":[{"namespaced":tru}]}`},
		{name: "escapes", body: `{"groupVersion":"a\/b\u00e9\ud800"}`},
		{name: "unknown fields", body: `{"x":{"y":[1,2.5,-3e2,"z",null,true]},"groupVersion":"v1"}`},
		{name: "trailing garbage", body: `{} ]`},
		{name: "number as name", body: `{"resources":[{"name":5}]}`},
		{name: "object as verbs", body: `{"resources":[{"verbs":{}}]}`},
	}...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := sameListAsEncodingJSON([]byte(tc.body)); diff != "" {
				t.Errorf("decoders differ (-encoding/json +ours):\n%s", diff)
			}
		})
	}
}

// FuzzResourceListDecoder holds the single-pass APIResourceList decoder
// equal to encoding/json on random documents.
func FuzzResourceListDecoder(f *testing.F) {
	// Small seeds only: the fuzzer minimises every new input.
	f.Add([]byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get","list"],"shortNames":["deploy"],"categories":["all"],"storageVersionHash":"8aSe+NMegvE="},{"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get"]}]}`))
	f.Add([]byte(`{"KIND":null,"resources":[null,{"namespaced":false,"verbs":[]}],"x":[1.5e3,true]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if diff := sameListAsEncodingJSON(body); diff != "" {
			t.Fatalf("decoders differ on %q (-encoding/json +ours):\n%s", body, diff)
		}
	})
}

// BenchmarkDecodeResourceList compares the single-pass decoder with
// encoding/json on the recorded core /api/v1 list.
func BenchmarkDecodeResourceList(b *testing.B) {
	var body []byte
	for _, d := range loadRecording(b).Legacy {
		if d.Path == "/api/v1" {
			body = d.Body
		}
	}
	b.Run("decoder=kubedyn", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var l metav1.APIResourceList
			if err := unmarshalResourceList(body, &l); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder=encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var l metav1.APIResourceList
			if err := json.Unmarshal(body, &l); err != nil {
				b.Fatal(err)
			}
		}
	})
}
