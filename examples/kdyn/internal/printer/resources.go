package printer

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ResourceFilter selects and orders api-resources rows as kubectl
// api-resources does.
type ResourceFilter struct {
	// APIGroup keeps one group when GroupSet ("" is the core group).
	APIGroup string
	GroupSet bool
	// Namespaced keeps namespaced (true) or cluster-scoped (false)
	// resources when NamespacedSet.
	Namespaced    bool
	NamespacedSet bool
	// Verbs keeps resources that support every verb listed.
	Verbs []string
	// Categories keeps resources that belong to every category listed.
	Categories []string
	// SortBy is "" (by group, then name), "name" or "kind" (then name).
	SortBy string
}

// ValidateSortBy checks an api-resources --sort-by value with kubectl's
// message.
func ValidateSortBy(s string) error {
	if s != "" && s != "name" && s != "kind" {
		return fmt.Errorf("--sort-by accepts only name or kind")
	}
	return nil
}

// APIResources flattens discovery's preferred resource lists into the rows
// kubectl api-resources prints: subresources ("pods/log"; discovery's
// ServerPreferredResources already leaves them out, other lists may not)
// and resources without verbs dropped, the filter
// applied, Group and Version set from each list, sorted stably by the
// SortBy field and then by name.
func APIResources(lists []*metav1.APIResourceList, f ResourceFilter) []metav1.APIResource {
	var out []metav1.APIResource
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") || len(r.Verbs) == 0 ||
				(f.GroupSet && f.APIGroup != gv.Group) ||
				(f.NamespacedSet && f.Namespaced != r.Namespaced) ||
				!hasAll(r.Verbs, f.Verbs) || !hasAll(r.Categories, f.Categories) {
				continue
			}
			r.Group, r.Version = gv.Group, gv.Version
			out = append(out, r)
		}
	}
	key := func(r metav1.APIResource) string {
		switch f.SortBy {
		case "name":
			return r.Name
		case "kind":
			return r.Kind
		}
		return r.Group
	}
	slices.SortStableFunc(out, func(a, b metav1.APIResource) int {
		if c := strings.Compare(key(a), key(b)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// APIResourceRows returns the lines kubectl api-resources prints for output
// "" or "wide" (a table, header first unless noHeaders) or "name"
// (resource.group, one per line, no header).
func APIResourceRows(res []metav1.APIResource, output string, noHeaders bool) ([][]string, error) {
	var rows [][]string
	switch output {
	case "name":
		for _, r := range res {
			name := r.Name
			if r.Group != "" {
				name += "." + r.Group
			}
			rows = append(rows, []string{name})
		}
		return rows, nil
	case "", "wide":
	default:
		return nil, fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: name,wide", output)
	}
	wide := output == "wide"
	if !noHeaders {
		h := []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}
		if wide {
			h = append(h, "VERBS", "CATEGORIES")
		}
		rows = append(rows, h)
	}
	for _, r := range res {
		gv := schema.GroupVersion{Group: r.Group, Version: r.Version}
		row := []string{r.Name, strings.Join(r.ShortNames, ","), gv.String(), fmt.Sprint(r.Namespaced), r.Kind}
		if wide {
			row = append(row, strings.Join(r.Verbs, ","), strings.Join(r.Categories, ","))
		}
		rows = append(rows, row)
	}
	return rows, nil
}
