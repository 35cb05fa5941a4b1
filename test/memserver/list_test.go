package memserver

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func names(l *unstructured.UnstructuredList) []string {
	out := []string{}
	for _, it := range l.Items {
		out = append(out, it.GetName())
	}
	return out
}

func TestListSelectorsAndPaging(t *testing.T) {
	_, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	for i, tier := range []string{"web", "db", "web", "cache", "web"} {
		if _, err := h.Create(ctx, configMap(fmt.Sprintf("cm-%d", i), map[string]any{"tier": tier}, nil), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		opts       metav1.ListOptions
		want       []string
		wantReason metav1.StatusReason
	}{
		{name: "all", want: []string{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4"}},
		{name: "label equality", opts: metav1.ListOptions{LabelSelector: "tier=web"}, want: []string{"cm-0", "cm-2", "cm-4"}},
		{name: "label set", opts: metav1.ListOptions{LabelSelector: "tier in (db,cache)"}, want: []string{"cm-1", "cm-3"}},
		{name: "field name", opts: metav1.ListOptions{FieldSelector: "metadata.name=cm-3"}, want: []string{"cm-3"}},
		{name: "field name negated", opts: metav1.ListOptions{FieldSelector: "metadata.name!=cm-3,metadata.namespace=default", LabelSelector: "tier=web"}, want: []string{"cm-0", "cm-2", "cm-4"}},
		{name: "unsupported field", opts: metav1.ListOptions{FieldSelector: "data.k=v"}, wantReason: metav1.StatusReasonBadRequest},
		{name: "bad label selector", opts: metav1.ListOptions{LabelSelector: "a in (b"}, wantReason: metav1.StatusReasonBadRequest},
		{name: "match without rv", opts: metav1.ListOptions{ResourceVersionMatch: metav1.ResourceVersionMatchExact}, wantReason: metav1.StatusReasonInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := h.List(ctx, tc.opts)
			if tc.wantReason != "" {
				if got := apierrors.ReasonForError(err); got != tc.wantReason {
					t.Fatalf("reason %q (%v), want %q", got, err, tc.wantReason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, names(l)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	var got []string
	opts := metav1.ListOptions{Limit: 2}
	for pages := 0; ; pages++ {
		l, err := h.List(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, names(l)...)
		if l.GetContinue() == "" {
			break
		}
		if pages == 0 {
			// A write between pages is not seen: the list is a snapshot.
			if _, err := h.Create(ctx, configMap("cm-5", nil, nil), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		opts.Continue = l.GetContinue()
	}
	if diff := cmp.Diff([]string{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4"}, got); diff != "" {
		t.Errorf("paged list (-want +got)\n%s", diff)
	}
}

func TestListResourceVersions(t *testing.T) {
	s, _, dc := clients(t, Options{})
	ctx := testCtx(t)
	h := dc.Resource(cmGVR).Namespace("default")
	a, err := h.Create(ctx, configMap("a", nil, nil), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Create(ctx, configMap("b", nil, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	exact, err := h.List(ctx, metav1.ListOptions{ResourceVersion: a.GetResourceVersion(), ResourceVersionMatch: metav1.ResourceVersionMatchExact})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a"}, names(exact)); diff != "" || exact.GetResourceVersion() != a.GetResourceVersion() {
		t.Errorf("exact list at %s: (-want +got)\n%s rv %s", a.GetResourceVersion(), diff, exact.GetResourceVersion())
	}
	future := strconv.FormatUint(s.ResourceVersion()+100, 10)
	if _, err := h.List(ctx, metav1.ListOptions{ResourceVersion: future}); statusCode(err) != 504 {
		t.Errorf("list at a future resourceVersion: %v, want 504", err)
	}
	page, err := h.List(ctx, metav1.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.CompactHistory()
	if _, err := h.Create(ctx, configMap("c", nil, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.List(ctx, metav1.ListOptions{ResourceVersion: a.GetResourceVersion(), ResourceVersionMatch: metav1.ResourceVersionMatchExact}); !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Errorf("exact list older than history: %v, want 410", err)
	}
	if _, err := h.List(ctx, metav1.ListOptions{Limit: 1, Continue: page.GetContinue()}); !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Errorf("continue older than history: %v, want 410", err)
	}
}
