package memserver

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// crdEntry is what one CRD serves.
type crdEntry struct {
	name     string
	versions []*resource
}

// crdVersion is one served version of a CRD.
type crdVersion struct {
	crdName      string
	gvk          schema.GroupVersionKind
	storageHash  string // storageVersionHash of the CRD's storage version
	order        int    // creation order, for discovery
	versionIndex int
	multiVersion bool
	listKind     string
	schema       *spec.Schema // openAPIV3Schema; nil when none
	columns      []printerColumn
	selectable   []string

	tcOnce sync.Once
	tc     managedfields.TypeConverter
	tcErr  error
}

// printerColumn is one additionalPrinterColumns entry.
type printerColumn struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format,omitempty"`
	Description string `json:"description,omitempty"`
	Priority    int32  `json:"priority,omitempty"`
	JSONPath    string `json:"jsonPath"`
}

// crdSpec is the part of a CRD's spec memserver reads.
type crdSpec struct {
	Group string `json:"group"`
	Names struct {
		Plural     string   `json:"plural"`
		Singular   string   `json:"singular"`
		Kind       string   `json:"kind"`
		ListKind   string   `json:"listKind"`
		ShortNames []string `json:"shortNames"`
		Categories []string `json:"categories"`
	} `json:"names"`
	Scope    string `json:"scope"`
	Versions []struct {
		Name    string `json:"name"`
		Served  bool   `json:"served"`
		Storage bool   `json:"storage"`
		Schema  *struct {
			OpenAPIV3Schema *spec.Schema `json:"openAPIV3Schema"`
		} `json:"schema"`
		Subresources *struct {
			Status *struct{} `json:"status"`
			Scale  *struct {
				SpecReplicasPath   string `json:"specReplicasPath"`
				StatusReplicasPath string `json:"statusReplicasPath"`
				LabelSelectorPath  string `json:"labelSelectorPath"`
			} `json:"scale"`
		} `json:"subresources"`
		Columns          []printerColumn `json:"additionalPrinterColumns"`
		SelectableFields []struct {
			JSONPath string `json:"jsonPath"`
		} `json:"selectableFields"`
	} `json:"versions"`
}

func decodeCRDSpec(obj object) (*crdSpec, error) {
	b, err := json.Marshal(obj["spec"])
	if err != nil {
		return nil, err
	}
	var s crdSpec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// crdResourcesOf builds the served resources of a CRD object.
func crdResourcesOf(obj object, order int) ([]*resource, error) {
	sp, err := decodeCRDSpec(obj)
	if err != nil {
		return nil, err
	}
	singular := sp.Names.Singular
	if singular == "" {
		singular = strings.ToLower(sp.Names.Kind)
	}
	listKind := sp.Names.ListKind
	if listKind == "" {
		listKind = sp.Names.Kind + "List"
	}
	storageHash := ""
	for _, v := range sp.Versions {
		if v.Storage {
			storageHash = storageVersionHash(sp.Group, v.Name, sp.Names.Kind)
		}
	}
	var out []*resource
	for i, v := range sp.Versions {
		if !v.Served {
			continue
		}
		cv := &crdVersion{gvk: schema.GroupVersionKind{Group: sp.Group, Version: v.Name, Kind: sp.Names.Kind}, crdName: metaString(obj, "name"), storageHash: storageHash, order: order, versionIndex: i, multiVersion: len(sp.Versions) > 1, listKind: listKind, columns: v.Columns}
		if v.Schema != nil {
			cv.schema = v.Schema.OpenAPIV3Schema
		}
		for _, f := range v.SelectableFields {
			cv.selectable = append(cv.selectable, strings.TrimPrefix(f.JSONPath, "."))
		}
		r := &resource{
			gvr:        schema.GroupVersionResource{Group: sp.Group, Version: v.Name, Resource: sp.Names.Plural},
			kind:       sp.Names.Kind,
			singular:   singular,
			namespaced: sp.Scope != "Cluster",
			verbs:      map[string]bool{},
			generation: true,
			crd:        cv,
		}
		for _, vb := range []string{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"} {
			r.verbs[vb] = true
		}
		if v.Subresources != nil && v.Subresources.Status != nil {
			r.status = true
		}
		if v.Subresources != nil && v.Subresources.Scale != nil {
			sc := v.Subresources.Scale
			r.scale = &scalePaths{spec: sc.SpecReplicasPath, status: sc.StatusReplicasPath, selector: sc.LabelSelectorPath}
		}
		r.agg = crdAggResource(r, sp.Names.ShortNames, sp.Names.Categories)
		out = append(out, r)
	}
	return out, nil
}

func crdAggResource(r *resource, short, cats []string) aggResource {
	scope := "Namespaced"
	if !r.namespaced {
		scope = "Cluster"
	}
	ar := aggResource{
		Resource: r.gvr.Resource, ResponseKind: &aggKind{Group: r.gvr.Group, Version: r.gvr.Version, Kind: r.kind},
		Scope: scope, SingularResource: r.singular, ShortNames: short, Categories: cats,
		Verbs: []string{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"},
	}
	if r.status {
		ar.Subresources = append(ar.Subresources, aggSubresour{Subresource: "status", ResponseKind: ar.ResponseKind, Verbs: []string{"get", "patch", "update"}})
	}
	if r.scale != nil {
		ar.Subresources = append(ar.Subresources, aggSubresour{Subresource: "scale", ResponseKind: &aggKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, Verbs: []string{"get", "patch", "update"}})
	}
	return ar
}

// typeConverter builds the CRD version's structured-merge-diff types: its
// schema plus ObjectMeta from the recorded built-in models.
func (cv *crdVersion) typeConverter(s *Surface) (managedfields.TypeConverter, error) {
	cv.tcOnce.Do(func() {
		if cv.schema == nil {
			cv.tc = managedfields.NewDeducedTypeConverter()
			return
		}
		root, models := cv.schemaWithMeta(s)
		_ = root
		cv.tc, cv.tcErr = managedfields.NewTypeConverter(models, false)
		if cv.tcErr != nil {
			cv.tc, cv.tcErr = managedfields.NewDeducedTypeConverter(), nil
		}
	})
	return cv.tc, cv.tcErr
}

// storageVersionHash is kube-apiserver's discovery storageVersionHash: the
// first 8 bytes of sha256("group/version/kind") of the storage version,
// base64.
func storageVersionHash(group, version, kind string) string {
	sum := sha256.Sum256([]byte(group + "/" + version + "/" + kind))
	return base64.StdEncoding.EncodeToString(sum[:8])
}
