package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// allTypesCRD is a CRD whose schema has every kind of field explain
// prints: scalars of each type and format, an enum, required fields, a
// nested object, maps of strings and of objects, a set, a map list, an
// atomic list, int-or-string, preserved unknown fields, external docs.
func (h *harness) allTypesCRD() string {
	return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: kdgadgets.` + h.group + `
spec:
  group: ` + h.group + `
  names: {plural: kdgadgets, singular: kdgadget, kind: Gadget, shortNames: [kdgz]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A Gadget has a field of every type, for kdyn explain's tests. Its description is long enough to be wrapped at seventy-six characters, twice over at least.
        required: [spec]
        properties:
          spec:
            type: object
            description: The gadget's desired state.
            required: [name, size]
            properties:
              name: {type: string, description: The gadget's name., minLength: 1}
              size: {type: integer, format: int32, description: How big., minimum: 0}
              count: {type: integer, format: int64}
              ratio: {type: number, description: A ratio between 0 and 1.}
              enabled: {type: boolean, default: true}
              mode: {type: string, enum: [Fast, Slow, "", Careful, Reckless], description: How it runs.}
              level: {type: integer, enum: [1, 2, 3]}
              when: {type: string, format: date-time}
              port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}], description: A port number or name.}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true, description: Anything at all.}
              labels: {type: object, additionalProperties: {type: string}, description: A map of strings.}
              parts:
                type: object
                description: A map of objects.
                additionalProperties:
                  type: object
                  properties: {weight: {type: integer}, color: {type: string}}
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}, description: A set of tags.}
              args: {type: array, x-kubernetes-list-type: atomic, items: {type: string}}
              ports:
                type: array
                description: Ports, keyed by name.
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string, description: The port's name.}
                    port: {type: integer, format: int32}
                    protocol: {type: string, enum: [TCP, UDP, SCTP], default: TCP}
              nested:
                type: object
                externalDocs: {description: Where the nesting is explained., url: "https://example.com/nesting"}
                properties:
                  inner:
                    type: object
                    properties:
                      deepest: {type: string, description: The bottom.}
          status:
            type: object
            properties:
              phase: {type: string}
`
}

// testExplain compares kdyn explain with kubectl's on built-in resources,
// nested fields, a CRD with every schema type and --recursive.
func (h *harness) testExplain(t *testing.T) {
	if r := h.kdynIn(t, h.allTypesCRD(), "apply", "-f", "-"); r.Code != 0 {
		t.Fatalf("apply the CRD: %+v", r)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = h.env.Do(ctx, http.MethodDelete, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/kdgadgets."+h.group, nil)
	})
	gadgets := "kdgadgets." + h.group
	waitFor(t, gadgets+" in the OpenAPI v3 document", func() bool {
		return h.kubectl(t, "explain", gadgets+".spec.nested").Code == 0 && h.kdyn(t, "explain", gadgets+".spec.nested").Code == 0
	})
	for _, args := range [][]string{
		{"pods"},
		{"pods.spec"},
		{"pods.spec.containers"},
		{"pods.spec.containers.imagePullPolicy"},
		{"pod.spec.restartPolicy"},
		{"po.metadata.labels"},
		{"deployments"},
		{"deploy.spec.replicas"},
		{"deployments.apps.spec.strategy"},
		{"svc.spec.ports"},
		{"services.spec.ipFamilyPolicy"},
		{"namespaces"},
		{"configmaps", "--recursive"},
		{"deployments.spec.strategy", "--recursive"},
		{"pods.spec.containers.ports", "-R"},
		{"hpa", "--api-version=autoscaling/v1"},
		{"cronjobs.spec.jobTemplate.spec", "--api-version=batch/v1"},
		{"customresourcedefinitions.spec.versions.schema"},
		{gadgets},
		{gadgets + ".spec"},
		{gadgets + ".spec", "--recursive"},
		{"kdgadget", "--recursive"},
		{"kdgz.spec.mode"},
		{gadgets + ".spec.level"},
		{gadgets + ".spec.port"},
		{gadgets + ".spec.labels"},
		{gadgets + ".spec.parts"},
		{gadgets + ".spec.parts.weight"},
		{gadgets + ".spec.ports"},
		{gadgets + ".spec.ports.protocol"},
		{gadgets + ".spec.tags"},
		{gadgets + ".spec.extra"},
		{gadgets + ".spec.nested"},
		{gadgets + ".spec.nested.inner.deepest"},
		{gadgets + ".spec", "--recursive", "--max-depth=1"},
		{"kdgadgets.status", "--api-version=" + h.group + "/v1"},
		{"pods.spec.nosuchfield"},
		{gadgets + ".spec.nested.nope"},
		{"nosuchresource"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			h.sameAsKubectl(t, false, append([]string{"explain"}, args...)...)
		})
	}
}

// testAPIVersionsStale: a group-version whose APIService has no backend is
// Stale in aggregated discovery, which kubectl leaves out of api-versions
// (kdyn too, warning on stderr); through a proxy that forces legacy
// discovery, both list it.
func (h *harness) testAPIVersionsStale(t *testing.T) {
	ns := h.env.Namespace(t)
	group := "s" + h.group
	name := "v1." + group
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	apisvc := map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"group": group, "version": "v1", "insecureSkipTLSVerify": true,
			"groupPriorityMinimum": 1000, "versionPriority": 15,
			"service": map[string]any{"namespace": ns, "name": "missing", "port": 443},
		},
	}
	if _, err := h.env.Do(ctx, http.MethodPost, "/apis/apiregistration.k8s.io/v1/apiservices", apisvc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = h.env.Do(context.Background(), http.MethodDelete, "/apis/apiregistration.k8s.io/v1/apiservices/"+name, nil)
	})
	warning := "Warning: could not discover the resources of " + group + "/v1: "
	waitFor(t, "kdyn api-versions to report "+group+"/v1", func() bool {
		return strings.Contains(h.kdyn(t, "api-versions").Stderr, warning)
	})
	t.Run("aggregated", func(t *testing.T) {
		switch aggregatedVersion(t, h.env) {
		case "v2":
		case "v2beta1":
			// kubectl 1.37 (client-go v0.37) reads only apidiscovery v2: on
			// a server with v2beta1 alone (1.29) it falls back to legacy
			// discovery and lists the stale group-version. kdyn reads
			// v2beta1 too, so it leaves it out, as kubectl does on v2.
			r := h.kdyn(t, "api-versions")
			if strings.Contains(r.Stdout, "\n"+group+"/v1\n") || !strings.Contains(r.Stderr, warning) || r.Code != 0 {
				t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant 0, the warning, and no %s/v1", r.Code, r.Stderr, r.Stdout, group)
			}
			return
		default: // aggregated discovery off: both read legacy discovery, which lists it
			if r := h.sameAsKubectl(t, true, "api-versions"); !strings.Contains(r.Stdout, "\n"+group+"/v1\n") {
				t.Errorf("legacy discovery does not list %s/v1:\n%s", group, r.Stdout)
			}
			return
		}
		r := h.sameAsKubectl(t, true, "api-versions")
		if strings.Contains(r.Stdout, group+"/v1\n") {
			t.Errorf("the stale %s/v1 is listed:\n%s", group, r.Stdout)
		}
		if r := h.kdyn(t, "api-versions"); !strings.Contains(r.Stderr, warning) || r.Code != 0 {
			t.Errorf("exit %d, stderr %q; want 0 and the warning", r.Code, r.Stderr)
		}
	})
	t.Run("legacy", func(t *testing.T) {
		kc := legacyProxy(t, h.env, ns)
		legacy := &harness{env: h.env, bin: h.bin, home: t.TempDir(), kubeconfig: kc, group: h.group}
		r := legacy.sameAsKubectl(t, true, "api-versions")
		if !strings.Contains(r.Stdout, "\n"+group+"/v1\n") {
			t.Errorf("legacy discovery does not list %s/v1:\n%s", group, r.Stdout)
		}
	})
}

// aggregatedVersion is the version of aggregated discovery the server
// answers /apis with: "v2" (1.30 and later), "v2beta1" (1.29), or "" when
// it is off.
func aggregatedVersion(t *testing.T, env *cluster.Env) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.Server+"/apis", nil)
	if err != nil {
		t.Fatal(err)
	}
	const as = ";as=APIGroupDiscoveryList,"
	req.Header.Set("Accept", "application/json;g=apidiscovery.k8s.io;v=v2"+as+"application/json;g=apidiscovery.k8s.io;v=v2beta1"+as+"application/json")
	req.Header.Set("Authorization", "Bearer "+env.Admin.Token)
	resp, err := env.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	for _, v := range []string{"v2", "v2beta1"} {
		if strings.Contains(resp.Header.Get("Content-Type"), "v="+v+";") {
			return v
		}
	}
	return ""
}

// legacyProxy is a TLS reverse proxy to the control plane that asks for
// plain JSON discovery documents, so that clients behind it fall back to
// legacy discovery; it returns a kubeconfig for it.
func legacyProxy(t *testing.T, env *cluster.Env, ns string) string {
	target, err := url.Parse(env.Server)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = env.HTTPClient().Transport
	p := &recordingProxy{}
	inner := rp.Director
	rp.Director = func(r *http.Request) {
		inner(r)
		if r.URL.Path == "/api" || r.URL.Path == "/apis" {
			r.Header.Set("Accept", "application/json")
		}
	}
	p.srv = newTLSProxy(t, rp)
	return p.kubeconfig(t, env, ns)
}

// newTLSProxy serves h over HTTPS (HTTP/2) until the test ends.
func newTLSProxy(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}
