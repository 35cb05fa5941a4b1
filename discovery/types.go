package discovery

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Mode selects how the resource lists of every group are discovered.
type Mode int

const (
	// Auto asks for aggregated discovery and falls back to legacy discovery
	// when the server (or a proxy) answers with plain JSON.
	Auto Mode = iota
	// Aggregated uses aggregated discovery only; a server without it is an error.
	Aggregated
	// Legacy uses /api, /apis and one request per group-version.
	Legacy
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Auto:
		return "Auto"
	case Aggregated:
		return "Aggregated"
	case Legacy:
		return "Legacy"
	}
	return "Mode(?)"
}

// Options configure a Client. The zero value is ready to use.
type Options struct {
	// Mode selects aggregated or legacy discovery; the zero value is Auto.
	Mode Mode
	// Concurrency bounds the parallel group-version fetches of legacy
	// discovery. 0 means DefaultConcurrency.
	Concurrency int
}

// DefaultConcurrency is the default bound on parallel legacy fetches: well
// below the 100 concurrent streams a server allows per HTTP/2 connection, so
// one connection carries all of them.
const DefaultConcurrency = 12

// Accept headers and media types.
const (
	// AcceptAggregated is the Accept header of aggregated discovery requests:
	// v2, then v2beta1, then plain JSON (legacy documents).
	AcceptAggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
		"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," +
		"application/json"
	freshnessStale = "Stale"
	scopeCluster   = "Cluster"
)

// The aggregated discovery types (apidiscovery.k8s.io v2 and v2beta1 share
// this shape). Only the fields discovery needs are declared.

// groupDiscoveryList is an APIGroupDiscoveryList.
type groupDiscoveryList struct {
	Kind       string           `json:"kind"`
	APIVersion string           `json:"apiVersion"`
	Items      []groupDiscovery `json:"items"`
}

// groupDiscovery is an APIGroupDiscovery: one group, versions by preference.
type groupDiscovery struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Versions []versionDiscovery `json:"versions"`
}

// versionDiscovery is an APIVersionDiscovery.
type versionDiscovery struct {
	Version   string              `json:"version"`
	Resources []resourceDiscovery `json:"resources"`
	Freshness string              `json:"freshness"`
}

// resourceDiscovery is an APIResourceDiscovery.
type resourceDiscovery struct {
	Resource         string                   `json:"resource"`
	ResponseKind     *metav1.GroupVersionKind `json:"responseKind"`
	Scope            string                   `json:"scope"`
	SingularResource string                   `json:"singularResource"`
	Verbs            []string                 `json:"verbs"`
	ShortNames       []string                 `json:"shortNames"`
	Categories       []string                 `json:"categories"`
	Subresources     []subresourceDiscovery   `json:"subresources"`
}

// subresourceDiscovery is an APISubresourceDiscovery.
type subresourceDiscovery struct {
	Subresource  string                   `json:"subresource"`
	ResponseKind *metav1.GroupVersionKind `json:"responseKind"`
	Verbs        []string                 `json:"verbs"`
}
