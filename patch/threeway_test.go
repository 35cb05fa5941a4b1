package patch

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
)

func TestWithLastAppliedAsKubectl(t *testing.T) {
	tests := []struct {
		name, desired, want string
	}{
		{name: "YAML without annotations gets an empty map recorded",
			desired: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns\ndata:\n  b: \"2\"\n  a: \"<1>\"\n",
			want: `{"apiVersion":"v1","data":{"a":"\u003c1\u003e","b":"2"},"kind":"ConfigMap","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":` +
				`"{\"apiVersion\":\"v1\",\"data\":{\"a\":\"\\u003c1\\u003e\",\"b\":\"2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"c\",\"namespace\":\"ns\"}}\n"},"name":"c","namespace":"ns"}}`},
		{name: "an old annotation is not recorded inside the new one",
			desired: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"old","x":"y"}},"spec":{"replicas":2}}`,
			want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":` +
				`"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{\"x\":\"y\"},\"name\":\"d\"},\"spec\":{\"replicas\":2}}\n","x":"y"},"name":"d"},"spec":{"replicas":2}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WithLastApplied([]byte(tc.desired))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("WithLastApplied (-want +got):\n%s", diff)
			}
			last, err := LastApplied(got)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(string(last), "}\n") || strings.Contains(string(last), LastAppliedAnnotation) {
				t.Errorf("LastApplied = %q, want the configuration without the annotation, newline-terminated", last)
			}
		})
	}
}

func TestClientSideApply(t *testing.T) {
	deploy := recordedType(t, gvkDeployment)
	widget := recordedType(t, gvkWidget)
	lastDeploy, err := WithLastApplied([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"old":"1","keep":"1"}},
		"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"a:1","env":[{"name":"X","value":"1"}]}]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	lastWidget, err := WithLastApplied([]byte(`{"apiVersion":"` + widgetGroup + `/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"tags":["a"],"replicas":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		typ      *Type
		live     string // the live object, as JSON merge patch on the last applied object
		desired  string
		wantType types.PatchType
		wantSpec string // spec after applying the patch to live
		wantMeta map[string]string
	}{
		{name: "built-in: others' fields kept, fields dropped from the configuration deleted", typ: deploy,
			live: `{"metadata":{"labels":{"other":"x"}},"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"app","image":"a:1","env":[{"name":"X","value":"1"}],"imagePullPolicy":"Always"}]}}}}`,
			desired: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, labels: {keep: "1"}}
spec:
  template:
    spec:
      containers: [{name: app, image: "a:2"}]
`,
			wantType: types.StrategicMergePatchType,
			wantSpec: `{"template":{"spec":{"containers":[{"name":"app","image":"a:2","imagePullPolicy":"Always"}]}}}`,
			wantMeta: map[string]string{"keep": "1", "other": "x"}},
		{name: "custom resource: a merge patch", typ: widget,
			live:     `{"metadata":{"labels":{"other":"x"}},"spec":{"owner":"someone"}}`,
			desired:  `{"apiVersion":"` + widgetGroup + `/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"tags":["b"]}}`,
			wantType: types.MergePatchType,
			wantSpec: `{"tags":["b"],"owner":"someone"}`,
			wantMeta: map[string]string{"other": "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			last := lastDeploy
			if tc.typ == widget {
				last = lastWidget
			}
			live, err := Apply(last, Patch{Type: types.MergePatchType, Data: []byte(tc.live)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ClientSideApply([]byte(tc.desired), live, tc.typ, CreateOptions{})
			if err != nil {
				t.Fatalf("ClientSideApply: %v", err)
			}
			if p.Type != tc.wantType {
				t.Errorf("patch type = %s, want %s", p.Type, tc.wantType)
			}
			got, err := Apply(live, p, tc.typ)
			if err != nil {
				t.Fatalf("Apply(%s): %v", p, err)
			}
			if diff := jsonDiff(t, []byte(tc.wantSpec), mustMarshal(t, specOf(t, got))); diff != "" {
				t.Errorf("spec after %s (-want +got):\n%s", p, diff)
			}
			var obj struct {
				Metadata struct {
					Labels map[string]string `json:"labels"`
				} `json:"metadata"`
			}
			_ = mustUnmarshal(t, got, &obj)
			if diff := cmp.Diff(tc.wantMeta, obj.Metadata.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			recorded, err := LastApplied(got)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := WithLastApplied([]byte(tc.desired))
			wantLast, _ := LastApplied(want)
			if diff := cmp.Diff(string(wantLast), string(recorded)); diff != "" {
				t.Errorf("recorded last-applied configuration (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateThreeWayPatchRefusesRename(t *testing.T) {
	_, err := CreateThreeWayPatch(nil, []byte(`{"kind":"ConfigMap","metadata":{"name":"b"}}`), []byte(`{"kind":"ConfigMap","metadata":{"name":"a"}}`), recordedType(t, gvkConfigMap), CreateOptions{})
	if err == nil || !strings.Contains(err.Error(), "changes apiVersion, kind or metadata.name") {
		t.Errorf("error = %v, want one about changing metadata.name", err)
	}
}

func mustUnmarshal(t *testing.T, data []byte, into any) error {
	t.Helper()
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatal(err)
	}
	return nil
}

// TestClientSideApplyFirstTime covers a live object that was never applied
// (no annotation): nothing is deleted, desired fields are set and the
// configuration recorded.
func TestClientSideApplyFirstTime(t *testing.T) {
	live := []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","labels":{"o":"1"}},"spec":{"replicas":1,"paused":true}}`)
	desired := []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":{"replicas":2}}`)
	for _, typ := range []*Type{recordedType(t, gvkDeployment), nil} {
		t.Run(typ.Name(), func(t *testing.T) {
			p, err := ClientSideApply(desired, live, typ, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Apply(live, p, typ)
			if err != nil {
				t.Fatal(err)
			}
			withLast, _ := WithLastApplied(desired)
			last, _ := LastApplied(withLast)
			want := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","labels":{"o":"1"},"annotations":{"` + LastAppliedAnnotation + `":` +
				string(mustMarshal(t, string(last))) + `}},"spec":{"replicas":2,"paused":true}}`
			if diff := jsonDiff(t, []byte(want), got); diff != "" {
				t.Errorf("after %s (-want +got):\n%s", p, diff)
			}
		})
	}
}
