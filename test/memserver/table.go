package memserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// wantsTable says whether the Accept header asks for a meta.k8s.io Table.
func wantsTable(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if strings.Contains(part, "as=Table") {
			return true
		}
	}
	return false
}

const nameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"

// columns are the Table columns of the call's resource: NAME, then a
// CRD's printer columns (AGE when it has none), or NAME and AGE.
func (c *call) columns() []printerColumn {
	cols := []printerColumn{{Name: "Name", Type: "string", Format: "name", Description: nameDescription}}
	if c.res.crd != nil && len(c.res.crd.columns) > 0 {
		for _, col := range c.res.crd.columns {
			if col.Description == "" {
				col.Description = "Custom resource definition column (in JSONPath format): " + col.JSONPath
			}
			cols = append(cols, col)
		}
		return cols
	}
	return append(cols, printerColumn{Name: "Age", Type: "date", Description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", JSONPath: ".metadata.creationTimestamp"})
}

// table builds a Table of raw objects.
func (c *call) table(items [][]byte, rv uint64, cont string) metav1.Table {
	cols := c.columns()
	var cells func(object) []any
	if c.res.crd == nil {
		cols, cells = c.builtinColumns()
	}
	t := metav1.Table{TypeMeta: metav1.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"}}
	t.ResourceVersion = strconv.FormatUint(rv, 10)
	t.Continue = cont
	for _, col := range cols {
		t.ColumnDefinitions = append(t.ColumnDefinitions, metav1.TableColumnDefinition{Name: col.Name, Type: col.Type, Format: col.Format, Description: col.Description, Priority: col.Priority})
	}
	include := c.q.Get("includeObject")
	t.Rows = []metav1.TableRow{}
	for _, raw := range items {
		obj := mustDecode(raw)
		row := metav1.TableRow{Cells: []any{metaString(obj, "name")}}
		if cells != nil {
			row.Cells = append(row.Cells, cells(obj)...)
		}
		for _, col := range cols[len(row.Cells):] {
			row.Cells = append(row.Cells, c.cell(obj, col))
		}
		switch include {
		case "None":
		case "Object":
			row.Object.Raw = raw
		default:
			pm, _ := json.Marshal(map[string]any{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]})
			row.Object.Raw = pm
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// cell evaluates one column of obj; dates become ages.
func (c *call) cell(obj object, col printerColumn) any {
	v := lookupPath(obj, col.JSONPath)
	if v == nil {
		return nil
	}
	if col.Type == "date" || col.JSONPath == ".metadata.creationTimestamp" {
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return "<invalid>"
		}
		return duration.HumanDuration(c.s.opts.Clock.Now().Sub(t))
	}
	return v
}

// lookupPath evaluates a simple JSONPath (.a.b, {.a.b}).
func lookupPath(obj object, p string) any {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "{"), "}")
	var cur any = obj
	for _, seg := range strings.Split(strings.TrimPrefix(p, "."), ".") {
		m, ok := cur.(object)
		if !ok {
			return nil
		}
		cur = m[seg]
	}
	return cur
}

// respondTable writes a list as a Table.
func (c *call) respondTable(res *listResult) error {
	c.flushWarnings()
	writeJSON(c.w, http.StatusOK, c.table(res.items, res.rv, res.cont))
	return nil
}

// tableEvent is a watch event's object as a one-row Table.
func (c *call) tableEvent(raw []byte, noHeaders bool) []byte {
	t := c.table([][]byte{raw}, rvOf(raw), "")
	if noHeaders {
		t.ColumnDefinitions = nil
	}
	b, _ := json.Marshal(t)
	return b
}
