package desired

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

var spec = Spec{
	LabelKey:             "kubedyn.io/reconciled",
	LabelValue:           "true",
	GenerationAnnotation: "kubedyn.io/observed-generation",
	ConditionType:        "Reconciled",
	ConditionReason:      "Reconciled",
	ConditionMessage:     "labelled by the controller",
}

var now = time.Date(2026, 11, 23, 16, 30, 5, 123456789, time.UTC)

// object decodes a JSON object the way the dynamic client does.
func object(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON([]byte(s)); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return u
}

// decoded turns a patch back into a map for comparison.
func decoded(t *testing.T, b []byte) map[string]any {
	t.Helper()
	if b == nil {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("patch %s is not JSON: %v", b, err)
	}
	return m
}

func TestMetadataPatch(t *testing.T) {
	tests := []struct {
		name      string
		obj       string
		bump      bool   // Spec.AnnotationsBumpGeneration
		want      string // the patch as JSON; "" for none
		wantWrite bool
	}{
		{
			name:      "annotations bump the generation: record the next one",
			obj:       `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","generation":1,"resourceVersion":"3","labels":{"kubedyn.io/reconciled":"true"}}}`,
			bump:      true,
			want:      `{"metadata":{"resourceVersion":"3","annotations":{"kubedyn.io/observed-generation":"2"}}}`,
			wantWrite: true,
		},
		{
			name:      "annotations bump the generation: fixed point reached",
			obj:       `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","generation":2,"resourceVersion":"4","labels":{"kubedyn.io/reconciled":"true"},"annotations":{"kubedyn.io/observed-generation":"2"}}}`,
			bump:      true,
			wantWrite: false,
		},
		{
			name:      "bare object gets label and annotation",
			obj:       `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"7"}}`,
			want:      `{"metadata":{"resourceVersion":"7","labels":{"kubedyn.io/reconciled":"true"},"annotations":{"kubedyn.io/observed-generation":"0"}}}`,
			wantWrite: true,
		},
		{
			name:      "up to date",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":3,"resourceVersion":"9","labels":{"kubedyn.io/reconciled":"true","app":"web"},"annotations":{"kubedyn.io/observed-generation":"3","other":"x"}}}`,
			wantWrite: false,
		},
		{
			name:      "generation bump moves the annotation only",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":4,"resourceVersion":"10","labels":{"kubedyn.io/reconciled":"true"},"annotations":{"kubedyn.io/observed-generation":"3"}}}`,
			want:      `{"metadata":{"resourceVersion":"10","annotations":{"kubedyn.io/observed-generation":"4"}}}`,
			wantWrite: true,
		},
		{
			name:      "wrong label value is corrected, other labels untouched",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":1,"resourceVersion":"11","labels":{"kubedyn.io/reconciled":"false","app":"web"},"annotations":{"kubedyn.io/observed-generation":"1"}}}`,
			want:      `{"metadata":{"resourceVersion":"11","labels":{"kubedyn.io/reconciled":"true"}}}`,
			wantWrite: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := spec
			s.AnnotationsBumpGeneration = tc.bump
			got, write, err := MetadataPatch(object(t, tc.obj), s)
			if err != nil {
				t.Fatal(err)
			}
			if write != tc.wantWrite {
				t.Fatalf("write = %v, want %v (patch %s)", write, tc.wantWrite, got)
			}
			var want map[string]any
			if tc.want != "" {
				want = decoded(t, []byte(tc.want))
			}
			if diff := cmp.Diff(want, decoded(t, got)); diff != "" {
				t.Errorf("patch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusPatch(t *testing.T) {
	const then = "2026-01-01T00:00:00Z"
	tests := []struct {
		name      string
		obj       string
		want      string
		wantWrite bool
		wantErr   bool
	}{
		{
			name:      "no status: condition added with now",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":2,"resourceVersion":"5"}}`,
			want:      `{"metadata":{"resourceVersion":"5"},"status":{"conditions":[{"type":"Reconciled","status":"True","observedGeneration":2,"reason":"Reconciled","message":"labelled by the controller","lastTransitionTime":"2026-11-23T16:30:05Z"}]}}`,
			wantWrite: true,
		},
		{
			name:      "up to date: nothing",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":2,"resourceVersion":"6"},"status":{"conditions":[{"type":"Reconciled","status":"True","observedGeneration":2,"reason":"Reconciled","message":"labelled by the controller","lastTransitionTime":"` + then + `"}]}}`,
			wantWrite: false,
		},
		{
			name:      "new generation keeps transition time and other conditions",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":3,"resourceVersion":"7"},"status":{"phase":"Ready","conditions":[{"type":"Ready","status":"False","reason":"Waiting","message":"m","lastTransitionTime":"` + then + `","extra":1},{"type":"Reconciled","status":"True","observedGeneration":2,"reason":"Reconciled","message":"labelled by the controller","lastTransitionTime":"` + then + `"}]}}`,
			want:      `{"metadata":{"resourceVersion":"7"},"status":{"conditions":[{"type":"Ready","status":"False","reason":"Waiting","message":"m","lastTransitionTime":"` + then + `","extra":1},{"type":"Reconciled","status":"True","observedGeneration":3,"reason":"Reconciled","message":"labelled by the controller","lastTransitionTime":"` + then + `"}]}}`,
			wantWrite: true,
		},
		{
			name:      "status False becomes True with a new transition time",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":1,"resourceVersion":"8"},"status":{"conditions":[{"type":"Reconciled","status":"False","observedGeneration":1,"reason":"Broken","message":"x","lastTransitionTime":"` + then + `"}]}}`,
			want:      `{"metadata":{"resourceVersion":"8"},"status":{"conditions":[{"type":"Reconciled","status":"True","observedGeneration":1,"reason":"Reconciled","message":"labelled by the controller","lastTransitionTime":"2026-11-23T16:30:05Z"}]}}`,
			wantWrite: true,
		},
		{
			name:      "conditions not a list",
			obj:       `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a"},"status":{"conditions":"oops"}}`,
			wantErr:   true,
			wantWrite: false,
		},
		{
			name:    "condition not an object",
			obj:     `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a"},"status":{"conditions":[3]}}`,
			wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := object(t, tc.obj)
			before := obj.DeepCopy()
			got, write, err := StatusPatch(obj, spec, now)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if write != tc.wantWrite {
				t.Fatalf("write = %v, want %v (patch %s)", write, tc.wantWrite, got)
			}
			var want map[string]any
			if tc.want != "" {
				want = decoded(t, []byte(tc.want))
			}
			if diff := cmp.Diff(want, decoded(t, got)); diff != "" {
				t.Errorf("patch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before.Object, obj.Object); diff != "" {
				t.Errorf("StatusPatch modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

// TestStatusPatchConverges applies each patch to the object as the server
// would (merge) and checks that the next computation is a no-op: the
// controller's own write, coming back as a watch event, ends the loop.
func TestStatusPatchConverges(t *testing.T) {
	obj := object(t, `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":5,"resourceVersion":"1"},"status":{"conditions":[{"type":"Other","status":"True","reason":"R","message":"","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`)
	p, write, err := StatusPatch(obj, spec, now)
	if err != nil || !write {
		t.Fatalf("first patch: write=%v err=%v", write, err)
	}
	var status map[string]any
	if err := json.Unmarshal(p, &status); err != nil {
		t.Fatal(err)
	}
	// Round-trip through JSON as the server's answer would be decoded.
	b, _ := json.Marshal(status["status"])
	merged := object(t, `{"apiVersion":"x/v1","kind":"W","metadata":{"name":"a","generation":5,"resourceVersion":"2"},"status":`+string(b)+`}`)
	if !HasCondition(merged, spec) {
		t.Fatalf("HasCondition false after the patch: %s", b)
	}
	if p, write, err := StatusPatch(merged, spec, now.Add(time.Hour)); err != nil || write {
		t.Fatalf("second patch: write=%v err=%v patch=%s; want none", write, err, p)
	}
	conds, _ := Conditions(merged)
	if len(conds) != 2 || conds[0]["type"] != "Other" {
		t.Errorf("conditions after the patch = %v; want Other kept first", conds)
	}
}

func TestStatusPatchNoObservedGeneration(t *testing.T) {
	s := spec
	s.NoObservedGeneration = true
	obj := object(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","generation":2,"resourceVersion":"5"},"status":{"conditions":[{"type":"Reconciled","status":"True","reason":"Reconciled","message":"labelled by the controller","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`)
	if !LacksObservedGeneration(obj, spec) {
		t.Error("LacksObservedGeneration = false, want true")
	}
	if HasCondition(obj, spec) {
		t.Error("HasCondition with observedGeneration = true, want false")
	}
	if !HasCondition(obj, s) {
		t.Error("HasCondition without observedGeneration = false, want true")
	}
	if p, write, err := StatusPatch(obj, s, now); err != nil || write {
		t.Errorf("StatusPatch = %s, %v, %v; want no write", p, write, err)
	}
	obj = object(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","generation":2,"resourceVersion":"6"}}`)
	p, write, err := StatusPatch(obj, s, now)
	if err != nil || !write {
		t.Fatalf("StatusPatch: write=%v err=%v", write, err)
	}
	want := decoded(t, []byte(`{"metadata":{"resourceVersion":"6"},"status":{"conditions":[{"type":"Reconciled","status":"True","reason":"Reconciled","message":"labelled by the controller","lastTransitionTime":"2026-11-23T16:30:05Z"}]}}`))
	if diff := cmp.Diff(want, decoded(t, p)); diff != "" {
		t.Errorf("patch (-want +got):\n%s", diff)
	}
	if LacksObservedGeneration(obj, spec) {
		t.Error("LacksObservedGeneration with no condition = true, want false")
	}
}

func TestSetConditionDoesNotModifyInput(t *testing.T) {
	in := []map[string]any{{"type": "Reconciled", "status": "False", "lastTransitionTime": "2026-01-01T00:00:00Z"}}
	out, changed := SetCondition(in, Condition(spec, 1), now)
	if !changed {
		t.Fatal("changed = false, want true")
	}
	if diff := cmp.Diff("False", in[0]["status"]); diff != "" {
		t.Errorf("input modified (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("True", out[0]["status"]); diff != "" {
		t.Errorf("output status (-want +got):\n%s", diff)
	}
}

func TestInt64Of(t *testing.T) {
	tests := []struct {
		name   string
		v      any
		want   int64
		wantOK bool
	}{
		{name: "int64", v: int64(4), want: 4, wantOK: true},
		{name: "int", v: 4, want: 4, wantOK: true},
		{name: "whole float", v: float64(4), want: 4, wantOK: true},
		{name: "fraction", v: 4.5},
		{name: "string", v: "4"},
		{name: "nil", v: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := int64Of(tc.v)
			if diff := cmp.Diff([]any{tc.want, tc.wantOK}, []any{got, ok}); diff != "" {
				t.Errorf("int64Of(%v) (-want +got):\n%s", tc.v, diff)
			}
		})
	}
}
