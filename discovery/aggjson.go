package discovery

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// This file decodes an aggregated discovery list (APIGroupDiscoveryList,
// apidiscovery.k8s.io v2 or v2beta1) in one pass over the document, into
// the structs of types.go, with the results encoding/json gives for them
// (a differential test and fuzz target hold the two equal). It is the hot
// path of cold discovery: encoding/json's reflection and its separate
// validation pass cost several times more on a +300-CRD document.

// aggDecoder decodes one aggregated document; its slabs hold every array.
type aggDecoder struct {
	jsonReader
	items    slab[groupDiscovery]
	versions slab[versionDiscovery]
	res      slab[resourceDiscovery]
	subs     slab[subresourceDiscovery]
	kinds    []metav1.GroupVersionKind // where gvk allocates from
}

// unmarshalAggregated decodes body into l as json.Unmarshal would. The
// strings of l share body's memory: body must not be modified afterwards
// (a fetched document never is).
func unmarshalAggregated(body []byte, l *groupDiscoveryList) error {
	r := &aggDecoder{jsonReader: newJSONReader(body)}
	if err := r.groupDiscoveryList(l); err != nil {
		return err
	}
	return r.End()
}

func (r *aggDecoder) groupDiscoveryList(l *groupDiscoveryList) error {
	switch r.Peek() {
	case 'n':
		_, err := r.Null()
		return err
	case '{':
	default:
		return r.typeError("APIGroupDiscoveryList")
	}
	return r.Object(func(key string) error {
		switch field(key, "kind", "apiVersion", "items") {
		case "kind":
			return r.stringField(&l.Kind, "APIGroupDiscoveryList.kind")
		case "apiVersion":
			return r.stringField(&l.APIVersion, "APIGroupDiscoveryList.apiVersion")
		case "items":
			return decodeSlab(&r.jsonReader, &l.Items, &r.items, "APIGroupDiscoveryList.items", r.groupDiscovery)
		}
		return r.Skip()
	})
}

func (r *aggDecoder) groupDiscovery(g *groupDiscovery) error {
	if null, err := r.Null(); null || err != nil {
		return err
	}
	if r.Peek() != '{' {
		return r.typeError("APIGroupDiscovery")
	}
	return r.Object(func(key string) error {
		switch field(key, "metadata", "versions") {
		case "metadata":
			return r.metadata(&g.Metadata.Name)
		case "versions":
			return decodeSlab(&r.jsonReader, &g.Versions, &r.versions, "APIGroupDiscovery.versions", r.versionDiscovery)
		}
		return r.Skip()
	})
}

// metadata decodes an ObjectMeta keeping its name.
func (r *aggDecoder) metadata(name *string) error {
	if null, err := r.Null(); null || err != nil {
		return err
	}
	if r.Peek() != '{' {
		return r.typeError("metadata")
	}
	return r.Object(func(key string) error {
		if field(key, "name") != "" {
			return r.stringField(name, "metadata.name")
		}
		return r.Skip()
	})
}

func (r *aggDecoder) versionDiscovery(v *versionDiscovery) error {
	if null, err := r.Null(); null || err != nil {
		return err
	}
	if r.Peek() != '{' {
		return r.typeError("APIVersionDiscovery")
	}
	return r.Object(func(key string) error {
		switch field(key, "version", "resources", "freshness") {
		case "version":
			return r.stringField(&v.Version, "APIVersionDiscovery.version")
		case "resources":
			return decodeSlab(&r.jsonReader, &v.Resources, &r.res, "APIVersionDiscovery.resources", r.resourceDiscovery)
		case "freshness":
			return r.stringField(&v.Freshness, "APIVersionDiscovery.freshness")
		}
		return r.Skip()
	})
}

func (r *aggDecoder) resourceDiscovery(res *resourceDiscovery) error {
	if null, err := r.Null(); null || err != nil {
		return err
	}
	if r.Peek() != '{' {
		return r.typeError("APIResourceDiscovery")
	}
	return r.Object(func(key string) error {
		switch field(key, "resource", "responseKind", "scope", "singularResource", "verbs", "shortNames", "categories", "subresources") {
		case "resource":
			return r.stringField(&res.Resource, "APIResourceDiscovery.resource")
		case "responseKind":
			return r.gvk(&res.ResponseKind)
		case "scope":
			return r.stringField(&res.Scope, "APIResourceDiscovery.scope")
		case "singularResource":
			return r.stringField(&res.SingularResource, "APIResourceDiscovery.singularResource")
		case "verbs":
			return r.stringSlice(&res.Verbs, "APIResourceDiscovery.verbs")
		case "shortNames":
			return r.stringSlice(&res.ShortNames, "APIResourceDiscovery.shortNames")
		case "categories":
			return r.stringSlice(&res.Categories, "APIResourceDiscovery.categories")
		case "subresources":
			return decodeSlab(&r.jsonReader, &res.Subresources, &r.subs, "APIResourceDiscovery.subresources", r.subresourceDiscovery)
		}
		return r.Skip()
	})
}

func (r *aggDecoder) subresourceDiscovery(s *subresourceDiscovery) error {
	if null, err := r.Null(); null || err != nil {
		return err
	}
	if r.Peek() != '{' {
		return r.typeError("APISubresourceDiscovery")
	}
	return r.Object(func(key string) error {
		switch field(key, "subresource", "responseKind", "verbs") {
		case "subresource":
			return r.stringField(&s.Subresource, "APISubresourceDiscovery.subresource")
		case "responseKind":
			return r.gvk(&s.ResponseKind)
		case "verbs":
			return r.stringSlice(&s.Verbs, "APISubresourceDiscovery.verbs")
		}
		return r.Skip()
	})
}

// gvk decodes a *GroupVersionKind: null sets nil, an object is decoded into
// the existing value (a repeated key merges, as with encoding/json).
func (r *aggDecoder) gvk(dst **metav1.GroupVersionKind) error {
	switch r.Peek() {
	case 'n':
		*dst = nil
		_, err := r.Null()
		return err
	case '{':
	default:
		return r.typeError("responseKind")
	}
	if *dst == nil {
		if len(r.kinds) == 0 {
			r.kinds = make([]metav1.GroupVersionKind, 256)
		}
		*dst, r.kinds = &r.kinds[0], r.kinds[1:]
	}
	k := *dst
	return r.Object(func(key string) error {
		switch field(key, "group", "version", "kind") {
		case "group":
			return r.stringField(&k.Group, "responseKind.group")
		case "version":
			return r.stringField(&k.Version, "responseKind.version")
		case "kind":
			return r.stringField(&k.Kind, "responseKind.kind")
		}
		return r.Skip()
	})
}
