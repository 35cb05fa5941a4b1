package dynamic

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/rest"
)

// updateGolden rewrites testdata/golden from what the client sends:
//
//	KUBEDYN_UPDATE_GOLDEN=1 go test ./dynamic/ -run TestGolden
var updateGolden = os.Getenv("KUBEDYN_UPDATE_GOLDEN") != ""

// wire records the requests a test server receives, as text: method, path,
// sorted query, the headers a server can act on, and the body.
type wire struct {
	requests []string
	answer   string // the body every request gets
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.Path)
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range q[k] {
			fmt.Fprintf(&b, "?%s=%s\n", k, v)
		}
	}
	for _, h := range []string{"Accept", "Content-Type"} {
		if v := r.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	if len(body) > 0 {
		fmt.Fprintf(&b, "\n%s\n", body)
	}
	w.requests = append(w.requests, b.String())
	rw.Header().Set("Content-Type", "application/json")
	io.WriteString(rw, w.answer)
}

func newWireClient(t *testing.T, answer string) (*Client, *wire) {
	t.Helper()
	w := &wire{answer: answer}
	srv := httptest.NewTLSServer(w)
	t.Cleanup(srv.Close)
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(rc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

var (
	deployments  = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	clusterRoles = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}
	widgets      = schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}
	pods         = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
)

func object(apiVersion, kind, ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind,
		"metadata": map[string]any{"name": name}}}
	if ns != "" {
		u.SetNamespace(ns)
	}
	return u
}

// TestGolden checks the exact HTTP request of every method, namespaced and
// cluster-scoped, with and without subresources, against testdata/golden.
func TestGolden(t *testing.T) {
	const objAnswer = `{"apiVersion":"v1","kind":"Thing","metadata":{"name":"x"}}`
	const listAnswer = `{"apiVersion":"v1","kind":"ThingList","metadata":{"resourceVersion":"7"},"items":[]}`
	const watchAnswer = `{"type":"ADDED","object":{"apiVersion":"v1","kind":"Thing","metadata":{"name":"x"}}}`
	web := object("apps/v1", "Deployment", "ns", "web")
	web.SetResourceVersion("42")
	reader := object("rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader")
	gadget := object("example.com/v1", "Widget", "ns", "gadget")
	del := metav1.DeletePropagationForeground
	grace := int64(5)
	uid := types.UID("1234")
	rv := "42"
	force := true
	dryRun := []string{metav1.DryRunAll}
	ctx := context.Background()
	tests := []struct {
		name   string
		answer string
		do     func(c *Client) error
	}{
		{"create-namespaced", objAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").Create(ctx, web, metav1.CreateOptions{DryRun: dryRun, FieldManager: "kdyn", FieldValidation: "Strict"})
			return err
		}},
		{"create-cluster", objAnswer, func(c *Client) error {
			_, err := c.Resource(clusterRoles).Create(ctx, reader, metav1.CreateOptions{})
			return err
		}},
		{"create-subresource-eviction", objAnswer, func(c *Client) error {
			ev := object("policy/v1", "Eviction", "ns", "pod-1")
			_, err := c.Resource(pods).Namespace("ns").Create(ctx, ev, metav1.CreateOptions{}, "eviction")
			return err
		}},
		{"get-namespaced", objAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").Get(ctx, "web", metav1.GetOptions{ResourceVersion: "0"})
			return err
		}},
		{"get-cluster", objAnswer, func(c *Client) error {
			_, err := c.Resource(clusterRoles).Get(ctx, "reader", metav1.GetOptions{})
			return err
		}},
		{"get-subresource-scale", objAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").Get(ctx, "web", metav1.GetOptions{}, "scale")
			return err
		}},
		{"update-namespaced", objAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").Update(ctx, web, metav1.UpdateOptions{FieldManager: "kdyn"})
			return err
		}},
		{"update-cluster", objAnswer, func(c *Client) error {
			_, err := c.Resource(clusterRoles).Update(ctx, reader, metav1.UpdateOptions{DryRun: dryRun})
			return err
		}},
		{"update-status", objAnswer, func(c *Client) error {
			_, err := c.Resource(widgets).Namespace("ns").UpdateStatus(ctx, gadget, metav1.UpdateOptions{})
			return err
		}},
		{"update-subresource-scale", objAnswer, func(c *Client) error {
			scale := object("autoscaling/v1", "Scale", "ns", "web")
			unstructured.SetNestedField(scale.Object, int64(3), "spec", "replicas")
			_, err := c.Resource(deployments).Namespace("ns").Update(ctx, scale, metav1.UpdateOptions{}, "scale")
			return err
		}},
		{"delete-namespaced", "{}", func(c *Client) error {
			return c.Resource(deployments).Namespace("ns").Delete(ctx, "web", metav1.DeleteOptions{
				GracePeriodSeconds: &grace, PropagationPolicy: &del, DryRun: dryRun,
				Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}})
		}},
		{"delete-cluster", "{}", func(c *Client) error {
			return c.Resource(clusterRoles).Delete(ctx, "reader", metav1.DeleteOptions{})
		}},
		{"deletecollection-namespaced", "{}", func(c *Client) error {
			return c.Resource(deployments).Namespace("ns").DeleteCollection(ctx, metav1.DeleteOptions{PropagationPolicy: &del},
				metav1.ListOptions{LabelSelector: "app=web", FieldSelector: "metadata.name!=keep"})
		}},
		{"deletecollection-cluster", "{}", func(c *Client) error {
			return c.Resource(clusterRoles).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "team=a"})
		}},
		{"list-namespaced", listAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").List(ctx, metav1.ListOptions{LabelSelector: "app=web",
				FieldSelector: "metadata.name=web", Limit: 10, Continue: "tok", ResourceVersion: "5",
				ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan, TimeoutSeconds: &grace})
			return err
		}},
		{"list-all-namespaces", listAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).List(ctx, metav1.ListOptions{})
			return err
		}},
		{"list-cluster", listAnswer, func(c *Client) error {
			_, err := c.Resource(clusterRoles).List(ctx, metav1.ListOptions{Limit: 500})
			return err
		}},
		{"watch-namespaced", watchAnswer, func(c *Client) error {
			w, err := c.Resource(deployments).Namespace("ns").Watch(ctx, metav1.ListOptions{ResourceVersion: "7", AllowWatchBookmarks: true, TimeoutSeconds: &grace})
			if err == nil {
				for range w.ResultChan() {
				}
			}
			return err
		}},
		{"watch-cluster-initial-events", watchAnswer, func(c *Client) error {
			yes := true
			w, err := c.Resource(clusterRoles).Watch(ctx, metav1.ListOptions{SendInitialEvents: &yes, AllowWatchBookmarks: true,
				ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
			if err == nil {
				for range w.ResultChan() {
				}
			}
			return err
		}},
		{"patch-json", objAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").Patch(ctx, "web", types.JSONPatchType,
				[]byte(`[{"op":"replace","path":"/spec/replicas","value":2}]`), metav1.PatchOptions{FieldManager: "kdyn"})
			return err
		}},
		{"patch-merge-cluster", objAnswer, func(c *Client) error {
			_, err := c.Resource(clusterRoles).Patch(ctx, "reader", types.MergePatchType,
				[]byte(`{"metadata":{"labels":{"a":"b"}}}`), metav1.PatchOptions{DryRun: dryRun})
			return err
		}},
		{"patch-strategic-status", objAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").Patch(ctx, "web", types.StrategicMergePatchType,
				[]byte(`{"status":{"replicas":1}}`), metav1.PatchOptions{}, "status")
			return err
		}},
		{"apply-namespaced", objAnswer, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").Apply(ctx, "web", web, metav1.ApplyOptions{FieldManager: "kdyn", Force: true})
			return err
		}},
		{"apply-cluster", objAnswer, func(c *Client) error {
			_, err := c.Resource(clusterRoles).Apply(ctx, "reader", reader, metav1.ApplyOptions{FieldManager: "kdyn", DryRun: dryRun})
			return err
		}},
		{"apply-status", objAnswer, func(c *Client) error {
			_, err := c.Resource(widgets).Namespace("ns").ApplyStatus(ctx, "gadget", gadget, metav1.ApplyOptions{FieldManager: "kdyn", Force: force})
			return err
		}},
		{"list-table", `{"apiVersion":"meta.k8s.io/v1","kind":"Table","columnDefinitions":[],"rows":[]}`, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").ListTable(ctx, metav1.ListOptions{Limit: 5}, metav1.TableOptions{IncludeObject: metav1.IncludeMetadata})
			return err
		}},
		{"get-table-cluster", `{"apiVersion":"meta.k8s.io/v1","kind":"Table","columnDefinitions":[],"rows":[]}`, func(c *Client) error {
			_, err := c.Resource(clusterRoles).GetTable(ctx, "reader", metav1.GetOptions{}, metav1.TableOptions{})
			return err
		}},
		{"get-metadata", `{"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata","metadata":{"name":"web"}}`, func(c *Client) error {
			_, err := c.Resource(deployments).Namespace("ns").GetMetadata(ctx, "web", metav1.GetOptions{})
			return err
		}},
		{"list-metadata-cluster", `{"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadataList","items":[]}`, func(c *Client) error {
			_, err := c.Resource(clusterRoles).ListMetadata(ctx, metav1.ListOptions{LabelSelector: "a=b"})
			return err
		}},
		{"watch-table", `{"type":"ADDED","object":{"apiVersion":"meta.k8s.io/v1","kind":"Table","columnDefinitions":[{"name":"Name","type":"string"}],"rows":[{"cells":["x"]}]}}`, func(c *Client) error {
			w, err := c.Resource(deployments).Namespace("ns").WatchTable(ctx, metav1.ListOptions{AllowWatchBookmarks: true}, metav1.TableOptions{IncludeObject: metav1.IncludeNone})
			if err == nil {
				for ev := range w.ResultChan() {
					if tb, ok := ev.Object.(*metav1.Table); ev.Type != "ADDED" || !ok || len(tb.Rows) != 1 {
						return fmt.Errorf("event %s %#v", ev.Type, ev.Object)
					}
				}
			}
			return err
		}},
		{"watch-metadata", `{"type":"ADDED","object":{"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata","metadata":{"name":"x"}}}`, func(c *Client) error {
			w, err := c.Resource(deployments).Namespace("ns").WatchMetadata(ctx, metav1.ListOptions{})
			if err == nil {
				for ev := range w.ResultChan() {
					if ev.Type != "ADDED" {
						return fmt.Errorf("event %s %v", ev.Type, ev.Object)
					}
				}
			}
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, w := newWireClient(t, tc.answer)
			if err := tc.do(c); err != nil {
				t.Fatal(err)
			}
			got := strings.Join(w.requests, "---\n")
			path := filepath.Join("testdata", "golden", tc.name+".txt")
			if updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with KUBEDYN_UPDATE_GOLDEN=1 to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("request differs from %s (-golden +sent):\n%s", path, diff)
			}
		})
	}
}
