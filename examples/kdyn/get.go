package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
)

// listChunk is kubectl's page size for lists (--chunk-size).
const listChunk = 500

type getFlags struct {
	allNamespaces bool
	selector      string
	fieldSelector string
	output        string
	watch         bool
	noHeaders     bool
}

func newGetCommand(s *session) *cobra.Command {
	var o getFlags
	cmd := &cobra.Command{
		Use:   "get RESOURCE[,RESOURCE...] [NAME...] | TYPE/NAME...",
		Short: "Display one or many resources",
		Long: `Display one or many resources, with the server's own columns (server-side
Table), as kubectl get does. RESOURCE is any form kubectl accepts: plural,
singular or short name, optionally with a version and group ("deploy",
"deployments.v1.apps", "widgets.example.com"), or a category ("all").`,
		Example: `  kdyn get pods
  kdyn get deploy,svc -A
  kdyn get widgets.example.com w1 -o yaml
  kdyn get configmaps -l app=web -o name
  kdyn get widgets -w`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch o.output {
			case "", "wide", "json", "yaml", "name":
			default:
				return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: json,name,wide,yaml", o.output)
			}
			ra, err := parseResourceArgs(args)
			if err != nil {
				return err
			}
			if err := o.validateSelectors(); err != nil {
				return err
			}
			if o.allNamespaces && ra.named() {
				return errors.New("a resource cannot be retrieved by name across all namespaces")
			}
			if err := s.connect(); err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			targets, err := s.resolveTargets(ctx, ra)
			if err != nil {
				return err
			}
			if o.watch {
				return runWatch(ctx, s, o, targets)
			}
			if o.output == "" || o.output == "wide" {
				return getTables(ctx, s, o, targets)
			}
			return getObjects(ctx, s, o, targets)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "List the requested objects across all namespaces.")
	f.StringVarP(&o.selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
	f.StringVar(&o.fieldSelector, "field-selector", "", "Selector (field query) to filter on, supports '=', '==', and '!='.")
	f.StringVarP(&o.output, "output", "o", "", "Output format. One of: (json, yaml, name, wide).")
	f.BoolVarP(&o.watch, "watch", "w", false, "After listing/getting the requested object, watch for changes (resumed across dropped connections).")
	f.BoolVar(&o.noHeaders, "no-headers", false, "When using the default or wide output format, don't print headers.")
	return cmd
}

// validateSelectors refuses a blank or malformed -l or --field-selector.
func (o getFlags) validateSelectors() error {
	if err := validateSelector("label selector (-l)", o.selector, labelSelector); err != nil {
		return err
	}
	return validateSelector("field selector (--field-selector)", o.fieldSelector, fieldSelector)
}

func (o getFlags) listOptions() metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: o.selector, FieldSelector: o.fieldSelector, Limit: listChunk}
}

// requestNamespace is where namespaced requests go: all namespaces with -A.
func (o getFlags) requestNamespace(s *session) string {
	if o.allNamespaces {
		return ""
	}
	return s.namespace
}

// tableInfo is one server-side Table and the resource it is of.
type tableInfo struct {
	mapping *meta.RESTMapping
	table   *metav1.Table
}

// getTables prints the server's Tables as kubectl get does.
func getTables(ctx context.Context, s *session, o getFlags, targets []target) error {
	var infos []tableInfo
	var errs []error
	prog := s.progress()
	for _, tg := range targets {
		h := s.handle(tg.mapping, o.requestNamespace(s))
		if !tg.collection {
			t, err := h.GetTable(ctx, tg.name, metav1.GetOptions{}, metav1.TableOptions{})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			infos = append(infos, tableInfo{tg.mapping, t})
			continue
		}
		lo := o.listOptions()
		rows := 0
		for {
			t, err := h.ListTable(ctx, lo, metav1.TableOptions{})
			if err != nil {
				errs = append(errs, err)
				break
			}
			infos = append(infos, tableInfo{tg.mapping, t})
			rows += len(t.Rows)
			if t.Continue == "" {
				break
			}
			lo.Continue = t.Continue
			prog.Printf("listed %d %s...", rows, tg.mapping.Resource.Resource)
		}
	}
	prog.Done()
	written, err := printTables(s.out, infos, o)
	if err != nil {
		return err
	}
	if written == 0 && len(errs) == 0 {
		allNamespaced := !o.allNamespaces
		for _, in := range infos {
			allNamespaced = allNamespaced && namespaced(in.mapping)
		}
		if allNamespaced {
			fmt.Fprintf(s.errOut, "No resources found in %s namespace.\n", s.namespace)
		} else {
			fmt.Fprintln(s.errOut, "No resources found")
		}
	}
	return reportErrors(s, errs)
}

// printTables writes the tables of infos as kubectl does: one aligned block
// per run of tables of the same resource, a blank line between blocks, names
// prefixed by their kind when several kinds are printed. It returns how many
// blocks it wrote.
func printTables(w io.Writer, infos []tableInfo, o getFlags) (int, error) {
	withKind := false
	for _, in := range infos {
		if in.mapping.GroupVersionKind != infos[0].mapping.GroupVersionKind {
			withKind = true
		}
	}
	var (
		al        printer.Aligner
		tp        *printer.TablePrinter
		last      *meta.RESTMapping
		buf       [][]string
		written   int
		separator bool
	)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		if separator {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
			separator = false
		}
		written++
		err := al.Write(w, buf)
		buf = nil
		return err
	}
	for _, in := range infos {
		if tp == nil || last.Resource != in.mapping.Resource {
			if err := flush(); err != nil {
				return written, err
			}
			al.Reset()
			if last != nil && !o.noHeaders && written > 0 {
				separator = true
			}
			opts := printer.TableOptions{
				Wide:          o.output == "wide",
				NoHeaders:     o.noHeaders,
				WithNamespace: o.allNamespaces && namespaced(in.mapping),
			}
			if withKind {
				opts.Kind = in.mapping.GroupVersionKind.GroupKind()
			}
			tp = &printer.TablePrinter{Options: opts}
			last = in.mapping
		}
		buf = append(buf, tp.Rows(in.table)...)
	}
	return written, flush()
}

// getObjects prints objects with -o json, yaml or name: the bare object for
// a single name, else a List of every object.
func getObjects(ctx context.Context, s *session, o getFlags, targets []target) error {
	var items []unstructured.Unstructured
	var errs []error
	prog := s.progress()
	for _, tg := range targets {
		h := s.handle(tg.mapping, o.requestNamespace(s))
		if !tg.collection {
			obj, err := h.Get(ctx, tg.name, metav1.GetOptions{})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			items = append(items, *obj)
			continue
		}
		for obj, err := range h.Items(ctx, o.listOptions()) {
			if err != nil {
				errs = append(errs, err)
				break
			}
			items = append(items, *obj)
			if len(items)%listChunk == 0 {
				prog.Printf("listed %d objects...", len(items))
			}
		}
	}
	prog.Done()
	single := len(targets) == 1 && !targets[0].collection
	if single && len(errs) > 0 {
		return errs[0]
	}
	if err := printObjects(s.out, items, o.output, single); err != nil {
		return err
	}
	return reportErrors(s, errs)
}

// printObjects writes items as kubectl get -o json|yaml|name does.
func printObjects(w io.Writer, items []unstructured.Unstructured, output string, single bool) error {
	if output == "name" {
		for i := range items {
			gk := schema.FromAPIVersionAndKind(items[i].GetAPIVersion(), items[i].GetKind()).GroupKind()
			if _, err := fmt.Fprintln(w, printer.ObjectName(gk, items[i].GetName())); err != nil {
				return err
			}
		}
		return nil
	}
	var v any
	if single && len(items) == 1 {
		v = printer.WithoutManagedFields(&items[0])
	} else {
		clean := make([]unstructured.Unstructured, len(items))
		for i := range items {
			clean[i] = *printer.WithoutManagedFields(&items[i])
		}
		v = printer.List(clean)
	}
	if output == "yaml" {
		return printer.YAML(w, v)
	}
	return printer.JSON(w, v)
}

// reportErrors prints each error on its own line and fails the command
// when there was any, after the output that did succeed.
func reportErrors(s *session, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for _, err := range errs {
		fmt.Fprintln(s.errOut, errorLine(err))
	}
	return &exitError{code: 1, silent: true}
}

// writeRows writes rows aligned as kubectl's tab writer.
func writeRows(w io.Writer, rows [][]string) error {
	_, err := io.WriteString(w, printer.Align(rows))
	return err
}
