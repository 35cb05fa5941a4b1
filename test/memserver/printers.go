package memserver

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// builtinPrinter is a built-in resource's server-side Table printer (the
// few kube-apiserver printers memserver copies; the rest print NAME and
// AGE).
type builtinPrinter struct {
	columns []printerColumn
	// cells computes the columns after Name, before Age.
	cells func(obj object) []any
}

// builtinPrinters are keyed by group-resource; column descriptions come
// from the recorded schema (the printers use the types' swagger docs).
var builtinPrinters = map[schema.GroupResource]builtinPrinter{
	{Resource: "configmaps"}: {
		columns: []printerColumn{{Name: "Data", Type: "string", JSONPath: "data"}},
		cells:   func(o object) []any { return []any{int64(mapLen(o["data"]) + mapLen(o["binaryData"]))} },
	},
	{Resource: "secrets"}: {
		columns: []printerColumn{{Name: "Type", Type: "string", JSONPath: "type"}, {Name: "Data", Type: "string", JSONPath: "data"}},
		cells:   func(o object) []any { t, _ := o["type"].(string); return []any{t, int64(mapLen(o["data"]))} },
	},
	{Resource: "namespaces"}: {
		columns: []printerColumn{{Name: "Status", Type: "string", Description: "The status of the namespace"}},
		cells: func(o object) []any {
			st, _ := o["status"].(object)
			p, _ := st["phase"].(string)
			return []any{p}
		},
	},
}

func mapLen(v any) int {
	m, _ := v.(object)
	return len(m)
}

// builtinColumns are the Table columns of a built-in resource: Name, the
// printer's columns, Age (type string, as built-in printers declare it).
func (c *call) builtinColumns() ([]printerColumn, func(object) []any) {
	root, models := c.s.kindSchema(c.res)
	meta := models[objectMetaModel]
	cols := []printerColumn{{Name: "Name", Type: "string", Format: "name", Description: propDescription(meta, "name", nameDescription)}}
	p, ok := builtinPrinters[c.res.groupResource()]
	if ok {
		for _, col := range p.columns {
			if col.Description == "" {
				col.Description = propDescription(root, col.JSONPath, "")
			}
			col.JSONPath = ""
			cols = append(cols, col)
		}
	}
	cols = append(cols, printerColumn{Name: "Age", Type: "string", Description: propDescription(meta, "creationTimestamp", ""), JSONPath: ".metadata.creationTimestamp"})
	return cols, p.cells
}

func propDescription(s *spec.Schema, prop, def string) string {
	if s == nil {
		return def
	}
	if p, ok := s.Properties[prop]; ok && p.Description != "" {
		return p.Description
	}
	return def
}
