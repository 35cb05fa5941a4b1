package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	yamlv3 "go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
	kunstructured "github.com/kubedyn/kubedyn/unstructured"
)

// unowned marks a line no field manager owns.
const unowned = "(no manager)"

func newBlameCommand(s *session) *cobra.Command {
	return &cobra.Command{
		Use:   "blame RESOURCE NAME | TYPE/NAME",
		Short: "Show an object's YAML with the field manager that owns each line",
		Long: `Print one object as YAML (as kdyn get -o yaml), each line prefixed with the
field manager that owns that field, the operation it used (Apply for
server-side apply, Update for any other write) and when it last changed its
fields, from metadata.managedFields. Lines no manager owns (fields the
server sets, containers nobody created) are marked ` + unowned + `.`,
		Example: `  kdyn blame deployment web
  kdyn blame widgets.example.com/w1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := parseResourceArgs(args)
			if err != nil {
				return err
			}
			if len(ra.Names)+len(ra.Pairs) != 1 {
				return errors.New("blame needs exactly one object: RESOURCE NAME or TYPE/NAME")
			}
			if err := s.connect(); err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			targets, err := s.resolveTargets(ctx, ra)
			if err != nil {
				return err
			}
			return runBlame(ctx, s, targets[0])
		},
	}
}

func runBlame(ctx context.Context, s *session, tg target) error {
	obj, err := s.handle(tg.mapping, s.namespace).Get(ctx, tg.name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	lines, err := blameLines(obj)
	if err != nil {
		return err
	}
	return writeBlame(s.out, lines)
}

// blameLine is one line of YAML and the managers owning its field.
type blameLine struct {
	text   string
	owners []kunstructured.FieldManager
}

// blameLines renders obj (without its managedFields) as YAML and finds the
// owners of the field each line shows.
func blameLines(obj *unstructured.Unstructured) ([]blameLine, error) {
	mf, err := kunstructured.NewManagedFields(obj.Object)
	if err != nil {
		return nil, err
	}
	clean := printer.WithoutManagedFields(obj)
	var buf bytes.Buffer
	if err := printer.YAML(&buf, clean); err != nil {
		return nil, err
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(buf.Bytes(), &doc); err != nil {
		return nil, fmt.Errorf("read back the YAML of %s: %w", obj.GetName(), err)
	}
	text := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	paths := make([]fieldpath.Path, len(text)+1) // by 1-based line
	set := make([]bool, len(text)+1)
	if len(doc.Content) == 1 {
		w := &pathWalker{mf: mf, paths: paths, set: set}
		w.walk(doc.Content[0], clean.Object, nil)
	}
	out := make([]blameLine, len(text))
	var last fieldpath.Path
	for i, t := range text {
		if set[i+1] {
			last = paths[i+1]
		}
		out[i] = blameLine{text: t}
		if last != nil {
			out[i].owners = mf.Owners(last)
		}
	}
	return out, nil
}

// pathWalker records, for each line, the field path of the deepest YAML
// node that starts on it.
type pathWalker struct {
	mf    *kunstructured.ManagedFields
	paths []fieldpath.Path
	set   []bool
}

func (w *pathWalker) mark(line int, p fieldpath.Path) {
	if line > 0 && line < len(w.paths) {
		w.paths[line] = append(fieldpath.Path{}, p...)
		w.set[line] = true
	}
}

// walk descends node n, which shows value v, at path p.
func (w *pathWalker) walk(n *yamlv3.Node, v any, p fieldpath.Path) {
	switch n.Kind {
	case yamlv3.MappingNode:
		m, _ := v.(map[string]any)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			cp := append(append(fieldpath.Path{}, p...), fieldpath.FieldNameElement(k))
			w.mark(n.Content[i].Line, cp)
			w.walk(n.Content[i+1], m[k], cp)
		}
	case yamlv3.SequenceNode:
		list, _ := v.([]any)
		for i, item := range n.Content {
			var iv any
			if i < len(list) {
				iv = list[i]
			}
			cp := append(append(fieldpath.Path{}, p...), w.mf.ItemElement(p, i, iv))
			w.mark(item.Line, cp)
			w.walk(item, iv, cp)
		}
	}
}

// writeBlame prints each line after its owners, the operation and the
// time, in aligned columns.
func writeBlame(w io.Writer, lines []blameLine) error {
	who := make([]string, len(lines))
	width := len(unowned)
	for i, l := range lines {
		who[i] = ownerNames(l.owners)
		width = max(width, len(who[i]))
	}
	var b strings.Builder
	for i, l := range lines {
		op, when := "", ""
		if len(l.owners) > 0 {
			op, when = ownerOperation(l.owners), ownerTime(l.owners)
		}
		fmt.Fprintf(&b, "%-*s  %-6s  %-20s  %s\n", width, who[i], op, when, l.text)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ownerNames joins the managers' names ("a,b"), or marks none.
func ownerNames(owners []kunstructured.FieldManager) string {
	if len(owners) == 0 {
		return unowned
	}
	names := make([]string, len(owners))
	for i, o := range owners {
		names[i] = o.Manager
		if o.Subresource != "" {
			names[i] += "(" + o.Subresource + ")"
		}
	}
	return strings.Join(names, ",")
}

// ownerOperation is the owners' operation, or "Mixed" when a field is
// shared between an apply and an update.
func ownerOperation(owners []kunstructured.FieldManager) string {
	op := owners[0].Operation
	for _, o := range owners[1:] {
		if o.Operation != op {
			return "Mixed"
		}
	}
	return op
}

// ownerTime is the latest time among the owners, in UTC, RFC 3339.
func ownerTime(owners []kunstructured.FieldManager) string {
	var t time.Time
	for _, o := range owners {
		if o.Time.After(t) {
			t = o.Time
		}
	}
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
