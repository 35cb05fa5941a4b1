package follow

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

func obj(t testing.TB, js string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := json.Unmarshal([]byte(js), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

const establishedCRD = `{"metadata":{"name":"gadgets.ex.com"},
 "spec":{"group":"ex.com","scope":"Namespaced","names":{"plural":"gadgets","kind":"Gadget"},
  "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}},{"name":"v2","served":false}]},
 "status":{"acceptedNames":{"plural":"gadgets","singular":"gadget","kind":"Gadget","shortNames":["gd"],"categories":["all"]},
  "conditions":[{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"True"}]}}`

func TestParseCRD(t *testing.T) {
	tests := []struct {
		name    string
		js      string
		want    crdState
		wantErr string
	}{
		{
			name: "established, names from status",
			js:   establishedCRD,
			want: crdState{Group: "ex.com", Established: true, Plural: "gadgets", Singular: "gadget", Kind: "Gadget",
				ShortNames: []string{"gd"}, Categories: []string{"all"}, Scope: "Namespaced",
				Versions: []crdVersion{{Name: "v1", Served: true, Status: true}, {Name: "v2"}}},
		},
		{
			name: "just created: names from spec, not established",
			js:   `{"metadata":{"name":"gadgets.ex.com"},"spec":{"group":"ex.com","names":{"plural":"gadgets","kind":"Gadget"},"versions":[{"name":"v1","served":true,"subresources":{"scale":{}}}]}}`,
			want: crdState{Group: "ex.com", Plural: "gadgets", Kind: "Gadget", Versions: []crdVersion{{Name: "v1", Served: true, Scale: true}}},
		},
		{
			name: "established False",
			js:   `{"spec":{"group":"ex.com"},"status":{"conditions":[{"type":"Established","status":"False"}]}}`,
			want: crdState{Group: "ex.com"},
		},
		{
			name: "wrong types are named",
			js:   `{"metadata":{"name":"x"},"spec":{"group":7,"versions":[{"name":["v1"]}],"names":{"shortNames":"gd"}}}`,
			wantErr: `customresourcedefinition "x": unstructured: get "spec.group": at spec.group: found the number 7, not a string: wrong type; ` +
				`unstructured: get "spec.names.shortNames": at spec.names.shortNames: found the string "gd", not a list: wrong type; ` +
				`unstructured: get "spec.versions[0].name": at spec.versions[0].name: found a list (1 elements), not a string: wrong type`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCRD(obj(t, tc.js))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAPIService(t *testing.T) {
	tests := []struct {
		name string
		js   string
		want apiServiceState
	}{
		{
			name: "local, available",
			js:   `{"spec":{"group":"apps","version":"v1","groupPriorityMinimum":17800,"versionPriority":15},"status":{"conditions":[{"type":"Available","status":"True"}]}}`,
			want: apiServiceState{Group: "apps", Version: "v1", Local: true, Available: "True", GroupPriorityMinimum: 17800, VersionPriority: 15},
		},
		{
			name: "aggregated, unavailable",
			js:   `{"spec":{"group":"metrics.k8s.io","version":"v1beta1","service":{"name":"ms","namespace":"kube-system"}},"status":{"conditions":[{"type":"Available","status":"False","reason":"ServiceNotFound"}]}}`,
			want: apiServiceState{Group: "metrics.k8s.io", Version: "v1beta1", Available: "False"},
		},
		{
			name: "no status yet",
			js:   `{"spec":{"group":"x.io","version":"v1","service":{"name":"s"}}}`,
			want: apiServiceState{Group: "x.io", Version: "v1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseAPIService(obj(t, tc.js))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParse feeds arbitrary JSON objects to both parsers: no panics, and a
// CRD that parses has served resources only in its own group.
func FuzzParse(f *testing.F) {
	f.Add(establishedCRD)
	f.Add(`{"spec":{"group":"apps","version":"v1","service":null},"status":{"conditions":[{"type":"Available","status":"True"}]}}`)
	f.Add(`{"spec":{"versions":[1,{"name":2}],"names":null},"status":{"conditions":"x"}}`)
	f.Add(`{"spec":[],"status":{"acceptedNames":{"shortNames":[1]}}}`)
	f.Fuzz(func(t *testing.T, js string) {
		u := &unstructured.Unstructured{}
		if json.Unmarshal([]byte(js), &u.Object) != nil || u.Object == nil {
			return
		}
		if st, err := parseCRD(u); err == nil {
			for _, r := range st.served() {
				if r.Group != st.Group || r.Resource != st.Plural {
					t.Fatalf("served %v outside %s/%s", r, st.Group, st.Plural)
				}
			}
		}
		if st, err := parseAPIService(u); err == nil {
			_ = st.groupVersion()
		}
	})
}

func gvr(g, v, r string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: g, Version: v, Resource: r}
}

// expected lists an expectation's parts, sorted, for comparison.
func expected(e expectation) []string {
	var out []string
	for r := range e.present {
		out = append(out, "+"+resourceString(r))
	}
	for r := range e.absent {
		out = append(out, "-"+resourceString(r))
	}
	for gv := range e.gvPresent {
		out = append(out, "+gv "+gv)
	}
	for gv := range e.gvAbsent {
		out = append(out, "-gv "+gv)
	}
	sortStrings(out)
	return out
}

func TestCRDChange(t *testing.T) {
	v1 := crdVersion{Name: "v1", Served: true}
	v2 := crdVersion{Name: "v2", Served: true}
	base := crdState{Group: "ex.com", Plural: "gadgets", Kind: "Gadget", Versions: []crdVersion{v1}}
	est := base
	est.Established = true
	withV2 := est
	withV2.Versions = []crdVersion{v1, v2}
	v1Unserved := est
	v1Unserved.Versions = []crdVersion{{Name: "v1"}, v2}
	renamed := est
	renamed.ShortNames = []string{"gd"}
	tests := []struct {
		name        string
		old, cur    *crdState
		wantReason  Reason
		wantChanged bool
		want        []string
	}{
		{name: "created, not yet established", old: nil, cur: &base},
		{name: "established", old: &base, cur: &est, wantReason: CRDEstablished, wantChanged: true, want: []string{"+gadgets.v1.ex.com"}},
		{name: "seen established at once", old: nil, cur: &est, wantReason: CRDEstablished, wantChanged: true, want: []string{"+gadgets.v1.ex.com"}},
		{name: "unchanged", old: &est, cur: &est},
		{name: "version added", old: &est, cur: &withV2, wantReason: CRDChanged, wantChanged: true, want: []string{"+gadgets.v1.ex.com", "+gadgets.v2.ex.com"}},
		{name: "version unserved", old: &withV2, cur: &v1Unserved, wantReason: CRDChanged, wantChanged: true, want: []string{"+gadgets.v2.ex.com", "-gadgets.v1.ex.com"}},
		{name: "short name added", old: &est, cur: &renamed, wantReason: CRDChanged, wantChanged: true, want: []string{"+gadgets.v1.ex.com"}},
		{name: "deleted", old: &withV2, cur: nil, wantReason: CRDDeleted, wantChanged: true, want: []string{"-gadgets.v1.ex.com", "-gadgets.v2.ex.com"}},
		{name: "deleted before established", old: &base, cur: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reason, exp, changed := crdChange(tc.old, tc.cur)
			got := []any{reason, changed, expected(exp)}
			want := []any{tc.wantReason, tc.wantChanged, tc.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("[reason, changed, expectation] (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAPIServiceChange(t *testing.T) {
	avail := apiServiceState{Group: "m.io", Version: "v1", Available: "True"}
	down := avail
	down.Available = "False"
	fresh := avail
	fresh.Available = ""
	prio := avail
	prio.GroupPriorityMinimum = 5
	local := avail
	local.Local = true
	tests := []struct {
		name        string
		old, cur    *apiServiceState
		wantReason  Reason
		wantChanged bool
		want        []string
	}{
		{name: "added available", old: nil, cur: &avail, wantReason: APIServiceAvailable, wantChanged: true, want: []string{"+gv m.io/v1"}},
		{name: "added without status", old: nil, cur: &fresh, wantReason: APIServiceUnavailable, wantChanged: true},
		{name: "became available", old: &down, cur: &avail, wantReason: APIServiceAvailable, wantChanged: true, want: []string{"+gv m.io/v1"}},
		{name: "became unavailable", old: &avail, cur: &down, wantReason: APIServiceUnavailable, wantChanged: true},
		{name: "status set to False", old: &fresh, cur: &down, wantReason: APIServiceChanged, wantChanged: true},
		{name: "priority changed", old: &avail, cur: &prio, wantReason: APIServiceChanged, wantChanged: true, want: []string{"+gv m.io/v1"}},
		{name: "unchanged", old: &avail, cur: &avail},
		{name: "deleted", old: &avail, cur: nil, wantReason: APIServiceDeleted, wantChanged: true, want: []string{"-gv m.io/v1"}},
		{name: "local deleted: the CRD watch decides", old: &local, cur: nil, wantReason: APIServiceDeleted, wantChanged: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reason, exp, changed := apiServiceChange(tc.old, tc.cur)
			got := []any{reason, changed, expected(exp)}
			want := []any{tc.wantReason, tc.wantChanged, tc.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("[reason, changed, expectation] (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnmet(t *testing.T) {
	idx := restmapper.NewIndex(
		[]metav1.APIGroup{{Name: "ex.com", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "ex.com/v1", Version: "v1"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "ex.com/v1", Version: "v1"}}},
		[]*metav1.APIResourceList{{GroupVersion: "ex.com/v1", APIResources: []metav1.APIResource{{Name: "gadgets", Kind: "Gadget", Namespaced: true}}}},
	)
	tests := []struct {
		name string
		exp  func(*expectation)
		want []string
	}{
		{name: "nothing expected", exp: func(*expectation) {}},
		{name: "met", exp: func(e *expectation) {
			e.want(gvr("ex.com", "v1", "gadgets"), true)
			e.want(gvr("ex.com", "v2", "gadgets"), false)
			e.wantGV("ex.com/v1", true)
			e.wantGV("ex.com/v2", false)
		}},
		{name: "unmet, each named", exp: func(e *expectation) {
			e.want(gvr("ex.com", "v2", "gadgets"), true)
			e.want(gvr("ex.com", "v1", "gadgets"), false)
			e.wantGV("ex.com/v2", true)
			e.wantGV("ex.com/v1", false)
		}, want: []string{
			"group-version ex.com/v1 still listed", "group-version ex.com/v2 not listed yet",
			"resource gadgets.v1.ex.com still served", "resource gadgets.v2.ex.com not served yet",
		}},
		{name: "the newer wish wins", exp: func(e *expectation) {
			var newer expectation
			e.want(gvr("ex.com", "v1", "gadgets"), false)
			newer.want(gvr("ex.com", "v1", "gadgets"), true)
			e.merge(newer)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e expectation
			tc.exp(&e)
			if diff := cmp.Diff(tc.want, e.unmet(idx)); diff != "" {
				t.Errorf("unmet (-want +got):\n%s", diff)
			}
		})
	}
}

func sortStrings(s []string) { sort.Strings(s) }

func TestNewAndRunOnce(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without a Client: no error")
	}
	rc, err := rest.NewClient(&rest.Config{Host: "https://127.0.0.1:1"}) // never dialled
	if err != nil {
		t.Fatal(err)
	}
	dc, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := New(Options{Client: dc})
	if err != nil {
		t.Fatal(err)
	}
	f.ran.Store(true) // as if Run were running
	if err := f.Run(context.Background()); err == nil {
		t.Error("a second Run: no error")
	}
}
