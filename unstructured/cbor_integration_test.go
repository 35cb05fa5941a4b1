package unstructured

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// cborGate is the kube-apiserver feature gate that serves CBOR.
const cborGate = "CBORServingAndStorage"

// cborEnv returns a control plane serving CBOR: the shared one when the
// environment says it runs with the gate ($KUBEDYN_K8S_FEATURE_GATES with
// CBORServingAndStorage=true, as CI's CBOR run sets it), else a control
// plane of t's own, started from the cached binaries with the gate on and
// stopped when t ends.
func cborEnv(t *testing.T) *cluster.Env {
	t.Helper()
	cluster.SkipUnlessIntegration(t)
	choice, err := cluster.ServerChoiceFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if choice.FeatureGates[cborGate] && os.Getenv(cluster.KubeconfigEnv) != "" {
		return cluster.Get(t)
	}
	if choice.FeatureGates == nil {
		choice.FeatureGates = map[string]bool{}
	}
	choice.FeatureGates[cborGate] = true
	opts, err := choice.Options()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	cp, err := cluster.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start a control plane with %s: %v", strings.Join(opts.ExtraAPIServerArgs, " "), err)
	}
	t.Cleanup(cp.Stop)
	t.Logf("started a control plane with %s in %v", strings.Join(opts.ExtraAPIServerArgs, " "), time.Since(start).Round(time.Millisecond))
	return cp.Env()
}

// rawGet fetches path as admin with the given Accept header and returns the
// body and the response's Content-Type.
func rawGet(ctx context.Context, env *cluster.Env, path, accept string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, env.Server+path, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+env.Admin.Token)
	req.Header.Set("Accept", accept)
	resp, err := env.HTTPClient().Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: HTTP %d: %.300s", path, resp.StatusCode, body)
	}
	return body, resp.Header.Get("Content-Type"), nil
}

// numbersAsFloats is the one expected divergence between the same object
// read as JSON and as CBOR: the server writes a float64 with an integral
// value (1.0) as the JSON number 1, which decodes as int64, and as a CBOR
// float, which decodes as float64. Every other difference is a failure.
var numbersAsFloats = cmp.FilterValues(func(a, b any) bool {
	_, af := a.(float64)
	_, bf := b.(float64)
	_, ai := a.(int64)
	_, bi := b.(int64)
	return (af && bi) || (ai && bf)
}, cmp.Comparer(func(a, b any) bool { return asFloat(a) == asFloat(b) }))

func asFloat(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return math.NaN()
}

// listable is one resource that can be listed, from legacy discovery.
type listable struct{ path, name string }

// listables reads every listable resource (no subresources) from discovery.
func listables(t *testing.T, ctx context.Context, env *cluster.Env) []listable {
	t.Helper()
	gvPaths := []string{"/api/v1"}
	groups := struct {
		Groups []struct {
			Versions []struct{ GroupVersion string } `json:"versions"`
		} `json:"groups"`
	}{}
	body, _, err := rawGet(ctx, env, "/apis", "application/json")
	if err != nil || json.Unmarshal(body, &groups) != nil {
		t.Fatalf("discovery /apis: %v", err)
	}
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			gvPaths = append(gvPaths, "/apis/"+v.GroupVersion)
		}
	}
	var out []listable
	for _, gv := range gvPaths {
		var rl struct {
			Resources []struct {
				Name  string   `json:"name"`
				Verbs []string `json:"verbs"`
			} `json:"resources"`
		}
		body, _, err := rawGet(ctx, env, gv, "application/json")
		if err != nil || json.Unmarshal(body, &rl) != nil {
			t.Fatalf("discovery %s: %v", gv, err)
		}
		for _, r := range rl.Resources {
			if !strings.Contains(r.Name, "/") && contains(r.Verbs, "list") {
				out = append(out, listable{path: gv + "/" + r.Name, name: strings.TrimPrefix(gv, "/apis/") + "/" + r.Name})
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// listBoth lists path as JSON, then as CBOR at the JSON list's
// resourceVersion (Exact), so both read one snapshot; a resource that
// refuses an exact resourceVersion is listed again until two reads agree.
func listBoth(ctx context.Context, env *cluster.Env, path string) (jsonList, cborList *k8su.UnstructuredList, cborType string, err error) {
	for attempt := 0; attempt < 5; attempt++ {
		jb, _, err := rawGet(ctx, env, path, "application/json")
		if err != nil {
			return nil, nil, "", err
		}
		if jsonList, err = DecodeList(bytes.NewReader(jb)); err != nil {
			return nil, nil, "", fmt.Errorf("JSON: %w", err)
		}
		q := "?resourceVersion=" + jsonList.GetResourceVersion() + "&resourceVersionMatch=Exact"
		cb, ct, err := rawGet(ctx, env, path+q, "application/cbor;q=1, application/json;q=0.9")
		if err != nil {
			cb, ct, err = rawGet(ctx, env, path, "application/cbor;q=1, application/json;q=0.9")
		}
		if err != nil {
			return nil, nil, "", err
		}
		dec := DecodeList
		if strings.HasPrefix(ct, "application/cbor") {
			dec = DecodeCBORList
		}
		if cborList, err = dec(bytes.NewReader(cb)); err != nil {
			return nil, nil, ct, fmt.Errorf("%s: %w", ct, err)
		}
		if cmp.Equal(jsonList, cborList, numbersAsFloats) || attempt == 4 {
			return jsonList, cborList, ct, nil
		}
	}
	return jsonList, cborList, cborType, nil
}

// allTypesCRD returns a CRD (group unique to the run) whose schema has every
// type and form: string, integer, number, boolean, date-time, byte, arrays
// of each, maps, nested objects, int-or-string, preserved unknown fields,
// nullable, an embedded resource, set and map lists.
func allTypesCRD(group string) []byte {
	return []byte(`{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
"metadata":{"name":"alltypes.` + group + `"},
"spec":{"group":"` + group + `","scope":"Namespaced",
"names":{"plural":"alltypes","singular":"alltype","kind":"AllTypes","listKind":"AllTypesList"},
"versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
"schema":{"openAPIV3Schema":{"type":"object","properties":{
"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
"spec":{"type":"object","properties":{
"str":{"type":"string"},"int":{"type":"integer"},"num":{"type":"number"},"bool":{"type":"boolean"},
"date":{"type":"string","format":"date-time"},"bytes":{"type":"string","format":"byte"},
"strs":{"type":"array","items":{"type":"string"}},"ints":{"type":"array","items":{"type":"integer"}},
"nums":{"type":"array","items":{"type":"number"}},"bools":{"type":"array","items":{"type":"boolean"}},
"map":{"type":"object","additionalProperties":{"type":"string"}},
"mapOfNums":{"type":"object","additionalProperties":{"type":"number"}},
"obj":{"type":"object","properties":{"a":{"type":"string"},"n":{"type":"integer"},"inner":{"type":"object","properties":{"f":{"type":"number"}}}}},
"intOrString":{"x-kubernetes-int-or-string":true},"intOrString2":{"x-kubernetes-int-or-string":true},
"free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
"nullable":{"type":"string","nullable":true},
"embedded":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true},
"setList":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"integer"}},
"mapList":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
 "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"v":{"type":"number"}}}}
}}}}}}]}}`)
}

// allTypesObject is a custom resource filling every field of allTypesCRD,
// with the numbers where JSON and CBOR differ (1.0, 2^53+1, -0.25, 1e300).
func allTypesObject(group, name string) []byte {
	return []byte(`{"apiVersion":"` + group + `/v1","kind":"AllTypes","metadata":{"name":"` + name + `","labels":{"app":"cbor"}},
"spec":{"str":"é ✓ <&> \u2028 \\\" tab\t","int":9007199254740993,"num":1.0,"bool":true,
"date":"2026-12-07T01:02:03Z","bytes":"aGVsbG8=",
"strs":["a","",""],"ints":[0,-1,9223372036854775807,-9223372036854775808],"nums":[1.5,2,-0.25,1e300,0.1],"bools":[true,false],
"map":{"k":"v","":"empty key"},"mapOfNums":{"a":3.0,"b":3.5},
"obj":{"a":"x","n":42,"inner":{"f":6.02e23}},"intOrString":8080,"intOrString2":"http",
"free":{"deep":[{"x":null},true,"s",3.25,[],{}],"n":-7},"nullable":null,
"embedded":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"inner"},"data":{"a":"b"}},
"setList":[3,1,2],"mapList":[{"name":"a","v":1},{"name":"b","v":2.5}]}}`)
}

// TestCBORServedEqualsJSON lists every listable resource of a control plane
// with the CBORServingAndStorage gate as JSON and as CBOR, and fetches and
// watches a custom resource with every schema type both ways: the trees
// are equal but for numbersAsFloats.
func TestCBORServedEqualsJSON(t *testing.T) {
	env := cborEnv(t)
	ctx := context.Background()
	ns := env.Namespace(t)
	group := "cbor" + strings.TrimPrefix(ns[strings.LastIndex(ns, "-"):], "-") + ".kubedyn.example.com"
	crs := createAllTypes(t, ctx, env, ns, group)
	seedBuiltins(t, ctx, env, ns)

	served := map[string][]string{}
	for _, r := range listables(t, ctx, env) {
		jl, cl, ct, err := listBoth(ctx, env, r.path)
		if err != nil {
			t.Errorf("%s: %v", r.name, err)
			continue
		}
		served[strings.SplitN(ct, ";", 2)[0]] = append(served[strings.SplitN(ct, ";", 2)[0]], r.name)
		if diff := cmp.Diff(jl, cl, numbersAsFloats); diff != "" {
			t.Errorf("%s (-JSON +%s):\n%s", r.name, ct, diff)
		}
	}
	for ct, names := range served {
		t.Logf("%d resources answered %s: %s", len(names), ct, strings.Join(names, " "))
	}
	if len(served["application/cbor"]) == 0 {
		t.Fatalf("no resource was served as CBOR: is the %s gate on?", cborGate)
	}
	checkCRBothWays(t, ctx, env, crs)
}

// allTypes names the custom resources createAllTypes made.
type allTypes struct {
	collection string // the namespaced collection path
	names      []string
}

// createAllTypes installs allTypesCRD (deleted when t ends) and creates two
// objects of it in ns.
func createAllTypes(t *testing.T, ctx context.Context, env *cluster.Env, ns, group string) allTypes {
	t.Helper()
	crdName := "alltypes." + group
	if _, err := env.Do(ctx, http.MethodPost, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", allTypesCRD(group)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		env.Do(context.Background(), http.MethodDelete, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+crdName, nil)
	})
	at := allTypes{collection: "/apis/" + group + "/v1/namespaces/" + ns + "/alltypes"}
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := env.Do(ctx, http.MethodPost, at.collection, allTypesObject(group, "a"))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("create a custom resource of the new CRD: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := env.Do(ctx, http.MethodPost, at.collection, allTypesObject(group, "b")); err != nil {
		t.Fatal(err)
	}
	at.names = []string{"a", "b"}
	return at
}

// seedBuiltins creates a few built-in objects in ns so that the lists of
// their kinds are not empty.
func seedBuiltins(t *testing.T, ctx context.Context, env *cluster.Env, ns string) {
	t.Helper()
	api := "/api/v1/namespaces/" + ns
	objs := []struct {
		path string
		body string
	}{
		{api + "/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"1","u":"é ✓"},"binaryData":{"b":"AAEC/w=="}}`},
		{api + "/secrets", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"AP8="},"type":"Opaque"}`},
		{api + "/services", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}`},
		{api + "/serviceaccounts", `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}`},
		{api + "/pods", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"pod"},"spec":{"containers":[{"name":"c","image":"nginx:1.27","resources":{"limits":{"cpu":"500m","memory":"1.5Gi"}}}]}}`},
		{"/apis/apps/v1/namespaces/" + ns + "/deployments", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}}`},
		{"/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/roles", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}`},
	}
	for _, o := range objs {
		if _, err := env.Do(ctx, http.MethodPost, o.path, []byte(o.body)); err != nil && !strings.Contains(err.Error(), "AlreadyExists") {
			t.Fatal(err)
		}
	}
}

// checkCRBothWays gets a custom resource and watches its collection as JSON
// and as CBOR and compares what was read.
func checkCRBothWays(t *testing.T, ctx context.Context, env *cluster.Env, at allTypes) {
	t.Helper()
	const acceptCBOR = "application/cbor;q=1, application/json;q=0.9"
	jb, _, err := rawGet(ctx, env, at.collection+"/a", "application/json")
	if err != nil {
		t.Fatal(err)
	}
	cb, ct, err := rawGet(ctx, env, at.collection+"/a", acceptCBOR)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "application/cbor" {
		t.Fatalf("GET of a custom resource with Accept %q answered %q", acceptCBOR, ct)
	}
	jo, err := DecodeObject(bytes.NewReader(jb))
	if err != nil {
		t.Fatal(err)
	}
	co, err := DecodeCBORObject(bytes.NewReader(cb))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(jo, co, numbersAsFloats); diff != "" {
		t.Errorf("GET (-JSON +CBOR):\n%s", diff)
	}
	if diff := cmp.Diff(jo, co); diff != "" {
		t.Logf("the expected divergence, integral floats (-JSON +CBOR):\n%s", diff)
	}
	list, err := DecodeList(bytes.NewReader(mustGet(t, ctx, env, at.collection)))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{`{"spec":{"num":2.5}}`, `{"spec":{"str":"changed"}}`} {
		if _, err := env.Do(ctx, http.MethodPatch, at.collection+"/"+at.names[i%len(at.names)], []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.Do(ctx, http.MethodDelete, at.collection+"/b", nil); err != nil {
		t.Fatal(err)
	}
	watch := at.collection + "?watch=1&timeoutSeconds=2&resourceVersion=" + list.GetResourceVersion()
	jw, _, err := rawGet(ctx, env, watch, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	cw, ct, err := rawGet(ctx, env, watch, acceptCBOR)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "application/cbor-seq" {
		t.Fatalf("watch of a custom resource with Accept %q answered %q", acceptCBOR, ct)
	}
	je, ce := watchEvents(t, NewDecoder(bytes.NewReader(jw)).NextEventObject), watchEvents(t, NewCBORDecoder(bytes.NewReader(cw)).NextEventObject)
	if len(je) < 2*3 { // type and object of each event
		t.Errorf("JSON watch: %d events, want at least 3 (two patches and a delete)", len(je)/2)
	}
	if diff := cmp.Diff(je, ce, numbersAsFloats); diff != "" {
		t.Errorf("watch events (-JSON +CBOR):\n%s", diff)
	}
}

func mustGet(t *testing.T, ctx context.Context, env *cluster.Env, path string) []byte {
	t.Helper()
	b, _, err := rawGet(ctx, env, path, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// watchEvents reads events with next until io.EOF, as "TYPE" and object pairs.
func watchEvents(t *testing.T, next func() (string, *k8su.Unstructured, error)) []any {
	t.Helper()
	var out []any
	for {
		typ, obj, err := next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("event %d: %v", len(out), err)
		}
		out = append(out, typ, obj)
	}
}
