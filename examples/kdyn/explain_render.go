package main

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery/explain"
	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
)

// explainHeader is kubectl explain's GROUP, KIND and VERSION lines.
func explainHeader(gvk schema.GroupVersionKind) string {
	var b strings.Builder
	if gvk.Group != "" {
		fmt.Fprintf(&b, "GROUP:      %s\n", gvk.Group)
	}
	fmt.Fprintf(&b, "KIND:       %s\nVERSION:    %s\n\n", gvk.Kind, gvk.Version)
	return b.String()
}

// renderExplain prints f as kubectl explain's plaintext template: the
// FIELD line (for a field path), DESCRIPTION, EXTERNAL DOCS and FIELDS.
func renderExplain(f *explain.Field, isField, recursive bool, maxDepth int) string {
	var b strings.Builder
	if isField {
		fmt.Fprintf(&b, "FIELD: %s <%s>\n%s\n\n", f.Name, f.Type, enumLong(f.Enum))
	}
	desc := f.Description
	if desc == "" {
		desc = "<empty>"
	}
	b.WriteString("DESCRIPTION:\n" + printer.Indent(4, printer.Wrap(desc, 76)) + "\n")
	if d := f.ExternalDocs; d != nil {
		b.WriteString("\nEXTERNAL DOCS:\n")
		if d.Description != "" {
			b.WriteString(printer.Indent(4, printer.Wrap(d.Description, 76)) + "\n")
		}
		if d.URL != "" {
			b.WriteString(printer.Indent(4, "URL: "+d.URL) + "\n")
		}
	}
	var list strings.Builder
	fieldList(&list, f.Fields(), 1, recursive, maxDepth)
	if list.Len() > 0 {
		b.WriteString("FIELDS:\n" + list.String())
	}
	return b.String()
}

// fieldList writes one level of fields, and with recursive their fields.
func fieldList(b *strings.Builder, fields []*explain.Field, level int, recursive bool, maxDepth int) {
	for _, c := range fields {
		fieldDetail(b, c, level, recursive)
		if recursive && (maxDepth == 0 || level < maxDepth) {
			fieldList(b, c.Fields(), level+1, recursive, maxDepth)
		}
	}
}

// fieldDetail writes one field: its line, and unless short its
// description and external docs.
func fieldDetail(b *strings.Builder, f *explain.Field, level int, short bool) {
	ind := level * 2
	fmt.Fprintf(b, "%s\t<%s>", printer.Indent(ind, f.Name), f.Type)
	if f.Required {
		b.WriteString(" -required-")
	}
	b.WriteString(enumShort(f.Enum, ind) + "\n")
	if short {
		return
	}
	desc := f.Description
	if desc == "" {
		desc = "<no description>"
	}
	b.WriteString(printer.Indent(ind+2, printer.Wrap(desc, 78-ind)) + "\n")
	if d := f.ExternalDocs; d != nil {
		b.WriteString("\n" + printer.Indent(ind+2, "EXTERNAL DOCS:") + "\n")
		if d.Description != "" {
			b.WriteString(printer.Indent(ind+4, printer.Wrap(d.Description, 76-ind)) + "\n")
		}
		if d.URL != "" {
			b.WriteString(printer.Indent(ind+4, "URL: "+d.URL) + "\n")
		}
	}
	b.WriteString("\n")
}

// enumLong is the FIELD view's "ENUM:" with one value a line.
func enumLong(enum []any) string {
	if len(enum) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("ENUM:")
	for _, e := range enum {
		b.WriteString("\n    " + enumValue(e))
	}
	return b.String()
}

// enumShort is a field line's "enum:" with at most four values.
func enumShort(enum []any, indent int) string {
	if len(enum) == 0 {
		return ""
	}
	vals := make([]string, 0, 5)
	for i, e := range enum {
		if i >= 4 {
			vals = append(vals, "....")
			break
		}
		vals = append(vals, enumValue(e))
	}
	return "\n" + strings.Repeat(" ", indent) + "enum: " + strings.Join(vals, ", ")
}

// enumValue prints a value as Go's templates do, with "" for the empty
// string.
func enumValue(v any) string {
	if s, ok := v.(string); ok && s == "" {
		return `""`
	}
	return fmt.Sprint(v)
}
