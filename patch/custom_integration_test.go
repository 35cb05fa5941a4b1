package patch

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kubedyn/kubedyn/test/cluster"
	"k8s.io/apimachinery/pkg/types"
)

const widgetBase = `{
 "ports": [{"name":"http","port":80},{"name":"dns","port":53,"protocol":"UDP"}],
 "routes": [{"host":"a","port":80,"backend":"x"},{"host":"a","port":443,"backend":"y"},{"host":"b","port":80,"backend":"z"}],
 "tags": ["red","green"],
 "args": ["--a","--b"],
 "config": {"k1":"v1","k2":"v2"},
 "replicas": 1}`

// customCases are strategic merge patches (under "spec") on a Widget whose
// spec is widgetBase, with the spec they must give, or the error.
var customCases = []struct {
	name, patch, want, wantErr string
}{
	{name: "map list, one key: item merged", patch: `{"ports":[{"name":"http","port":8080}]}`,
		want: `{"ports":[{"name":"http","port":8080},{"name":"dns","port":53,"protocol":"UDP"}]}`},
	{name: "map list, one key: item appended", patch: `{"ports":[{"name":"metrics","port":9090}]}`,
		want: `{"ports":[{"name":"http","port":80},{"name":"dns","port":53,"protocol":"UDP"},{"name":"metrics","port":9090}]}`},
	{name: "map list, one key: $patch delete", patch: `{"ports":[{"name":"http","$patch":"delete"}]}`,
		want: `{"ports":[{"name":"dns","port":53,"protocol":"UDP"}]}`},
	{name: "map list, one key: $patch replace on an item", patch: `{"ports":[{"name":"dns","port":5353,"$patch":"replace"}]}`,
		want: `{"ports":[{"name":"http","port":80},{"name":"dns","port":5353}]}`},
	{name: "map list: $patch replace on the list", patch: `{"ports":[{"$patch":"replace"},{"name":"only","port":1}]}`,
		want: `{"ports":[{"name":"only","port":1}]}`},
	{name: "map list, two keys: only the item matching both merged", patch: `{"routes":[{"host":"a","port":443,"weight":5}]}`,
		want: `{"routes":[{"host":"a","port":80,"backend":"x"},{"host":"a","port":443,"backend":"y","weight":5},{"host":"b","port":80,"backend":"z"}]}`},
	{name: "map list, two keys: new pair appended", patch: `{"routes":[{"host":"b","port":443,"backend":"w"}]}`,
		want: `{"routes":[{"host":"a","port":80,"backend":"x"},{"host":"a","port":443,"backend":"y"},{"host":"b","port":80,"backend":"z"},{"host":"b","port":443,"backend":"w"}]}`},
	{name: "map list, two keys: $patch delete", patch: `{"routes":[{"host":"a","port":80,"$patch":"delete"}]}`,
		want: `{"routes":[{"host":"a","port":443,"backend":"y"},{"host":"b","port":80,"backend":"z"}]}`},
	{name: "map list, two keys: an item naming one key only", patch: `{"routes":[{"host":"a","weight":1}]}`,
		wantErr: "lacks map key port"},
	{name: "map list: $setElementOrder", patch: `{"$setElementOrder/ports":[{"name":"dns"},{"name":"http"}]}`,
		want: `{"ports":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"http","port":80}]}`},
	{name: "set: union, order kept, new values appended", patch: `{"tags":["blue","red"]}`,
		want: `{"tags":["red","green","blue"]}`},
	{name: "set: $deleteFromPrimitiveList", patch: `{"$deleteFromPrimitiveList/tags":["red"]}`,
		want: `{"tags":["green"]}`},
	{name: "set: delete and add", patch: `{"$deleteFromPrimitiveList/tags":["green"],"tags":["blue"]}`,
		want: `{"tags":["red","blue"]}`},
	{name: "set: $setElementOrder", patch: `{"$setElementOrder/tags":["green","red"]}`,
		want: `{"tags":["green","red"]}`},
	{name: "set: $patch in an item", patch: `{"tags":[{"$patch":"delete"}]}`,
		wantErr: "$patch in a set list"},
	{name: "atomic list replaced", patch: `{"args":["--c"]}`,
		want: `{"args":["--c"]}`},
	{name: "atomic list: $patch in an item", patch: `{"args":[{"$patch":"replace"}]}`,
		wantErr: "$patch in a list with no merge key"},
	{name: "atomic list: $deleteFromPrimitiveList", patch: `{"$deleteFromPrimitiveList/args":["--a"]}`,
		wantErr: "$deleteFromPrimitiveList applies to set lists"},
	{name: "atomic list: $setElementOrder", patch: `{"$setElementOrder/args":["--b","--a"]}`,
		wantErr: "$setElementOrder applies to map and set lists"},
	{name: "map list: $deleteFromPrimitiveList", patch: `{"$deleteFromPrimitiveList/ports":[{"name":"http"}]}`,
		wantErr: "$deleteFromPrimitiveList applies to set lists"},
	{name: "map merged, null deletes", patch: `{"config":{"k1":null,"k3":"v3"}}`,
		want: `{"config":{"k2":"v2","k3":"v3"}}`},
	{name: "map: $patch replace", patch: `{"config":{"$patch":"replace","k9":"v9"}}`,
		want: `{"config":{"k9":"v9"}}`},
	{name: "map: $patch delete", patch: `{"config":{"$patch":"delete"}}`,
		want: `{"config":null}`},
	{name: "$retainKeys", patch: `{"$retainKeys":["ports","tags","replicas"],"replicas":3}`,
		want: `{"routes":null,"args":null,"config":null,"replicas":3}`},
	{name: "$retainKeys not naming a field the patch sets", patch: `{"$retainKeys":["ports"],"replicas":3}`,
		wantErr: `the patch sets "replicas", which $retainKeys does not list`},
	{name: "unknown directive", patch: `{"$frobnicate":true}`,
		wantErr: `unknown strategic merge directive "$frobnicate"`},
}

// applyWant returns widgetBase with the fields of want set (null deletes).
func applyWant(t *testing.T, want string) map[string]any {
	t.Helper()
	var base, w map[string]any
	if err := json.Unmarshal([]byte(widgetBase), &base); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	for k, v := range w {
		if v == nil {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	return base
}

// TestIntegrationCustomStrategic applies the custom-resource strategic merge
// to a live Widget, checks the result by value, checks that the server
// accepts it as a full update (PUT, dryRun=All) and stores the same spec,
// and checks that CreateStrategicMergePatch from the live object to the
// result gives a patch that Apply turns back into the result.
func TestIntegrationCustomStrategic(t *testing.T) {
	env := cluster.Get(t)
	installWidgetCRD(t, env)
	c := client(t, env)
	ns := env.Namespace(t)
	ctx := context.Background()
	path := "/apis/" + widgetGroup + "/v1/namespaces/" + ns + "/widgets"
	obj := map[string]any{"apiVersion": widgetGroup + "/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w", "namespace": ns}, "spec": json.RawMessage(widgetBase)}
	if _, err := send(ctx, c, "POST", path, "", nil, mustMarshal(t, obj)); err != nil {
		t.Fatalf("create Widget: %v", err)
	}
	live, err := send(ctx, c, "GET", path+"/w", "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	typ := recordedType(t, gvkWidget)
	for _, tc := range customCases {
		t.Run(tc.name, func(t *testing.T) {
			p := Patch{Type: types.StrategicMergePatchType, Data: []byte(`{"spec":` + tc.patch + `}`)}
			got, err := Apply(live, p, typ)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Apply = %s, %v; want an error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := applyWant(t, tc.want)
			if diff := cmp.Diff(want, specOf(t, got)); diff != "" {
				t.Errorf("Apply spec (-want +got):\n%s", diff)
			}
			put, err := send(ctx, c, "PUT", path+"/w", "", url.Values{"dryRun": {"All"}}, got)
			if err != nil {
				t.Fatalf("the server refuses the result: %v", err)
			}
			if diff := cmp.Diff(want, specOf(t, put)); diff != "" {
				t.Errorf("server's spec after PUT (-want +got):\n%s", diff)
			}
			back, err := CreateStrategicMergePatch(live, got, typ, CreateOptions{})
			if err != nil {
				t.Fatalf("CreateStrategicMergePatch: %v", err)
			}
			again, err := Apply(live, back, typ)
			if err != nil {
				t.Fatalf("Apply(CreateStrategicMergePatch) %s: %v", back.Data, err)
			}
			if diff := cmp.Diff(want, specOf(t, again)); diff != "" {
				t.Errorf("Apply of the computed patch %s (-want +got):\n%s", back.Data, diff)
			}
		})
	}
}

func specOf(t *testing.T, obj []byte) map[string]any {
	t.Helper()
	var m struct {
		Spec map[string]any `json:"spec"`
	}
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	return m.Spec
}
