package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testAPIResources compares kdyn api-resources with kubectl's for every
// flag, byte for byte (stdout; kdyn's stderr may name group-versions that
// other packages' tests leave failing on the shared server).
func (h *harness) testAPIResources(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-o", "wide"},
		{"-o", "name"},
		{"--no-headers"},
		{"--sort-by=name"},
		{"--sort-by=kind", "-o", "wide"},
		{"--namespaced=false"},
		{"--namespaced=true", "--no-headers"},
		{"--api-group="},
		{"--api-group=apps", "-o", "wide"},
		{"--api-group=" + h.group, "-o", "wide"},
		{"--verbs=list,watch", "--sort-by=name"},
		{"--verbs=create", "--namespaced=false", "-o", "name"},
		{"--categories=all"},
		{"--api-group=no.such.group"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			h.sameAsKubectl(t, true, append([]string{"api-resources"}, args...)...)
		})
	}
	got := h.ok(t, "api-resources", "--api-group="+h.group)
	pad := strings.Repeat(" ", len(h.group+"/v1")-len("APIVERSION"))
	want := "NAME      SHORTNAMES   APIVERSION" + pad + "   NAMESPACED   KIND\n" +
		"widgets   kdw          " + h.group + "/v1   true         Widget\n"
	if got != want {
		t.Errorf("api-resources --api-group=%s:\ngot:\n%s\nwant:\n%s", h.group, got, want)
	}
	r := h.kdyn(t, "api-resources", "--sort-by=age")
	if r.Code != 1 || r.Stderr != "error: --sort-by accepts only name or kind\n" {
		t.Errorf("--sort-by=age: got %+v", r)
	}
}

// testAPIResourcesPartial: an APIService whose Service does not exist makes
// its group-version fail; kdyn prints everything else, names the failed
// group-version on stderr and exits 0.
func (h *harness) testAPIResourcesPartial(t *testing.T) {
	ns := h.env.Namespace(t)
	group := "p" + h.group
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
	var r result
	waitFor(t, "kdyn api-resources to report "+group+"/v1", func() bool {
		r = h.kdyn(t, "api-resources")
		return strings.Contains(r.Stderr, warning)
	})
	if r.Code != 0 {
		t.Errorf("exit code %d, want 0 (resources were found)", r.Code)
	}
	for _, want := range []string{"\nconfigmaps ", "\ndeployments ", "\nwidgets "} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(r.Stderr), "\n") {
		if !strings.HasPrefix(line, "Warning: could not discover the resources of ") {
			t.Errorf("unexpected stderr line %q", line)
		}
	}
	t.Logf("stderr: %s", r.Stderr)
}

// testAPIVersions compares kdyn api-versions with kubectl's.
func (h *harness) testAPIVersions(t *testing.T) {
	r := h.sameAsKubectl(t, true, "api-versions")
	if !strings.Contains(r.Stdout, "\n"+h.group+"/v1\n") {
		t.Errorf("api-versions lacks %s/v1:\n%s", h.group, r.Stdout)
	}
}
