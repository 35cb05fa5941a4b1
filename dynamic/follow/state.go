package follow

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	kdu "github.com/kubedyn/kubedyn/unstructured"
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
	r := reader{}
	o := u.Object
	s.Group = read(&r, o, "spec.group", kdu.GetString)
	s.Scope = read(&r, o, "spec.scope", kdu.GetString)
	names := "status.acceptedNames"
	if read(&r, o, names, kdu.GetMap) == nil {
		names = "spec.names"
	}
	s.Plural = read(&r, o, names+".plural", kdu.GetString)
	s.Singular = read(&r, o, names+".singular", kdu.GetString)
	s.Kind = read(&r, o, names+".kind", kdu.GetString)
	s.ShortNames = r.strings(o, names+".shortNames")
	s.Categories = r.strings(o, names+".categories")
	for _, c := range r.objects(o, "status.conditions") {
		if c["type"] == "Established" && c["status"] == "True" {
			s.Established = true
		}
	}
	for i := range read(&r, o, "spec.versions", kdu.GetSlice) {
		v := fmt.Sprintf("spec.versions[%d]", i)
		if read(&r, o, v, kdu.GetMap) == nil {
			continue
		}
		s.Versions = append(s.Versions, crdVersion{
			Name: read(&r, o, v+".name", kdu.GetString), Served: read(&r, o, v+".served", kdu.GetBool),
			Status: read(&r, o, v+".subresources.status", kdu.Get) != nil, Scale: read(&r, o, v+".subresources.scale", kdu.Get) != nil,
		})
	}
	if len(r) > 0 {
		return crdState{}, fmt.Errorf("customresourcedefinition %q: %s", u.GetName(), strings.Join(r, "; "))
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
	r := reader{}
	o := u.Object
	s.Group = read(&r, o, "spec.group", kdu.GetString)
	s.Version = read(&r, o, "spec.version", kdu.GetString)
	s.Local = read(&r, o, "spec.service", kdu.Get) == nil
	s.GroupPriorityMinimum = read(&r, o, "spec.groupPriorityMinimum", kdu.GetInt64)
	s.VersionPriority = read(&r, o, "spec.versionPriority", kdu.GetInt64)
	for _, c := range r.objects(o, "status.conditions") {
		if c["type"] == "Available" {
			s.Available, _ = c["status"].(string)
		}
	}
	if len(r) > 0 {
		return apiServiceState{}, fmt.Errorf("apiservice %q: %s", u.GetName(), strings.Join(r, "; "))
	}
	return s, nil
}

// groupVersion is "group/version" as discovery lists it.
func (s apiServiceState) groupVersion() string {
	return schema.GroupVersion{Group: s.Group, Version: s.Version}.String()
}

// reader collects the errors of the fields read with package
// unstructured's getters: a missing or null field reads as zero, a field
// of the wrong type is an error.
type reader []string

func read[T any](r *reader, obj map[string]any, path string, get func(map[string]any, string) (T, error)) T {
	v, err := get(obj, path)
	if err != nil && !errors.Is(err, kdu.ErrNotFound) {
		*r = append(*r, err.Error())
	}
	return v
}

// strings reads a list of strings.
func (r *reader) strings(obj map[string]any, path string) []string {
	var out []string
	for i := range read(r, obj, path, kdu.GetSlice) {
		out = append(out, read(r, obj, fmt.Sprintf("%s[%d]", path, i), kdu.GetString))
	}
	return out
}

// objects reads a list of objects.
func (r *reader) objects(obj map[string]any, path string) []map[string]any {
	var out []map[string]any
	for i := range read(r, obj, path, kdu.GetSlice) {
		if m := read(r, obj, fmt.Sprintf("%s[%d]", path, i), kdu.GetMap); m != nil {
			out = append(out, m)
		}
	}
	return out
}
