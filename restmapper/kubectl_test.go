package restmapper

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func gvr(g, v, r string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: g, Version: v, Resource: r}
}

// loadRecorded reads testdata/discovery.json (see TestRecordDiscovery).
func loadRecorded(t testing.TB) StaticSource {
	t.Helper()
	b, err := os.ReadFile("testdata/discovery.json")
	if err != nil {
		t.Fatal(err)
	}
	var rec recorded
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return StaticSource{Groups: rec.Groups, Resources: rec.Resources}
}

// kubectlCase is one resource string and what kubectl v1.36.3 did with it
// against the control plane the testdata was recorded from (by hand; see
// testdata/kubectl-1.36.txt): the resource it listed, or that it failed,
// and the lower-priority resources its short-name warning named.
type kubectlCase struct {
	arg   string
	want  schema.GroupVersionResource
	fail  bool
	warns []string
}

var kubectlCases = []kubectlCase{
	{arg: "pods", want: gvr("", "v1", "pods")},
	{arg: "po", want: gvr("", "v1", "pods"), warns: []string{"widgets.rmtest.example.com"}},
	{arg: "pod", want: gvr("", "v1", "pods")},
	{arg: "Pod", want: gvr("", "v1", "pods")},
	{arg: "PODS", want: gvr("", "v1", "pods")},
	{arg: "POD", want: gvr("", "v1", "pods")},
	{arg: "deploy", want: gvr("apps", "v1", "deployments"), warns: []string{"deployments.apps.rmtest.example.com", "gadgets.rmtest.example.com"}},
	{arg: "DEPLOY", fail: true},
	{arg: "deployment", want: gvr("apps", "v1", "deployments")},
	{arg: "Deployment", want: gvr("apps", "v1", "deployments")},
	{arg: "deployments", want: gvr("apps", "v1", "deployments")},
	{arg: "deployments.apps", want: gvr("apps", "v1", "deployments")},
	{arg: "deploy.apps", want: gvr("apps", "v1", "deployments")},
	{arg: "deploy.APPS", fail: true},
	{arg: "deployments.app", want: gvr("apps", "v1", "deployments")},
	{arg: "deployments.v1.apps", want: gvr("apps", "v1", "deployments")},
	{arg: "Deployment.v1.apps", want: gvr("apps", "v1", "deployments")},
	{arg: "Deployment.apps", want: gvr("apps", "v1", "deployments")},
	{arg: "deploy.v1.apps", want: gvr("apps", "v1", "deployments")},
	{arg: "hpa", want: gvr("autoscaling", "v2", "horizontalpodautoscalers")},
	{arg: "hpa.autoscal", want: gvr("autoscaling", "v2", "horizontalpodautoscalers")},
	{arg: "hpa.v1.autoscaling", want: gvr("autoscaling", "v2", "horizontalpodautoscalers")},
	{arg: "hpa.v1.autoscal", want: gvr("autoscaling", "v1", "horizontalpodautoscalers")},
	{arg: "horizontalpodautoscalers.v1.autoscaling", want: gvr("autoscaling", "v1", "horizontalpodautoscalers")},
	{arg: "horizontalpodautoscalers.autoscal", want: gvr("autoscaling", "v2", "horizontalpodautoscalers")},
	{arg: "events", want: gvr("", "v1", "events")},
	{arg: "ev", want: gvr("", "v1", "events"), warns: []string{"events.events.k8s.io"}},
	{arg: "events.events.k8s.io", want: gvr("events.k8s.io", "v1", "events")},
	{arg: "event.events", want: gvr("events.k8s.io", "v1", "events")},
	{arg: "svc", want: gvr("", "v1", "services")},
	{arg: "ns", want: gvr("", "v1", "namespaces")},
	{arg: "no", want: gvr("", "v1", "nodes")},
	{arg: "WIDGETS", want: gvr("rmtest.example.com", "v1", "widgets")},
	{arg: "widgets", want: gvr("rmtest.example.com", "v1", "widgets")},
	{arg: "Widgets.rmtest.example.com", want: gvr("rmtest.example.com", "v1", "widgets")},
	{arg: "widgets.v1beta1.rmtest.example.com", want: gvr("rmtest.example.com", "v1beta1", "widgets")},
	{arg: "widgets.v2alpha1.rmtest.example.com", want: gvr("rmtest.example.com", "v2alpha1", "widgets")},
	{arg: "Widget", want: gvr("rmtest.example.com", "v1", "widgets")},
	{arg: "wd", want: gvr("rmtest.example.com", "v1", "widgets")},
	{arg: "gadgets", want: gvr("rmtest.example.com", "v1beta1", "gadgets")},
	{arg: "gd", want: gvr("rmtest.example.com", "v1beta1", "gadgets")},
	{arg: "gadget", want: gvr("rmtest.example.com", "v1beta1", "gadgets")},
	{arg: "Gadget.rmtest.example.com", want: gvr("rmtest.example.com", "v1beta1", "gadgets")},
	{arg: "things", want: gvr("alpha.rmtest.example.com", "v1", "things")},
	{arg: "th", want: gvr("alpha.rmtest.example.com", "v1", "things"), warns: []string{"things.zeta.rmtest.example.com"}},
	{arg: "thing", want: gvr("alpha.rmtest.example.com", "v1", "things")},
	{arg: "Sprocket", fail: true},
	{arg: "sprock", want: gvr("rmtest.example.com", "v1", "sprocketz")},
	{arg: "sprocketz", want: gvr("rmtest.example.com", "v1", "sprocketz")},
	{arg: "Sprocket.rmtest.example.com", want: gvr("rmtest.example.com", "v1", "sprocketz")},
	{arg: "Sprocket.v1.rmtest.example.com", want: gvr("rmtest.example.com", "v1", "sprocketz")},
	{arg: "spr", want: gvr("rmtest.example.com", "v1", "sprocketz")},
	{arg: "deployments.apps.rmtest", want: gvr("apps.rmtest.example.com", "v1", "deployments")},
	{arg: "deployments.apps.rmtest.example.com", want: gvr("apps.rmtest.example.com", "v1", "deployments")},
	{arg: "dpl", want: gvr("apps.rmtest.example.com", "v1", "deployments")},
	{arg: "crd", want: gvr("apiextensions.k8s.io", "v1", "customresourcedefinitions")},
	{arg: "crds", want: gvr("apiextensions.k8s.io", "v1", "customresourcedefinitions")},
	{arg: "csr", want: gvr("certificates.k8s.io", "v1", "certificatesigningrequests")},
	{arg: "netpol", want: gvr("networking.k8s.io", "v1", "networkpolicies")},
	{arg: "pdb", want: gvr("policy", "v1", "poddisruptionbudgets")},
	{arg: "sa", want: gvr("", "v1", "serviceaccounts")},
	{arg: "pc", want: gvr("scheduling.k8s.io", "v1", "priorityclasses")},
	{arg: "leases", want: gvr("coordination.k8s.io", "v1", "leases")},
	{arg: "ing", want: gvr("networking.k8s.io", "v1", "ingresses")},
	{arg: "cronjobs.batch", want: gvr("batch", "v1", "cronjobs")},
	{arg: "cj.batch", want: gvr("batch", "v1", "cronjobs")},
	{arg: "jobs.v1.batch", want: gvr("batch", "v1", "jobs")},
	{arg: "roles.rbac", want: gvr("rbac.authorization.k8s.io", "v1", "roles")},
	{arg: "clusterroles.rbac.authorization.k8s.io", want: gvr("rbac.authorization.k8s.io", "v1", "clusterroles")},
	{arg: "ep", want: gvr("", "v1", "endpoints")},
	{arg: "endpointslices", want: gvr("discovery.k8s.io", "v1", "endpointslices")},
	{arg: "limits", want: gvr("", "v1", "limitranges")},
	{arg: "quota", want: gvr("", "v1", "resourcequotas")},
	{arg: "deploy.rmtest.example.com", want: gvr("rmtest.example.com", "v1beta1", "gadgets")},
	{arg: "po.rmtest.example.com", want: gvr("rmtest.example.com", "v1", "widgets")},
	{arg: "pv", want: gvr("", "v1", "persistentvolumes")},
	{arg: "pvc", want: gvr("", "v1", "persistentvolumeclaims")},
	{arg: "rs", want: gvr("apps", "v1", "replicasets")},
	{arg: "sts", want: gvr("apps", "v1", "statefulsets")},
	{arg: "ds", want: gvr("apps", "v1", "daemonsets")},
	{arg: "rc", want: gvr("", "v1", "replicationcontrollers")},
	{arg: "things.v1.zeta.rmtest.example.com", want: gvr("zeta.rmtest.example.com", "v1", "things")},
	{arg: "Thing", want: gvr("alpha.rmtest.example.com", "v1", "things")},
	{arg: "ThInG", want: gvr("alpha.rmtest.example.com", "v1", "things")},
	{arg: "things.zeta", want: gvr("zeta.rmtest.example.com", "v1", "things")},
	{arg: "deploy.apps.rmtest.example.com", want: gvr("rmtest.example.com", "v1beta1", "gadgets")},
	{arg: "dpl.apps.rmtest.example.com", want: gvr("apps.rmtest.example.com", "v1", "deployments")},
	{arg: "pods.v1", fail: true},
	{arg: "deployment.Apps", fail: true},
}

func TestResolveMatchesKubectl(t *testing.T) {
	src := loadRecorded(t)
	for _, tc := range kubectlCases {
		t.Run(tc.arg, func(t *testing.T) {
			var warns []string
			m := New(src, Options{MinRefreshInterval: time.Millisecond, Warn: func(s string) {
				warns = append(warns, s[strings.LastIndex(s, " ")+1:])
			}})
			got, err := m.Resolve(context.Background(), tc.arg)
			if tc.fail {
				if err == nil || !meta.IsNoMatchError(err) {
					t.Fatalf("Resolve(%q) = %v, %v; want a no-match error", tc.arg, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tc.arg, err)
			}
			if diff := cmp.Diff(tc.want, got.Resource); diff != "" {
				t.Errorf("Resolve(%q) resource (-kubectl +got):\n%s", tc.arg, diff)
			}
			if diff := cmp.Diff(tc.warns, warns); diff != "" {
				t.Errorf("Resolve(%q) warnings (-kubectl +got):\n%s", tc.arg, diff)
			}
		})
	}
}
