package conformance

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalise(t *testing.T) {
	js := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	lit := map[string]string{"conf-1234": "NS", "g9.conformance.kubedyn.test": "GROUP"}
	tests := []struct {
		name string
		in   Record
		want Record
	}{{
		name: "resourceVersions are ranked, uids numbered by first sight",
		in: Record{Steps: []Step{
			{Op: "create", Value: js(`{"metadata":{"name":"b","uid":"0000000b-0000-4000-8000-000000000000","resourceVersion":"900","namespace":"conf-1234"}}`)},
			{Op: "create", Value: js(`{"metadata":{"name":"a","uid":"0000000a-0000-4000-8000-000000000000","resourceVersion":"100"}}`)},
			{Op: "get", Value: js(`{"metadata":{"name":"b","uid":"0000000b-0000-4000-8000-000000000000","resourceVersion":"900"}}`)},
		}},
		want: Record{Steps: []Step{
			{Op: "create", Value: js(`{"metadata":{"name":"b","uid":"uid-1","resourceVersion":"rv-2","namespace":"NS"}}`)},
			{Op: "create", Value: js(`{"metadata":{"name":"a","uid":"uid-2","resourceVersion":"rv-1"}}`)},
			{Op: "get", Value: js(`{"metadata":{"name":"b","uid":"uid-1","resourceVersion":"rv-2"}}`)},
		}},
	}, {
		name: "times, continue tokens, generated names, groups in messages, a list's resourceVersion",
		in: Record{Steps: []Step{
			{Op: "list", Value: js(`{"metadata":{"continue":"abc","resourceVersion":"9"},"items":[{"metadata":{"name":"gen-x1y2z","generateName":"gen-","resourceVersion":"7","creationTimestamp":"2026-01-01T00:00:00Z"}}]}`)},
			{Op: "get", Error: &Status{Code: 404, Reason: "NotFound", Message: `widgets.g9.conformance.kubedyn.test "gen-x1y2z" not found at 7`}},
		}},
		want: Record{Steps: []Step{
			{Op: "list", Value: js(`{"metadata":{"continue":"<continue>","resourceVersion":"rv-1+"},"items":[{"metadata":{"name":"gen-<gen>","generateName":"gen-","resourceVersion":"rv-1","creationTimestamp":"<time>"}}]}`)},
			{Op: "get", Error: &Status{Code: 404, Reason: "NotFound", Message: `widgets.GROUP "gen-<gen>" not found at rv-1`}},
		}},
	}, {
		name: "collection resourceVersions before any object's, times and resourceVersions quoted in messages",
		in: Record{Steps: []Step{
			{Op: "list", Value: js(`{"metadata":{"resourceVersion":"3"},"items":[]}`)},
			{Op: "create", Value: js(`{"metadata":{"name":"a","resourceVersion":"5"}}`)},
			{Op: "patch", Error: &Status{Code: 422, Message: `invalid: {\"resourceVersion\":\"5\",\"creationTimestamp\":\"2026-12-07T01:12:56Z\"} {"resourceVersion":"4"}`}},
		}},
		want: Record{Steps: []Step{
			{Op: "list", Value: js(`{"metadata":{"resourceVersion":"rv-0+"},"items":[]}`)},
			{Op: "create", Value: js(`{"metadata":{"name":"a","resourceVersion":"rv-1"}}`)},
			{Op: "patch", Error: &Status{Code: 422, Message: `invalid: {\"resourceVersion\":\"rv-1\",\"creationTimestamp\":\"<time>\"} {"resourceVersion":"<rv>"}`}},
		}},
	}, {
		name: "uids that are no UUIDs and times that are not RFC 3339 in seconds show",
		in:   Record{Steps: []Step{{Op: "get", Value: js(`{"metadata":{"name":"a","uid":"7","creationTimestamp":"2026-01-01T00:00:00.5Z"}}`)}}},
		want: Record{Steps: []Step{{Op: "get", Value: js(`{"metadata":{"name":"a","uid":"<not a uuid: 7>","creationTimestamp":"<not RFC 3339 in seconds: 2026-01-01T00:00:00.5Z>"}}`)}}},
	}, {
		name: "masked digits",
		in:   Record{Steps: []Step{{Op: "list", Error: &Status{Code: 504, Message: "Too large resource version: 1000123, current: 123"}, maskDigits: true}}},
		want: Record{Steps: []Step{{Op: "list", Error: &Status{Code: 504, Message: "Too large resource version: N, current: N"}}}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in
			if err := normalise(&got, lit); err != nil {
				t.Fatal(err)
			}
			for i := range got.Steps {
				got.Steps[i].maskDigits = false
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(Step{})); diff != "" {
				t.Errorf("normalise (-want +got):\n%s", diff)
			}
		})
	}
}
