package restmapper

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// serverSource is a Source that reads the real control plane over HTTPS as
// admin: the full run with aggregated discovery (two requests), a group with
// legacy discovery (/apis/GROUP, then each version). Every request goes
// through a counting RoundTripper.
type serverSource struct {
	base     string
	client   *http.Client
	requests atomic.Int64
}

type countingRT struct {
	next  http.RoundTripper
	n     *atomic.Int64
	token string
}

func (c countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+c.token)
	return c.next.RoundTrip(r)
}

func newServerSource(t testing.TB, env *cluster.Env) *serverSource {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(env.CAData) {
		t.Fatal("no CA certificates in env.CAData")
	}
	s := &serverSource{base: env.Server}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	s.client = &http.Client{Transport: countingRT{next: tr, n: &s.requests, token: env.Admin.Token}}
	return s
}

func (s *serverSource) get(ctx context.Context, path, accept string, into any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", accept)
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusNotFound {
		return apierrors.NewNotFound(schema.GroupResource{Resource: "discovery"}, path)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return json.Unmarshal(body, into)
}

// The few apidiscovery.k8s.io/v2 fields a mapper needs.
type aggList struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Versions []struct {
			Version   string `json:"version"`
			Resources []struct {
				Resource     string `json:"resource"`
				ResponseKind struct {
					Kind string `json:"kind"`
				} `json:"responseKind"`
				Scope            string   `json:"scope"`
				SingularResource string   `json:"singularResource"`
				Verbs            []string `json:"verbs"`
				ShortNames       []string `json:"shortNames"`
				Categories       []string `json:"categories"`
			} `json:"resources"`
		} `json:"versions"`
	} `json:"items"`
}

const aggAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

// foreign reports whether group was installed by another package's tests on
// the shared control plane (neither a built-in group nor one of ours). The
// source hides such groups: the kubectl expectations were checked on a
// server with only this package's CRDs, and another package's "widgets" in
// a group that sorts first would rightly win the bare name.
func foreign(group string) bool {
	return strings.Contains(group, ".") && !strings.HasSuffix(group, ".k8s.io") && !strings.HasSuffix(group, fixtureGroupSuffix)
}

func (s *serverSource) ServerGroupsAndResources(ctx context.Context) ([]metav1.APIGroup, []*metav1.APIResourceList, error) {
	var groups []metav1.APIGroup
	var lists []*metav1.APIResourceList
	for _, path := range []string{"/api", "/apis"} {
		var agg aggList
		if err := s.get(ctx, path, aggAccept, &agg); err != nil {
			return nil, nil, err
		}
		for _, it := range agg.Items {
			if foreign(it.Metadata.Name) {
				continue
			}
			g := metav1.APIGroup{Name: it.Metadata.Name}
			for _, v := range it.Versions {
				gv := schema.GroupVersion{Group: g.Name, Version: v.Version}.String()
				g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: gv, Version: v.Version})
				l := &metav1.APIResourceList{GroupVersion: gv}
				for _, r := range v.Resources {
					l.APIResources = append(l.APIResources, metav1.APIResource{
						Name: r.Resource, SingularName: r.SingularResource, Kind: r.ResponseKind.Kind,
						Namespaced: r.Scope == "Namespaced", Verbs: r.Verbs, ShortNames: r.ShortNames, Categories: r.Categories,
					})
				}
				lists = append(lists, l)
			}
			if len(g.Versions) > 0 {
				g.PreferredVersion = g.Versions[0]
			}
			groups = append(groups, g)
		}
	}
	return groups, lists, nil
}

func (s *serverSource) ServerGroupAndResources(ctx context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	var g metav1.APIGroup
	if foreign(group) {
		return nil, nil, apierrors.NewNotFound(schema.GroupResource{Resource: "discovery"}, "/apis/"+group)
	}
	if group == "" {
		g = metav1.APIGroup{Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}}}
		g.PreferredVersion = g.Versions[0]
	} else if err := s.get(ctx, "/apis/"+group, "application/json", &g); err != nil {
		return nil, nil, err
	}
	var lists []*metav1.APIResourceList
	for _, v := range g.Versions {
		path := "/apis/" + v.GroupVersion
		if group == "" {
			path = "/api/" + v.GroupVersion
		}
		l := &metav1.APIResourceList{}
		if err := s.get(ctx, path, "application/json", l); err != nil {
			return nil, nil, err
		}
		lists = append(lists, l)
	}
	return &g, lists, nil
}
