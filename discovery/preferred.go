package discovery

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// preferred picks, per group, each resource name at the first version (in
// preference order) that serves it, leaving out subresources ("pods/log")
// as client-go does. It does no I/O.
func preferred(r *result, namespacedOnly bool) []*metav1.APIResourceList {
	byGV := make(map[string]*metav1.APIResourceList, len(r.lists))
	for _, l := range r.lists {
		byGV[l.GroupVersion] = l
	}
	var out []*metav1.APIResourceList
	for _, g := range r.groups {
		seen := map[string]bool{}
		for _, v := range g.Versions {
			l, ok := byGV[v.GroupVersion]
			if !ok {
				continue
			}
			var picked []metav1.APIResource
			for _, res := range l.APIResources {
				if seen[res.Name] || strings.Contains(res.Name, "/") || (namespacedOnly && !res.Namespaced) {
					continue
				}
				seen[res.Name] = true
				picked = append(picked, res)
			}
			if len(picked) > 0 {
				out = append(out, &metav1.APIResourceList{TypeMeta: l.TypeMeta, GroupVersion: l.GroupVersion, APIResources: picked})
			}
		}
	}
	return out
}
