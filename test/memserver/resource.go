package memserver

import (
	"encoding/json"
	"fmt"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// aggList is the part of apidiscovery.k8s.io/v2 APIGroupDiscoveryList that
// the server reads and writes (k8s.io/api is not imported).
type aggList struct {
	Kind       string     `json:"kind"`
	APIVersion string     `json:"apiVersion"`
	Metadata   struct{}   `json:"metadata"`
	Items      []aggGroup `json:"items"`
}

type aggGroup struct {
	Metadata struct {
		Name string `json:"name,omitempty"`
	} `json:"metadata"`
	Versions []aggVersion `json:"versions"`
}

type aggVersion struct {
	Version   string        `json:"version"`
	Resources []aggResource `json:"resources"`
	Freshness string        `json:"freshness,omitempty"`
}

type aggResource struct {
	Resource         string         `json:"resource"`
	ResponseKind     *aggKind       `json:"responseKind,omitempty"`
	Scope            string         `json:"scope"`
	SingularResource string         `json:"singularResource"`
	Verbs            []string       `json:"verbs"`
	ShortNames       []string       `json:"shortNames,omitempty"`
	Categories       []string       `json:"categories,omitempty"`
	Subresources     []aggSubresour `json:"subresources,omitempty"`
}

type aggSubresour struct {
	Subresource   string    `json:"subresource"`
	ResponseKind  *aggKind  `json:"responseKind,omitempty"`
	AcceptedTypes []aggKind `json:"acceptedTypes,omitempty"`
	Verbs         []string  `json:"verbs"`
}

type aggKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// resource is one served resource of one group-version: what the handlers
// need to know to store and present its objects.
type resource struct {
	gvr        schema.GroupVersionResource
	kind       string
	singular   string
	namespaced bool
	verbs      map[string]bool
	status     bool // has a status subresource
	scale      *scalePaths
	// generation: metadata.generation is set to 1 on create and bumped on
	// changes outside metadata (and outside status when status is a
	// subresource).
	generation bool
	crd        *crdVersion // nil for built-ins
	agg        aggResource // the discovery entry, as served
	// schemas caches a built-in's recorded schema once looked up.
	schemas atomic.Pointer[kindSchemas]
}

// kindSchemas is a kind's schema and the models its references resolve
// against (nil when none is recorded).
type kindSchemas struct {
	root   *spec.Schema
	models map[string]*spec.Schema
	facts  factCache // of root and models
}

// groupResource is where objects of r are stored: all versions of a
// resource share one store, as in etcd.
func (r *resource) groupResource() schema.GroupResource { return r.gvr.GroupResource() }

func (r *resource) gvk() schema.GroupVersionKind {
	return r.gvr.GroupVersion().WithKind(r.kind)
}

// scalePaths are where a scale subresource reads and writes replicas.
type scalePaths struct {
	spec, status, selector string // JSON paths like ".spec.replicas"
}

// generationBuiltins are the built-in resources whose strategy sets
// metadata.generation (ConfigMaps, Secrets, Services, Namespaces... do not).
var generationBuiltins = map[schema.GroupResource]bool{
	{Group: "apps", Resource: "deployments"}:                                               true,
	{Group: "apps", Resource: "replicasets"}:                                               true,
	{Group: "apps", Resource: "statefulsets"}:                                              true,
	{Group: "apps", Resource: "daemonsets"}:                                                true,
	{Group: "batch", Resource: "jobs"}:                                                     true,
	{Group: "batch", Resource: "cronjobs"}:                                                 true,
	{Group: "", Resource: "replicationcontrollers"}:                                        true,
	{Group: "", Resource: "pods"}:                                                          true,
	{Group: "", Resource: "podtemplates"}:                                                  true,
	{Group: "policy", Resource: "poddisruptionbudgets"}:                                    true,
	{Group: "networking.k8s.io", Resource: "ingresses"}:                                    true,
	{Group: "networking.k8s.io", Resource: "networkpolicies"}:                              true,
	{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}:                 true,
	{Group: "admissionregistration.k8s.io", Resource: "validatingwebhookconfigurations"}:   true,
	{Group: "admissionregistration.k8s.io", Resource: "mutatingwebhookconfigurations"}:     true,
	{Group: "admissionregistration.k8s.io", Resource: "validatingadmissionpolicies"}:       true,
	{Group: "admissionregistration.k8s.io", Resource: "validatingadmissionpolicybindings"}: true,
	{Group: "admissionregistration.k8s.io", Resource: "mutatingadmissionpolicies"}:         true,
	{Group: "admissionregistration.k8s.io", Resource: "mutatingadmissionpolicybindings"}:   true,
	{Group: "flowcontrol.apiserver.k8s.io", Resource: "flowschemas"}:                       true,
	{Group: "flowcontrol.apiserver.k8s.io", Resource: "prioritylevelconfigurations"}:       true,
	{Group: "resource.k8s.io", Resource: "deviceclasses"}:                                  true,
	{Group: "resource.k8s.io", Resource: "resourceslices"}:                                 true,
	{Group: "autoscaling", Resource: "horizontalpodautoscalers"}:                           true,
}

// builtinScale are the scale subresources of built-ins.
var builtinScale = &scalePaths{spec: ".spec.replicas", status: ".status.replicas", selector: ".status.selector"}

// resourcesFromAggregated builds the resource table from recorded aggregated
// discovery documents for /api and /apis.
func resourcesFromAggregated(docs ...json.RawMessage) ([]*resource, error) {
	var out []*resource
	for _, doc := range docs {
		var l aggList
		if err := json.Unmarshal(doc, &l); err != nil {
			return nil, fmt.Errorf("decode recorded aggregated discovery: %w", err)
		}
		for _, g := range l.Items {
			for _, v := range g.Versions {
				for _, ar := range v.Resources {
					out = append(out, builtinResource(g.Metadata.Name, v.Version, ar))
				}
			}
		}
	}
	return out, nil
}

func builtinResource(group, version string, ar aggResource) *resource {
	r := &resource{
		gvr:        schema.GroupVersionResource{Group: group, Version: version, Resource: ar.Resource},
		singular:   ar.SingularResource,
		namespaced: ar.Scope == "Namespaced",
		verbs:      map[string]bool{},
		agg:        ar,
	}
	if ar.ResponseKind != nil {
		r.kind = ar.ResponseKind.Kind
	}
	for _, v := range ar.Verbs {
		r.verbs[v] = true
	}
	for _, sr := range ar.Subresources {
		switch sr.Subresource {
		case "status":
			r.status = true
		case "scale":
			r.scale = builtinScale
		}
	}
	r.generation = generationBuiltins[r.groupResource()]
	return r
}
