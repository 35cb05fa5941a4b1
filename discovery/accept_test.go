package discovery

import (
	"context"
	"net/http"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestAcceptAndV2beta1: the aggregated request lists v2, v2beta1, then
// plain JSON, and a v2beta1 answer (servers 1.27–1.32) decodes the same.
func TestAcceptAndV2beta1(t *testing.T) {
	rec := loadRecording(t)
	f := &fakeServer{rec: rec}
	var accepts []string
	for _, d := range rec.Aggregated {
		body := []byte(strings.Replace(string(d.Body), `"apidiscovery.k8s.io/v2"`, `"apidiscovery.k8s.io/v2beta1"`, 1))
		f.setOverride(d.Path, func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			accepts = append(accepts, r.Header.Get("Accept"))
			f.mu.Unlock()
			w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")
			w.Write(body)
		})
	}
	c := New(newFake(t, f), Options{Mode: Aggregated})
	_, lists, err := c.ServerGroupsAndResources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if findResource(lists, "apps/v1", "deployments/scale") == nil {
		t.Error("v2beta1 document lost deployments/scale")
	}
	want := "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
	for _, a := range accepts {
		if a != want {
			t.Errorf("Accept = %q, want %q", a, want)
		}
	}
	if len(accepts) != 2 {
		t.Errorf("%d aggregated requests, want 2", len(accepts))
	}
}

func TestServerResourcesForGroupVersion(t *testing.T) {
	rec := loadRecording(t)
	c := New(newFake(t, &fakeServer{rec: rec}), Options{})
	tests := []struct {
		name     string
		gv       string
		wantRes  string
		notFound bool
		wantErr  string
	}{
		{name: "core", gv: "v1", wantRes: "pods"},
		{name: "apps", gv: "apps/v1", wantRes: "deployments/status"},
		{name: "custom", gv: recordedGroup + "/v1", wantRes: "widgets/scale"},
		{name: "not served", gv: "nope.example.com/v1", notFound: true},
		{name: "invalid", gv: "a/b/c", wantErr: "invalid group-version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := c.ServerResourcesForGroupVersion(context.Background(), tc.gv)
			switch {
			case tc.notFound:
				if !apierrors.IsNotFound(err) {
					t.Errorf("err = %v, want NotFound", err)
				}
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case findResource([]*metav1.APIResourceList{l}, tc.gv, tc.wantRes) == nil:
				t.Errorf("%s lacks %s", tc.gv, tc.wantRes)
			}
		})
	}
}
