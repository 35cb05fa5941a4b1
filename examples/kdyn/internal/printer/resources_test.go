package printer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var testLists = []*metav1.APIResourceList{
	{GroupVersion: "v1", APIResources: []metav1.APIResource{
		{Name: "pods", Namespaced: true, Kind: "Pod", ShortNames: []string{"po"}, Verbs: []string{"get", "list", "watch"}, Categories: []string{"all"}},
		{Name: "pods/log", Namespaced: true, Kind: "Pod", Verbs: []string{"get"}},
		{Name: "bindings", Namespaced: true, Kind: "Binding", Verbs: []string{"create"}},
		{Name: "namespaces", Kind: "Namespace", ShortNames: []string{"ns"}, Verbs: []string{"get", "list"}},
		{Name: "noverbs", Kind: "NoVerbs"},
	}},
	{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
		{Name: "deployments", Namespaced: true, Kind: "Deployment", ShortNames: []string{"deploy"}, Verbs: []string{"get", "list", "watch"}, Categories: []string{"all"}},
		{Name: "controllerrevisions", Namespaced: true, Kind: "ControllerRevision", Verbs: []string{"get", "list"}},
	}},
	{GroupVersion: "admissionregistration.k8s.io/v1", APIResources: []metav1.APIResource{
		{Name: "mutatingwebhookconfigurations", Kind: "MutatingWebhookConfiguration", Verbs: []string{"get", "list"}},
	}},
}

func names(res []metav1.APIResource) []string {
	var out []string
	for _, r := range res {
		out = append(out, r.Name)
	}
	return out
}

func TestAPIResources(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    ResourceFilter
		want []string
	}{
		{name: "by group then name, no subresources, no verbless",
			want: []string{"bindings", "namespaces", "pods", "mutatingwebhookconfigurations", "controllerrevisions", "deployments"}},
		{name: "sort by name", f: ResourceFilter{SortBy: "name"},
			want: []string{"bindings", "controllerrevisions", "deployments", "mutatingwebhookconfigurations", "namespaces", "pods"}},
		{name: "sort by kind", f: ResourceFilter{SortBy: "kind"},
			want: []string{"bindings", "controllerrevisions", "deployments", "mutatingwebhookconfigurations", "namespaces", "pods"}},
		{name: "core group", f: ResourceFilter{GroupSet: true},
			want: []string{"bindings", "namespaces", "pods"}},
		{name: "cluster-scoped", f: ResourceFilter{NamespacedSet: true},
			want: []string{"namespaces", "mutatingwebhookconfigurations"}},
		{name: "verbs", f: ResourceFilter{Verbs: []string{"list", "watch"}},
			want: []string{"pods", "deployments"}},
		{name: "categories", f: ResourceFilter{Categories: []string{"all"}, APIGroup: "apps", GroupSet: true},
			want: []string{"deployments"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, names(APIResources(testLists, tc.f))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestAPIResourceRows(t *testing.T) {
	res := APIResources(testLists, ResourceFilter{APIGroup: "apps", GroupSet: true})
	for _, tc := range []struct {
		name, output string
		noHeaders    bool
		want         string
	}{
		{name: "default", want: "NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND\n" +
			"controllerrevisions                apps/v1      true         ControllerRevision\n" +
			"deployments           deploy       apps/v1      true         Deployment\n"},
		{name: "wide without headers", output: "wide", noHeaders: true, want: "controllerrevisions            apps/v1   true   ControllerRevision   get,list         \n" +
			"deployments           deploy   apps/v1   true   Deployment           get,list,watch   all\n"},
		{name: "name", output: "name", want: "controllerrevisions.apps\ndeployments.apps\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := APIResourceRows(res, tc.output, tc.noHeaders)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, Align(rows)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if _, err := APIResourceRows(res, "json", false); err == nil || !strings.Contains(err.Error(), `"json"`) {
		t.Errorf("-o json: err = %v", err)
	}
	if err := ValidateSortBy("age"); err == nil || err.Error() != "--sort-by accepts only name or kind" {
		t.Errorf("ValidateSortBy(age) = %v", err)
	}
}
