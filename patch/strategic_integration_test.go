package patch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kubedyn/kubedyn/test/cluster"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// builtinFixtures are the objects TestIntegrationStrategicMatchesServer
// patches, by kind.
func builtinFixtures(ns string) map[string]map[string]any {
	return map[string]map[string]any{
		"Deployment": {
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "namespace": ns, "labels": map[string]any{"app": "web", "tier": "front"},
				"finalizers": []any{"kubedyn.io/a", "kubedyn.io/b"}},
			"spec": map[string]any{
				"replicas": 2,
				"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
				"strategy": map[string]any{"type": "RollingUpdate", "rollingUpdate": map[string]any{"maxSurge": 1}},
				"template": map[string]any{
					"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
					"spec": map[string]any{
						"containers": []any{
							map[string]any{"name": "app", "image": "nginx:1.27", "args": []any{"-g", "daemon off;"},
								"env":          []any{map[string]any{"name": "A", "value": "1"}, map[string]any{"name": "B", "value": "2"}},
								"ports":        []any{map[string]any{"containerPort": 80, "protocol": "TCP"}, map[string]any{"containerPort": 443, "protocol": "TCP"}},
								"volumeMounts": []any{map[string]any{"name": "cfg", "mountPath": "/etc/cfg"}}},
							map[string]any{"name": "sidecar", "image": "busybox:1.36", "command": []any{"sleep", "inf"}},
						},
						"volumes": []any{
							map[string]any{"name": "cfg", "configMap": map[string]any{"name": "web-cfg"}},
							map[string]any{"name": "data", "emptyDir": map[string]any{}},
						},
						"tolerations": []any{map[string]any{"key": "k", "operator": "Exists"}},
					},
				},
			},
		},
		"Service": {
			"apiVersion": "v1", "kind": "Service",
			"metadata": map[string]any{"name": "web", "namespace": ns},
			"spec": map[string]any{
				"selector": map[string]any{"app": "web"},
				"ports": []any{
					map[string]any{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
					map[string]any{"name": "dns", "port": 53, "protocol": "UDP"},
				},
			},
		},
		"ConfigMap": {
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "web-cfg", "namespace": ns, "annotations": map[string]any{"note": "x"}},
			"data":     map[string]any{"a": "1", "b": "2"},
		},
	}
}

var builtinPaths = map[string]struct {
	gvk      schema.GroupVersionKind
	resource string
}{
	"Deployment": {gvkDeployment, "/apis/apps/v1/namespaces/%s/deployments"},
	"Service":    {gvkService, "/api/v1/namespaces/%s/services"},
	"ConfigMap":  {gvkConfigMap, "/api/v1/namespaces/%s/configmaps"},
}

// strategicCases are strategic merge patches on builtinFixtures.
var strategicCases = []struct {
	name, kind, patch string
}{
	{"container image by name", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}`},
	{"add a container", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"log","image":"fluentd:1"}]}}}}`},
	{"delete a container", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}`},
	{"reorder containers", "Deployment", `{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}]}}}}`},
	{"replace containers", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"nginx:1"}]}}}}`},
	{"add env", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"C","value":"3"}]}]}}}}`},
	{"change env", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"10"}]}]}}}}`},
	{"delete env", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","$patch":"delete"}]}]}}}}`},
	{"env from a field ref", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":null,"valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]}}}}`},
	{"add container port", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":8080,"protocol":"TCP"}]}]}}}}`},
	{"delete container port", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":443,"protocol":"TCP","$patch":"delete"}]}]}}}}`},
	{"add volume mount", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","volumeMounts":[{"name":"data","mountPath":"/data"}]}]}}}}`},
	{"atomic args replaced", "Deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","args":["-v"]}]}}}}`},
	{"add volume", "Deployment", `{"spec":{"template":{"spec":{"volumes":[{"name":"tmp","emptyDir":{"medium":"Memory"}}]}}}}`},
	{"volume source switched with retainKeys", "Deployment", `{"spec":{"template":{"spec":{"volumes":[{"name":"data","secret":{"secretName":"s"},"$retainKeys":["name","secret"]}]}}}}`},
	{"delete volume", "Deployment", `{"spec":{"template":{"spec":{"volumes":[{"name":"data","$patch":"delete"}]}}}}`},
	{"strategy with retainKeys", "Deployment", `{"spec":{"strategy":{"type":"Recreate","$retainKeys":["type"]}}}`},
	{"replicas and labels", "Deployment", `{"metadata":{"labels":{"tier":null,"team":"a"}},"spec":{"replicas":5}}`},
	{"finalizers added", "Deployment", `{"metadata":{"finalizers":["kubedyn.io/c"]}}`},
	{"finalizers deleted from primitive list", "Deployment", `{"metadata":{"$deleteFromPrimitiveList/finalizers":["kubedyn.io/a"]}}`},
	{"atomic tolerations replaced", "Deployment", `{"spec":{"template":{"spec":{"tolerations":[{"key":"other","operator":"Exists","effect":"NoSchedule"}]}}}}`},
	{"service port added", "Service", `{"spec":{"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":8443}]}}`},
	{"service port changed", "Service", `{"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":9090}]}}`},
	{"service port deleted", "Service", `{"spec":{"ports":[{"port":53,"protocol":"UDP","$patch":"delete"}]}}`},
	{"service selector", "Service", `{"spec":{"selector":{"app":null,"name":"web2"}}}`},
	{"configmap data merged", "ConfigMap", `{"data":{"a":null,"c":"3"},"metadata":{"annotations":{"more":"y"}}}`},
	{"configmap data replaced", "ConfigMap", `{"data":{"$patch":"replace","z":"26"}}`},
}

// TestIntegrationStrategicMatchesServer applies each strategic merge patch
// locally and sends the result as a full update (PUT, dryRun=All), then
// sends the patch itself (PATCH, dryRun=All): both answers must be the same
// object, but for managedFields and resourceVersion. Those differ per
// request: managedFields records the operation (Update or Patch) and its
// time; resourceVersion is what dry run would have written next. Defaulting
// and validation run alike on both. The two-way patch that
// CreateStrategicMergePatch computes from the live object to the local
// result is sent too (PATCH, dryRun=All, resourceVersion pinned) and must
// give the same object.
func TestIntegrationStrategicMatchesServer(t *testing.T) {
	env := cluster.Get(t)
	c := client(t, env)
	ns := env.Namespace(t)
	ctx := context.Background()
	fixtures := builtinFixtures(ns)
	for kind, obj := range fixtures {
		path := fmt.Sprintf(builtinPaths[kind].resource, ns)
		if _, err := send(ctx, c, "POST", path, "", nil, mustMarshal(t, obj)); err != nil {
			t.Fatalf("create %s: %v", kind, err)
		}
	}
	dryRun := url.Values{"dryRun": {"All"}}
	for _, tc := range strategicCases {
		t.Run(tc.name, func(t *testing.T) {
			meta := fixtures[tc.kind]["metadata"].(map[string]any)
			path := fmt.Sprintf(builtinPaths[tc.kind].resource, ns) + "/" + meta["name"].(string)
			live, err := send(ctx, c, "GET", path, "", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(types.StrategicMergePatchType, []byte(tc.patch))
			if err != nil {
				t.Fatal(err)
			}
			local, err := Apply(live, p, recordedType(t, builtinPaths[tc.kind].gvk))
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			put, err := send(ctx, c, "PUT", path, "", dryRun, local)
			if err != nil {
				t.Fatalf("PUT the local result %s: %v", local, err)
			}
			patched, err := send(ctx, c, "PATCH", path, p.ContentType(), dryRun, p.Data)
			if err != nil {
				t.Fatalf("PATCH: %v", err)
			}
			if diff := cmp.Diff(comparable(t, patched), comparable(t, put)); diff != "" {
				t.Errorf("server PATCH (-) vs local Apply + PUT (+):\n%s", diff)
			}
			// The two-way patch computed from live to the local result, sent
			// to the server, must land on the same object too.
			back, err := CreateStrategicMergePatch(live, local, recordedType(t, builtinPaths[tc.kind].gvk), CreateOptions{TestResourceVersion: true})
			if err != nil {
				t.Fatalf("CreateStrategicMergePatch: %v", err)
			}
			computed, err := send(ctx, c, "PATCH", path, back.ContentType(), dryRun, back.Data)
			if err != nil {
				t.Fatalf("PATCH the computed patch %s: %v", back.Data, err)
			}
			if diff := cmp.Diff(comparable(t, patched), comparable(t, computed)); diff != "" {
				t.Errorf("server PATCH (-) vs computed two-way patch %s (+):\n%s", back.Data, diff)
			}
			if cmp.Equal(comparable(t, live), comparable(t, put)) {
				t.Errorf("the patch changed nothing: the case tests nothing")
			}
		})
	}
}

// comparable decodes an object and drops what the server sets per request.
func comparable(t *testing.T, obj []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	md, _ := m["metadata"].(map[string]any)
	delete(md, "managedFields")
	delete(md, "resourceVersion")
	return m
}
