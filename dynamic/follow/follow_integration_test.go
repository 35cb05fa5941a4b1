package follow

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/restmapper"
	"github.com/kubedyn/kubedyn/test/cluster"
)

// establishedAt creates crd and returns when a watch of it (started before
// the create) delivered it Established.
func establishedAt(t *testing.T, c *dynamic.Client, crd *unstructured.Unstructured) time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	h := c.Resource(crdGVR)
	w, err := h.WatchResumable(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + crd.GetName()}, dynamic.ResumeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for ev := range w.ResultChan() { // the initial (empty) state ends with a bookmark
		if ev.Type == watch.Bookmark {
			break
		}
	}
	if _, err := h.Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deleteAtEnd(t, h, crd.GetName())
	for ev := range w.ResultChan() {
		u, ok := ev.Object.(*unstructured.Unstructured)
		if !ok || ev.Type == watch.Bookmark {
			continue
		}
		if st, err := parseCRD(u); err == nil && st.Established {
			return time.Now()
		}
	}
	t.Fatalf("CRD %s never became Established", crd.GetName())
	return time.Time{}
}

// waitResolves waits until the mapper's index resolves arg (or, with
// want false, stops resolving it) and returns how long that took.
func (r *rig) waitResolves(t *testing.T, arg string, want bool, bound time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for r.resolves(t, arg) != want {
		if time.Since(start) > bound {
			t.Fatalf("after %v the mapper's index still says resolves(%s) = %v", bound, arg, !want)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(start)
}

// TestNewCRDResolvesWithinASecond is the product target: a CRD created
// while the Follower runs is resolvable by the mapper within a second of
// becoming Established, with no lookup missing first (the index is read
// without I/O). The bound is generous (2s past the moment this test's own
// watch saw it Established) so a loaded machine does not fail it; the
// measured latency is logged.
func TestNewCRDResolvesWithinASecond(t *testing.T) {
	r := newRig(t, cluster.AdminContext, 0)
	g := uniqueGroup()
	arg := "gadgets.v1." + g
	if r.resolves(t, arg) {
		t.Fatalf("%s resolves before it exists", arg)
	}
	// A control: a mapper nobody follows for, warmed the same way.
	env := cluster.Get(t)
	control := restmapper.New(discovery.NewCached(discovery.New(restClient(t, env, cluster.AdminContext), discovery.Options{}), discovery.CacheOptions{}), restmapper.Options{})
	if _, err := control.Resolve(context.Background(), "pods"); err != nil {
		t.Fatal(err)
	}
	est := establishedAt(t, r.admin, gadgetCRD(g, gadgetVersion("v1", true, true)))
	r.waitResolves(t, arg, true, 2*time.Second)
	latency := time.Since(est)
	t.Logf("resolvable %v after this test's watch saw the CRD Established (target: 1s)", latency.Round(time.Millisecond))
	c := r.waitChange(t, g, CRDEstablished)
	want := Change{Group: g, Reason: CRDEstablished, Object: "customresourcedefinitions/gadgets." + g,
		Resources: []schema.GroupVersionResource{{Group: g, Version: "v1", Resource: "gadgets"}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("change (-want +got):\n%s", diff)
	}
	if !r.cache.invalidated(g) {
		t.Errorf("the cache was not told to invalidate %s", g)
	}
	idx, err := control.Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Resolve(arg); err == nil {
		t.Errorf("the control mapper, which nobody follows for, resolves %s without a miss: the test proves nothing", arg)
	}
}

// TestCRDLifecycle follows one CRD through a new served version, an
// unserved one and its deletion: the mapper follows each step.
func TestCRDLifecycle(t *testing.T) {
	r := newRig(t, cluster.AdminContext, 0)
	g := uniqueGroup()
	est := establishedAt(t, r.admin, gadgetCRD(g, gadgetVersion("v1", true, true)))
	r.waitResolves(t, "gadgets.v1."+g, true, guard)
	t.Logf("v1 resolvable %v after Established", time.Since(est).Round(time.Millisecond))
	r.waitChange(t, g, CRDEstablished)

	h := r.admin.Resource(crdGVR)
	ctx := context.Background()
	update := func(versions ...any) {
		t.Helper()
		u, err := h.Get(ctx, "gadgets."+g, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := unstructured.SetNestedSlice(u.Object, versions, "spec", "versions"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	r.mu.Lock()
	r.changes = nil
	r.mu.Unlock()
	update(gadgetVersion("v1", true, true), gadgetVersion("v2", true, false))
	r.waitResolves(t, "gadgets.v2."+g, true, guard)
	c := r.waitChange(t, g, CRDChanged)
	if diff := cmp.Diff([]schema.GroupVersionResource{{Group: g, Version: "v1", Resource: "gadgets"}, {Group: g, Version: "v2", Resource: "gadgets"}}, c.Resources); diff != "" {
		t.Errorf("resources after adding v2 (-want +got):\n%s", diff)
	}

	r.mu.Lock()
	r.changes = nil
	r.mu.Unlock()
	update(gadgetVersion("v1", true, true), gadgetVersion("v2", false, false))
	r.waitResolves(t, "gadgets.v2."+g, false, guard)
	r.waitChange(t, g, CRDChanged)
	if !r.resolves(t, "gadgets.v1."+g) {
		t.Errorf("v1 stopped resolving when only v2 was unserved")
	}

	if err := h.Delete(ctx, "gadgets."+g, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	r.waitResolves(t, "gadgets.v1."+g, false, guard)
	c = r.waitChange(t, g, CRDDeleted)
	if c.Err != nil || len(c.Resources) != 0 {
		t.Errorf("deletion change = %+v, want no resources and no error", c)
	}
	// The mapper itself (with its refresh on miss) agrees.
	if _, err := r.mapper.Resolve(ctx, "gadgets."+g); err == nil {
		t.Errorf("the mapper still resolves gadgets.%s after the CRD was deleted", g)
	}
}

// TestAPIServiceChangeInvalidatesGroup adds and deletes an APIService whose
// backend does not exist: its group is invalidated and reported each time.
func TestAPIServiceChangeInvalidatesGroup(t *testing.T) {
	r := newRig(t, cluster.AdminContext, 0)
	env := cluster.Get(t)
	ns := env.Namespace(t)
	g := uniqueGroup()
	name := "v1." + g
	h := r.admin.Resource(APIServices)
	svc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"group": g, "version": "v1", "groupPriorityMinimum": int64(100), "versionPriority": int64(10),
			"insecureSkipTLSVerify": true,
			"service":               map[string]any{"namespace": ns, "name": "no-such-backend", "port": int64(443)},
		},
	}}
	if _, err := h.Create(context.Background(), svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deleteAtEnd(t, h, name)
	c := r.waitChange(t, g, APIServiceUnavailable)
	if c.Object != "apiservices/"+name {
		t.Errorf("change object = %q", c.Object)
	}
	if !r.cache.invalidated(g) {
		t.Errorf("the cache was not told to invalidate %s", g)
	}
	if err := h.Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	c = r.waitChange(t, g, APIServiceDeleted)
	if c.Err != nil {
		t.Errorf("deleted APIService: change error %v", c.Err)
	}
}

// TestRestrictedUserFallsBackAndSaysSoOnce runs the Follower as a user who
// may not watch CRDs or APIServices cluster-wide: one warning, however many
// retries, and the mapper still finds a new CRD through its refresh on miss.
func TestRestrictedUserFallsBackAndSaysSoOnce(t *testing.T) {
	r := newRig(t, cluster.RestrictedContext, 10*time.Millisecond)
	deadline := time.Now().Add(guard)
	for {
		n := 0
		for _, rec := range r.log.records() {
			if strings.Contains(rec, "watch failed; retrying") {
				n++
			}
		}
		if n >= 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d watch attempts", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var warnings []string
	for _, rec := range r.log.records() {
		if strings.HasPrefix(rec, "WARN") {
			warnings = append(warnings, rec)
		}
	}
	if len(warnings) != 1 {
		t.Fatalf("warnings = %q, want exactly one", warnings)
	}
	for _, want := range []string{"falling back", "customresourcedefinitions.apiextensions.k8s.io", "apiservices.apiregistration.k8s.io", "forbidden"} {
		if !strings.Contains(warnings[0], want) {
			t.Errorf("warning %q does not mention %q", warnings[0], want)
		}
	}
	crds, apis := r.f.Following()
	if crds || apis {
		t.Errorf("Following() = %v, %v; want false, false", crds, apis)
	}
	// Fallback: refresh on miss of the named group finds a new CRD.
	g := uniqueGroup()
	establishedAt(t, r.admin, gadgetCRD(g, gadgetVersion("v1", true, true)))
	deadline = time.Now().Add(guard)
	for {
		_, err := r.mapper.Resolve(context.Background(), "gadgets.v1."+g)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restricted mapper never resolved the new CRD: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
