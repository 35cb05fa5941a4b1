package rest

import (
	"errors"
	"strings"
	"testing"
)

func TestResourcePathBuild(t *testing.T) {
	tests := []struct {
		name    string
		path    ResourcePath
		want    string
		wantErr string // substring; "" = no error
	}{
		{name: "core group version", path: ResourcePath{Version: "v1"}, want: "/api/v1"},
		{name: "named group version", path: ResourcePath{Group: "apps", Version: "v1"}, want: "/apis/apps/v1"},
		{name: "core cluster collection", path: ResourcePath{Version: "v1", Resource: "nodes"}, want: "/api/v1/nodes"},
		{name: "core object", path: ResourcePath{Version: "v1", Resource: "nodes", Name: "n1"}, want: "/api/v1/nodes/n1"},
		{name: "namespaced collection", path: ResourcePath{Version: "v1", Namespace: "ns", Resource: "pods"}, want: "/api/v1/namespaces/ns/pods"},
		{name: "namespaced object", path: ResourcePath{Group: "apps", Version: "v1", Namespace: "ns", Resource: "deployments", Name: "web"}, want: "/apis/apps/v1/namespaces/ns/deployments/web"},
		{name: "status subresource", path: ResourcePath{Group: "apps", Version: "v1", Namespace: "ns", Resource: "deployments", Name: "web", Subresource: []string{"status"}}, want: "/apis/apps/v1/namespaces/ns/deployments/web/status"},
		{name: "multi-segment subresource", path: ResourcePath{Version: "v1", Namespace: "ns", Resource: "services", Name: "s", Subresource: []string{"proxy", "healthz"}}, want: "/api/v1/namespaces/ns/services/s/proxy/healthz"},
		{name: "namespace object", path: ResourcePath{Version: "v1", Resource: "namespaces", Name: "kube-system"}, want: "/api/v1/namespaces/kube-system"},
		{name: "namespace finalize", path: ResourcePath{Version: "v1", Resource: "namespaces", Name: "x", Subresource: []string{"finalize"}}, want: "/api/v1/namespaces/x/finalize"},
		{name: "name with colon", path: ResourcePath{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles", Name: "system:basic-user"}, want: "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:basic-user"},
		{name: "CRD group", path: ResourcePath{Group: "example.com", Version: "v1alpha1", Namespace: "a-b", Resource: "widgets", Name: "w.1"}, want: "/apis/example.com/v1alpha1/namespaces/a-b/widgets/w.1"},

		{name: "empty version", path: ResourcePath{Resource: "pods"}, wantErr: "empty API version"},
		{name: "name without resource", path: ResourcePath{Version: "v1", Name: "x"}, wantErr: "empty resource"},
		{name: "namespace without resource", path: ResourcePath{Version: "v1", Namespace: "ns"}, wantErr: "empty resource"},
		{name: "dot name", path: ResourcePath{Version: "v1", Resource: "pods", Namespace: "ns", Name: "."}, wantErr: `name may not be "."`},
		{name: "dot-dot name", path: ResourcePath{Version: "v1", Resource: "pods", Namespace: "ns", Name: ".."}, wantErr: `name may not be ".."`},
		{name: "slash in name", path: ResourcePath{Version: "v1", Resource: "pods", Namespace: "ns", Name: "../../secrets"}, wantErr: `may not contain "/"`},
		{name: "percent in name", path: ResourcePath{Version: "v1", Resource: "pods", Namespace: "ns", Name: "a%2Fb"}, wantErr: `may not contain "%"`},
		{name: "dot-dot namespace", path: ResourcePath{Version: "v1", Resource: "pods", Namespace: ".."}, wantErr: `namespace may not be ".."`},
		{name: "slash namespace", path: ResourcePath{Version: "v1", Resource: "pods", Namespace: "a/b"}, wantErr: `may not contain "/"`},
		{name: "upper-case namespace", path: ResourcePath{Version: "v1", Resource: "pods", Namespace: "Prod"}, wantErr: "lower case"},
		{name: "namespaced namespaces", path: ResourcePath{Version: "v1", Resource: "namespaces", Namespace: "a", Name: "b"}, wantErr: "cluster-scoped"},
		{name: "subresource without name", path: ResourcePath{Version: "v1", Resource: "pods", Subresource: []string{"status"}}, wantErr: "needs an object name"},
		{name: "slash in subresource", path: ResourcePath{Version: "v1", Resource: "pods", Name: "p", Subresource: []string{"a/b"}}, wantErr: "subresource"},
		{name: "empty subresource segment", path: ResourcePath{Version: "v1", Resource: "pods", Name: "p", Subresource: []string{""}}, wantErr: "empty subresource"},
		{name: "slash in resource", path: ResourcePath{Version: "v1", Resource: "pods/status", Name: "p"}, wantErr: "resource"},
		{name: "dot-dot group", path: ResourcePath{Group: "..", Version: "v1"}, wantErr: "API group"},
		{name: "slash in version", path: ResourcePath{Version: "v1/../x"}, wantErr: "API version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.path.Build()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Build() = %q, %v; want error containing %q", got, err, tc.wantErr)
				}
				if !errors.Is(err, ErrInvalidName) {
					t.Errorf("error %v does not wrap ErrInvalidName", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Build() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestValidateName(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "dns subdomain", in: "web-1.example"},
		{name: "colon", in: "system:node"},
		{name: "upper case allowed by path rules", in: "MyThing"},
		{name: "empty", in: "", wantErr: true},
		{name: "dot", in: ".", wantErr: true},
		{name: "dot-dot", in: "..", wantErr: true},
		{name: "slash", in: "a/b", wantErr: true},
		{name: "percent", in: "a%b", wantErr: true},
		{name: "dots inside are fine", in: "a..b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := ValidateName(tc.in); (err != nil) != tc.wantErr {
				t.Fatalf("ValidateName(%q) = %v, want error %v", tc.in, err, tc.wantErr)
			}
		})
	}
}

func TestValidateNamespace(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "simple", in: "default"},
		{name: "digits and dash", in: "team-42"},
		{name: "single char", in: "a"},
		{name: "63 chars", in: strings.Repeat("a", 63)},
		{name: "64 chars", in: strings.Repeat("a", 64), wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "dot", in: ".", wantErr: true},
		{name: "dot-dot", in: "..", wantErr: true},
		{name: "slash", in: "a/b", wantErr: true},
		{name: "percent", in: "a%20", wantErr: true},
		{name: "leading dash", in: "-a", wantErr: true},
		{name: "trailing dash", in: "a-", wantErr: true},
		{name: "dot inside", in: "a.b", wantErr: true},
		{name: "upper case", in: "A", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := ValidateNamespace(tc.in); (err != nil) != tc.wantErr {
				t.Fatalf("ValidateNamespace(%q) = %v, want error %v", tc.in, err, tc.wantErr)
			}
		})
	}
}

func TestGroupVersionPath(t *testing.T) {
	for _, tc := range []struct{ group, version, want string }{
		{"", "v1", "/api/v1"},
		{"apps", "v1", "/apis/apps/v1"},
		{"apiextensions.k8s.io", "v1", "/apis/apiextensions.k8s.io/v1"},
	} {
		if got := GroupVersionPath(tc.group, tc.version); got != tc.want {
			t.Errorf("GroupVersionPath(%q, %q) = %q, want %q", tc.group, tc.version, got, tc.want)
		}
	}
}

func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"", ".", "..", "a/b", "%2e%2e", "web", "system:node", "a..b", "\x00", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName(name)
		bad := name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/%")
		if bad != (err != nil) {
			t.Fatalf("ValidateName(%q) = %v", name, err)
		}
		p, perr := ResourcePath{Version: "v1", Namespace: "ns", Resource: "pods", Name: name}.Build()
		if name == "" {
			return // the collection
		}
		if (perr != nil) != bad {
			t.Fatalf("Build with name %q = %q, %v", name, p, perr)
		}
		if perr == nil && p != "/api/v1/namespaces/ns/pods/"+name {
			t.Fatalf("Build with name %q = %q", name, p)
		}
		if nerr := ValidateNamespace(name); nerr == nil && (bad || strings.ContainsAny(name, "./ %")) {
			t.Fatalf("ValidateNamespace(%q) accepted it", name)
		}
	})
}

func BenchmarkResourcePathBuild(b *testing.B) {
	p := ResourcePath{Group: "apps", Version: "v1", Namespace: "default", Resource: "deployments", Name: "web", Subresource: []string{"status"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Build(); err != nil {
			b.Fatal(err)
		}
	}
}
