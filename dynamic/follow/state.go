package follow

import (
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// crdState is what of a CustomResourceDefinition shapes discovery: its
// group, whether it is Established, the names discovery publishes (from
// status.acceptedNames, as the server does), its scope and its versions.
// Two states that are equal give the same discovery documents.
type crdState struct {
	Group       string
	Established bool
	Plural      string
	Singular    string
	Kind        string
	ShortNames  []string
	Categories  []string
	Scope       string
	Versions    []crdVersion
}

// crdVersion is one spec.versions entry as discovery sees it.
type crdVersion struct {
	Name   string
	Served bool
	Status bool // has a status subresource
	Scale  bool // has a scale subresource
}

// parseCRD reads the discovery-relevant fields of a CRD. A field of the
// wrong type is an error naming it; absent fields are zero.
func parseCRD(u *unstructured.Unstructured) (crdState, error) {
	var s crdState
	var errs []string
	get := func(path ...string) map[string]any {
		m, ok, err := unstructured.NestedMap(u.Object, path...)
		if err != nil {
			errs = append(errs, err.Error())
		}
		if !ok {
			return nil
		}
		return m
	}
	spec := get("spec")
	s.Group = str(spec, "group", &errs)
	s.Scope = str(spec, "scope", &errs)
	names := get("status", "acceptedNames")
	if names == nil {
		names = get("spec", "names")
	}
	s.Plural = str(names, "plural", &errs)
	s.Singular = str(names, "singular", &errs)
	s.Kind = str(names, "kind", &errs)
	s.ShortNames = strs(names, "shortNames", &errs)
	s.Categories = strs(names, "categories", &errs)
	for _, c := range slice(get("status"), "conditions", &errs) {
		if c["type"] == "Established" && c["status"] == "True" {
			s.Established = true
		}
	}
	for _, v := range slice(spec, "versions", &errs) {
		sub, _ := v["subresources"].(map[string]any)
		_, hasStatus := sub["status"]
		_, hasScale := sub["scale"]
		served, _ := v["served"].(bool)
		s.Versions = append(s.Versions, crdVersion{Name: str(v, "name", &errs), Served: served, Status: hasStatus, Scale: hasScale})
	}
	if len(errs) > 0 {
		return crdState{}, fmt.Errorf("customresourcedefinition %q: %s", u.GetName(), strings.Join(errs, "; "))
	}
	return s, nil
}

// served returns the resources discovery lists for s: one per served
// version, and none until the CRD is Established.
func (s crdState) served() []schema.GroupVersionResource {
	if !s.Established || s.Plural == "" {
		return nil
	}
	var out []schema.GroupVersionResource
	for _, v := range s.Versions {
		if v.Served && v.Name != "" {
			out = append(out, schema.GroupVersionResource{Group: s.Group, Version: v.Name, Resource: s.Plural})
		}
	}
	return out
}

func (s crdState) equal(o crdState) bool { return reflect.DeepEqual(s, o) }

// apiServiceState is what of an APIService shapes discovery.
type apiServiceState struct {
	Group                string
	Version              string
	Local                bool   // no spec.service: served by kube-apiserver itself (built-in groups and CRD groups)
	Available            string // the Available condition's status: "True", "False", "Unknown" or ""
	GroupPriorityMinimum int64
	VersionPriority      int64
}

// parseAPIService reads the discovery-relevant fields of an APIService.
func parseAPIService(u *unstructured.Unstructured) (apiServiceState, error) {
	var s apiServiceState
	var errs []string
	spec, _, err := unstructured.NestedMap(u.Object, "spec")
	if err != nil {
		errs = append(errs, err.Error())
	}
	s.Group = str(spec, "group", &errs)
	s.Version = str(spec, "version", &errs)
	s.Local = spec["service"] == nil
	s.GroupPriorityMinimum = num(spec, "groupPriorityMinimum", &errs)
	s.VersionPriority = num(spec, "versionPriority", &errs)
	status, _, err := unstructured.NestedMap(u.Object, "status")
	if err != nil {
		errs = append(errs, err.Error())
	}
	for _, c := range slice(status, "conditions", &errs) {
		if c["type"] == "Available" {
			s.Available, _ = c["status"].(string)
		}
	}
	if len(errs) > 0 {
		return apiServiceState{}, fmt.Errorf("apiservice %q: %s", u.GetName(), strings.Join(errs, "; "))
	}
	return s, nil
}

// groupVersion is "group/version" as discovery lists it.
func (s apiServiceState) groupVersion() string {
	return schema.GroupVersion{Group: s.Group, Version: s.Version}.String()
}

func str(m map[string]any, key string, errs *[]string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		*errs = append(*errs, fmt.Sprintf("%s is a %T, not a string", key, v))
	}
	return s
}

func strs(m map[string]any, key string, errs *[]string) []string {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		*errs = append(*errs, fmt.Sprintf("%s is a %T, not a list", key, v))
		return nil
	}
	var out []string
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s holds a %T, not a string", key, e))
			continue
		}
		out = append(out, s)
	}
	return out
}

func slice(m map[string]any, key string, errs *[]string) []map[string]any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		*errs = append(*errs, fmt.Sprintf("%s is a %T, not a list", key, v))
		return nil
	}
	var out []map[string]any
	for _, e := range l {
		o, ok := e.(map[string]any)
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s holds a %T, not an object", key, e))
			continue
		}
		out = append(out, o)
	}
	return out
}

func num(m map[string]any, key string, errs *[]string) int64 {
	v, ok := m[key]
	if !ok || v == nil {
		return 0
	}
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case int:
		return int64(x)
	}
	*errs = append(*errs, fmt.Sprintf("%s is a %T, not a number", key, v))
	return 0
}
