package discovery

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// This file decodes a legacy APIResourceList (the document of one
// group-version, hundreds of which make one legacy discovery run) in one
// pass, with the results encoding/json gives for metav1.APIResourceList (a
// differential test and fuzz target hold the two equal).

// legacyDecoder decodes one APIResourceList; its slab holds the resources.
type legacyDecoder struct {
	jsonReader
	res slab[metav1.APIResource]
}

// unmarshalResourceList decodes body into l as json.Unmarshal would. The
// strings of l share body's memory: body must not be modified afterwards.
func unmarshalResourceList(body []byte, l *metav1.APIResourceList) error {
	r := &legacyDecoder{jsonReader: newJSONReader(body)}
	if err := r.resourceList(l); err != nil {
		return err
	}
	return r.End()
}

func (r *legacyDecoder) resourceList(l *metav1.APIResourceList) error {
	switch r.Peek() {
	case 'n':
		_, err := r.Null()
		return err
	case '{':
	default:
		return r.typeError("APIResourceList")
	}
	return r.Object(func(key string) error {
		switch field(key, "kind", "apiVersion", "groupVersion", "resources") {
		case "kind":
			return r.stringField(&l.Kind, "APIResourceList.kind")
		case "apiVersion":
			return r.stringField(&l.APIVersion, "APIResourceList.apiVersion")
		case "groupVersion":
			return r.stringField(&l.GroupVersion, "APIResourceList.groupVersion")
		case "resources":
			return decodeSlab(&r.jsonReader, &l.APIResources, &r.res, "APIResourceList.resources", r.resource)
		}
		return r.Skip()
	})
}

func (r *legacyDecoder) resource(res *metav1.APIResource) error {
	if null, err := r.Null(); null || err != nil {
		return err
	}
	if r.Peek() != '{' {
		return r.typeError("APIResource")
	}
	return r.Object(func(key string) error {
		switch field(key, "name", "singularName", "namespaced", "group", "version", "kind", "verbs", "shortNames", "categories", "storageVersionHash") {
		case "name":
			return r.stringField(&res.Name, "APIResource.name")
		case "singularName":
			return r.stringField(&res.SingularName, "APIResource.singularName")
		case "namespaced":
			return r.boolField(&res.Namespaced, "APIResource.namespaced")
		case "group":
			return r.stringField(&res.Group, "APIResource.group")
		case "version":
			return r.stringField(&res.Version, "APIResource.version")
		case "kind":
			return r.stringField(&res.Kind, "APIResource.kind")
		case "verbs":
			return r.stringSlice((*[]string)(&res.Verbs), "APIResource.verbs")
		case "shortNames":
			return r.stringSlice(&res.ShortNames, "APIResource.shortNames")
		case "categories":
			return r.stringSlice(&res.Categories, "APIResource.categories")
		case "storageVersionHash":
			return r.stringField(&res.StorageVersionHash, "APIResource.storageVersionHash")
		}
		return r.Skip()
	})
}
