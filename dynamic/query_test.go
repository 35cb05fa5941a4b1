package dynamic

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

func ptr[T any](v T) *T { return &v }

// codecQuery encodes opts with apimachinery's reflective ParameterCodec, the
// reference our hand-written helpers must match.
func codecQuery(t *testing.T, opts runtime.Object) url.Values {
	t.Helper()
	q, err := metav1.ParameterCodec.EncodeParameters(opts, metav1.SchemeGroupVersion)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQueriesMatchParameterCodec(t *testing.T) {
	prop := metav1.DeletePropagationForeground
	tests := []struct {
		name string
		got  url.Values
		ref  runtime.Object
		want url.Values // checked too, so a codec change cannot hide a missing name
	}{
		{name: "empty list", got: listQuery(metav1.ListOptions{}), ref: &metav1.ListOptions{}, want: url.Values{}},
		{
			name: "full list",
			got: listQuery(metav1.ListOptions{LabelSelector: "a=b,c!=d", FieldSelector: "metadata.name=x", Watch: true, AllowWatchBookmarks: true,
				ResourceVersion: "10", ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan, TimeoutSeconds: ptr[int64](30),
				Limit: 500, Continue: "tok", SendInitialEvents: ptr(true), ShardSelector: "s"}),
			ref: &metav1.ListOptions{LabelSelector: "a=b,c!=d", FieldSelector: "metadata.name=x", Watch: true, AllowWatchBookmarks: true,
				ResourceVersion: "10", ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan, TimeoutSeconds: ptr[int64](30),
				Limit: 500, Continue: "tok", SendInitialEvents: ptr(true), ShardSelector: "s"},
			want: url.Values{"labelSelector": {"a=b,c!=d"}, "fieldSelector": {"metadata.name=x"}, "watch": {"true"}, "allowWatchBookmarks": {"true"},
				"resourceVersion": {"10"}, "resourceVersionMatch": {"NotOlderThan"}, "timeoutSeconds": {"30"}, "limit": {"500"},
				"continue": {"tok"}, "sendInitialEvents": {"true"}, "shardSelector": {"s"}},
		},
		{name: "list zero timeout and false initial events", got: listQuery(metav1.ListOptions{TimeoutSeconds: ptr[int64](0), SendInitialEvents: ptr(false)}),
			ref: &metav1.ListOptions{TimeoutSeconds: ptr[int64](0), SendInitialEvents: ptr(false)}, want: url.Values{"timeoutSeconds": {"0"}, "sendInitialEvents": {"false"}}},
		{name: "get", got: getQuery(metav1.GetOptions{ResourceVersion: "0"}), ref: &metav1.GetOptions{ResourceVersion: "0"}, want: url.Values{"resourceVersion": {"0"}}},
		{name: "create", got: createQuery(metav1.CreateOptions{DryRun: []string{"All"}, FieldManager: "m", FieldValidation: "Strict"}),
			ref: &metav1.CreateOptions{DryRun: []string{"All"}, FieldManager: "m", FieldValidation: "Strict"}, want: url.Values{"dryRun": {"All"}, "fieldManager": {"m"}, "fieldValidation": {"Strict"}}},
		{name: "update", got: updateQuery(metav1.UpdateOptions{FieldManager: "m"}), ref: &metav1.UpdateOptions{FieldManager: "m"}, want: url.Values{"fieldManager": {"m"}}},
		{name: "patch force", got: patchQuery(metav1.PatchOptions{Force: ptr(true), FieldManager: "m", DryRun: []string{"All"}}),
			ref: &metav1.PatchOptions{Force: ptr(true), FieldManager: "m", DryRun: []string{"All"}}, want: url.Values{"force": {"true"}, "fieldManager": {"m"}, "dryRun": {"All"}}},
		{name: "delete", got: deleteQuery(metav1.DeleteOptions{GracePeriodSeconds: ptr[int64](0), PropagationPolicy: &prop, OrphanDependents: ptr(false), DryRun: []string{"All"}, IgnoreStoreReadErrorWithClusterBreakingPotential: ptr(true)}),
			ref:  &metav1.DeleteOptions{GracePeriodSeconds: ptr[int64](0), PropagationPolicy: &prop, OrphanDependents: ptr(false), DryRun: []string{"All"}, IgnoreStoreReadErrorWithClusterBreakingPotential: ptr(true)},
			want: url.Values{"gracePeriodSeconds": {"0"}, "propagationPolicy": {"Foreground"}, "orphanDependents": {"false"}, "dryRun": {"All"}, "ignoreStoreReadErrorWithClusterBreakingPotential": {"true"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			ref := codecQuery(t, tc.ref)
			if diff := cmp.Diff(ref, tc.got, cmp.Comparer(func(a, b url.Values) bool { return a.Encode() == b.Encode() })); diff != "" {
				t.Errorf("differs from metav1.ParameterCodec (-codec +ours):\n%s", diff)
			}
		})
	}
}

func TestDeleteBody(t *testing.T) {
	prop := metav1.DeletePropagationBackground
	got, err := deleteBody(metav1.DeleteOptions{PropagationPolicy: &prop, Preconditions: &metav1.Preconditions{UID: ptr(types.UID("u1"))}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"DeleteOptions","apiVersion":"meta.k8s.io/v1","preconditions":{"uid":"u1"},"propagationPolicy":"Background"}`
	if string(got) != want {
		t.Errorf("deleteBody = %s\nwant %s", got, want)
	}
}

func BenchmarkListQuery(b *testing.B) {
	opts := metav1.ListOptions{LabelSelector: "app=web", Limit: 500, ResourceVersion: "0"}
	b.ReportAllocs()
	for b.Loop() {
		_ = listQuery(opts).Encode()
	}
}
