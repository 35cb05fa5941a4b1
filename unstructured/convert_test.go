package unstructured

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// convDeployment is a typed object in the shape of apps/v1 Deployment.
type convDeployment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Replicas *int32 `json:"replicas,omitempty"`
		Paused   bool   `json:"paused,omitempty"`
	} `json:"spec"`
}

func TestTypedConversion(t *testing.T) {
	two := int32(2)
	tests := []struct {
		name    string
		in      map[string]any
		strict  bool
		want    *convDeployment
		wantErr string
	}{
		{
			name: "deployment",
			in:   map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web", "namespace": "a"}, "spec": map[string]any{"replicas": int64(2), "other": "dropped"}},
			want: &convDeployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "a"}, Spec: struct {
				Replicas *int32 `json:"replicas,omitempty"`
				Paused   bool   `json:"paused,omitempty"`
			}{Replicas: &two}},
		},
		{
			name:    "strict names the unknown field",
			in:      map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web", "namespace": "a"}, "spec": map[string]any{"replicas": int64(2), "replica": int64(3)}},
			strict:  true,
			wantErr: `converting Deployment (apps/v1) "a/web" to *unstructured.convDeployment: strict decoding error: unknown field "spec.replica"`,
		},
		{
			name:    "wrong type",
			in:      map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web"}, "spec": map[string]any{"replicas": "three"}},
			wantErr: `converting Deployment (apps/v1) "web" to *unstructured.convDeployment:`,
		},
		{name: "nil object", wantErr: "converting to *unstructured.convDeployment: the object is nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var u *k8su.Unstructured
			if tc.in != nil {
				u = &k8su.Unstructured{Object: tc.in}
			}
			conv := ToTyped[convDeployment]
			if tc.strict {
				conv = ToTypedStrict[convDeployment]
			}
			got, err := conv(u)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ToTyped (-want +got):\n%s", diff)
			}
			back, err := FromTyped(got)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, mustTyped(t, back)); diff != "" {
				t.Errorf("round trip through FromTyped (-want +got):\n%s", diff)
			}
		})
	}
}

func mustTyped(t *testing.T, u *k8su.Unstructured) *convDeployment {
	t.Helper()
	d, err := ToTypedStrict[convDeployment](u)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFromTypedErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		wantErr string
	}{
		{name: "nil", in: nil, wantErr: "converting a nil object"},
		{name: "not a pointer", in: convDeployment{}, wantErr: "converting a unstructured.convDeployment: need a non-nil pointer"},
		{name: "nil pointer", in: (*convDeployment)(nil), wantErr: "need a non-nil pointer"},
		{name: "pointer to a non-struct", in: new(chan int), wantErr: "converting a *chan int"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromTyped(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
