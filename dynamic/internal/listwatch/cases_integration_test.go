package listwatch_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// hungBound is how long a hung connection may go unnoticed: rest's
// transport pings a connection silent for 30s (HTTP2Config.SendPingTimeout)
// and drops it when the ping is not answered within 15s (PingTimeout); then
// the engine reconnects after its backoff (at most a second here).
const hungBound = 45*time.Second + 15*time.Second

// TestIntegrationCuts cuts the connection every 150ms while 1,000 objects
// change: podtemplates (400 created and updated, 200 of them deleted), or
// for follow, which watches CRDs cluster-wide, 20 CRDs created, relabelled
// 48 times each and deleted. Every change arrives once, in order; follow
// reports only what changes discovery, so a relabelling must bring nothing.
func TestIntegrationCuts(t *testing.T) {
	for _, u := range liveUsers {
		t.Run(u.name, func(t *testing.T) {
			r := newRig(t, "")
			r.run(t, u)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			var cuts atomic.Int64
			stop := make(chan struct{})
			var cutter sync.WaitGroup
			cutter.Go(func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(150 * time.Millisecond):
						if r.proxy.DropAll() > 0 {
							cuts.Add(1)
						}
					}
				}
			})
			n, updates, deleted := 400, 1, 200
			if u.crds {
				n, updates, deleted = 20, 48, 20
			}
			want := make(map[string][]string, n)
			var mu sync.Mutex
			each := func(from, to int, do func(i int) (string, error)) {
				var g errgroup.Group
				g.SetLimit(8)
				for i := from; i < to; i++ {
					g.Go(func() error {
						s, err := do(i)
						mu.Lock()
						if k := r.object(u, i%n); s != "" {
							want[k] = append(want[k], s)
						}
						mu.Unlock()
						return err
					})
				}
				if err := g.Wait(); err != nil {
					t.Fatal(err)
				}
			}
			each(0, n, func(i int) (string, error) { return r.create(ctx, t, u, i) })
			if u.crds { // relabelled and deleted only once established (seen by the user)
				r.converge(t, want, time.Minute)
			}
			each(0, n*updates, func(i int) (string, error) { return r.update(ctx, u, i%n) })
			each(0, deleted, func(i int) (string, error) { return r.remove(ctx, u, i) })
			r.converge(t, want, time.Minute)
			close(stop)
			cutter.Wait()
			if cuts.Load() < 3 {
				t.Errorf("only %d cuts", cuts.Load())
			}
			if n := r.relisted.Load(); n > 0 {
				t.Errorf("%d relists: cuts alone must never expire the resourceVersion", n)
			}
			t.Logf("%d changes of %d objects through %d cuts", n+n*updates+deleted, n, cuts.Load())
		})
	}
}

// TestIntegrationExpiry takes the server away, changes objects, compacts
// etcd (podtemplates and CRDs bypass the watch cache here, so the resumed
// watch is told 410 Expired), brings the server back, and checks that the
// user relisted (a rest.RelistEvent) and delivered exactly the difference.
func TestIntegrationExpiry(t *testing.T) {
	for _, u := range liveUsers {
		t.Run(u.name, func(t *testing.T) {
			r := newRig(t, "")
			r.run(t, u)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			want := map[string][]string{}
			step := func(i int, s string) {
				if s != "" {
					want[r.object(u, i)] = append(want[r.object(u, i)], s)
				}
			}
			for i := range 5 {
				step(i, must(t)(r.create(ctx, t, u, i)))
			}
			r.converge(t, want, time.Minute)
			r.proxy.SetDown(true)
			for i := 5; i < 7; i++ {
				step(i, must(t)(r.create(ctx, t, u, i)))
			}
			step(0, must(t)(r.update(ctx, u, 0)))
			step(1, must(t)(r.remove(ctx, u, 1)))
			if u.crds { // compacted once the new CRDs are established
				r.established(ctx, t, u, 5, 6)
			}
			if _, err := r.env.CompactEtcd(ctx); err != nil {
				t.Fatal(err)
			}
			r.proxy.SetDown(false)
			r.converge(t, want, time.Minute)
			if r.relisted.Load() == 0 {
				t.Error("the difference arrived without a relist: the resourceVersion did not expire")
			}
			if u.name == "WatchResumable" {
				r.l.wait(t, "the relist marker", time.Second, func(l *live) bool { return l.relisted })
			}
		})
	}
}

// TestIntegrationRevoked grants a user list and watch, starts watching as
// that user, revokes the grant and cuts the connection: the server does not
// re-authorise an open watch, so the 403 comes at the reconnect.
// WatchResumable ends with it, the informer and follow report it and go on
// retrying.
func TestIntegrationRevoked(t *testing.T) {
	for _, u := range liveUsers {
		t.Run(u.name, func(t *testing.T) {
			user := uniqueUser()
			r := newRig(t, user)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			revoke := r.grant(ctx, t, u, user)
			r.run(t, u)
			revoke()
			r.waitSAR(ctx, t, u, user, false)
			r.proxy.DropAll()
			r.l.wait(t, "the 403 reported", time.Minute, func(l *live) bool {
				return strings.Contains(strings.ToLower(strings.Join(l.errs, "\n")), "forbidden")
			})
			if u.name == "WatchResumable" {
				r.l.wait(t, "the watch to end", 5*time.Second, func(l *live) bool { return l.ended })
			}
		})
	}
}

// TestIntegrationHung stops the proxy forwarding without closing the
// connection: rest's HTTP/2 pings find it dead within hungBound, and the
// engine resumes; a change made meanwhile arrives once.
func TestIntegrationHung(t *testing.T) {
	for _, u := range liveUsers {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel() // each waits for the pings
			r := newRig(t, "")
			r.run(t, u)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if r.proxy.Hang() == 0 {
				t.Fatal("no connection to hang")
			}
			want := map[string][]string{r.object(u, 0): {must(t)(r.create(ctx, t, u, 0))}}
			took := r.l.wait(t, "the change after the hang", hungBound, func(l *live) bool { return len(l.seq[r.object(u, 0)]) > 0 })
			r.converge(t, want, 5*time.Second)
			t.Logf("recovered from the hung connection after %v", took.Round(time.Second))
		})
	}
}

// grant lets user list and watch what u watches, and returns a function
// that revokes it; both wait for the authorizer to agree.
func (r *rig) grant(ctx context.Context, t *testing.T, u liveUser, user string) (revoke func()) {
	rbac := func(res string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: res}
	}
	role, binding := r.admin.Resource(rbac("roles")).Namespace(r.ns), r.admin.Resource(rbac("rolebindings")).Namespace(r.ns)
	rules := []any{map[string]any{"apiGroups": []any{""}, "resources": []any{"podtemplates"}, "verbs": []any{"get", "list", "watch"}}}
	kind := "Role"
	if u.crds {
		role, binding, kind = r.admin.Resource(rbac("clusterroles")), r.admin.Resource(rbac("clusterrolebindings")), "ClusterRole"
		rules = []any{map[string]any{"apiGroups": []any{"apiextensions.k8s.io", "apiregistration.k8s.io"},
			"resources": []any{"customresourcedefinitions", "apiservices"}, "verbs": []any{"get", "list", "watch"}}}
	}
	obj := func(k string, body map[string]any) *unstructured.Unstructured {
		body["apiVersion"], body["kind"], body["metadata"] = "rbac.authorization.k8s.io/v1", k, map[string]any{"name": user}
		return &unstructured.Unstructured{Object: body}
	}
	if _, err := role.Create(ctx, obj(kind, map[string]any{"rules": rules}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = role.Delete(context.Background(), user, metav1.DeleteOptions{}) })
	b := obj(kind+"Binding", map[string]any{
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": user},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}},
	})
	if _, err := binding.Create(ctx, b, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = binding.Delete(context.Background(), user, metav1.DeleteOptions{}) })
	r.waitSAR(ctx, t, u, user, true)
	return func() {
		if err := binding.Delete(ctx, user, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// waitSAR polls SubjectAccessReviews until the authorizer says allowed
// (or not) to user's watch.
func (r *rig) waitSAR(ctx context.Context, t *testing.T, u liveUser, user string, allowed bool) {
	attrs := map[string]any{"namespace": r.ns, "verb": "watch", "resource": "podtemplates"}
	if u.crds {
		attrs = map[string]any{"verb": "watch", "group": "apiextensions.k8s.io", "resource": "customresourcedefinitions"}
	}
	body, _ := json.Marshal(map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
		"spec": map[string]any{"user": user, "resourceAttributes": attrs}})
	for ctx.Err() == nil {
		data, err := r.env.Do(ctx, http.MethodPost, "/apis/authorization.k8s.io/v1/subjectaccessreviews", body)
		if err != nil {
			t.Fatal(err)
		}
		var sar struct {
			Status struct{ Allowed bool } `json:"status"`
		}
		if json.Unmarshal(data, &sar) == nil && sar.Status.Allowed == allowed {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the authorizer never said allowed=%v for %s", allowed, user)
}
