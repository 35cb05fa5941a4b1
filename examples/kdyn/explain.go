package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery/explain"
)

type explainFlags struct {
	recursive  bool
	apiVersion string
	maxDepth   int
	output     string
}

func newExplainCommand(s *session) *cobra.Command {
	var o explainFlags
	cmd := &cobra.Command{
		Use:   "explain RESOURCE[.FIELD...] [--recursive] [--api-version=GROUP/VERSION]",
		Short: "Describe the fields of a resource, from the server's OpenAPI v3 schema",
		Long: `Describe a resource or one of its fields, from the server's OpenAPI v3
document of the resource's group-version (cached by its hash), for built-in
resources and custom resources alike, as kubectl explain prints it. The
lookup itself is the library's discovery/explain package.`,
		Example: `  kdyn explain pods
  kdyn explain deployments.spec.template.spec.containers
  kdyn explain widgets.example.com.spec --recursive
  kdyn explain hpa --api-version=autoscaling/v1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("You must specify the type of resource to explain. Use \"kdyn api-resources\" for a complete list of supported resources.")
			}
			if len(args) > 1 {
				return errors.New("We accept only this format: explain RESOURCE")
			}
			if o.maxDepth > 0 && !o.recursive {
				return errors.New("--max-depth requires --recursive")
			}
			if o.maxDepth < 0 {
				return errors.New("--max-depth must be non-negative")
			}
			if o.output != "plaintext" {
				return fmt.Errorf("unrecognized format: %s", o.output)
			}
			if err := s.connect(); err != nil {
				return err
			}
			return runExplain(cmdContext(cmd), s, args[0], o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.recursive, "recursive", "R", false, "Print the fields of fields. Use --max-depth to cap the recursion depth.")
	f.StringVar(&o.apiVersion, "api-version", "", "Get different explanations for particular API version (API group/version)")
	f.IntVar(&o.maxDepth, "max-depth", 0, "Maximum recursion depth when printing nested fields with --recursive. 0 means no limit. Requires --recursive when greater than 0.")
	f.StringVarP(&o.output, "output", "o", "plaintext", "Format in which to render the schema (plaintext)")
	return cmd
}

// runExplain looks the resource and field path up and prints them.
func runExplain(ctx context.Context, s *session, arg string, o explainFlags) error {
	gvr, path, err := s.explainTarget(ctx, arg, o.apiVersion)
	if meta.IsNoMatchError(err) {
		// kubectl prints this one without its "error: ".
		fmt.Fprintln(s.errOut, oneLine(err.Error()))
		return &exitError{code: 1, silent: true}
	}
	if err != nil {
		return err
	}
	if o.apiVersion != "" {
		gv, err := schema.ParseGroupVersion(o.apiVersion)
		if err != nil {
			return err
		}
		gvr.Group, gvr.Version = gv.Group, gv.Version
	}
	docPath := "apis/" + gvr.Group + "/" + gvr.Version
	if gvr.Group == "" {
		docPath = "api/" + gvr.Version
	}
	data, err := s.disc.OpenAPIV3Schema(ctx, docPath)
	if err != nil {
		if paths, perr := s.disc.OpenAPIV3Paths(ctx); perr == nil {
			if _, ok := paths[docPath]; !ok {
				return fmt.Errorf("couldn't find resource for \"%v\"", gvr)
			}
		}
		return fmt.Errorf("failed to fetch openapi schema for %s: %w", docPath, err)
	}
	doc, err := explain.Parse(data)
	if err != nil {
		return err
	}
	gvk, err := doc.KindFor(gvr)
	if err != nil {
		return fmt.Errorf("GVR (%s) not found in OpenAPI schema", gvr)
	}
	header := explainHeader(gvk)
	f, err := doc.Lookup(gvk, path...)
	if err != nil {
		// kubectl has printed the header when it finds the field missing.
		fmt.Fprint(s.out, header)
		var nf *explain.FieldNotFoundError
		if errors.As(err, &nf) {
			return errors.New(nf.Error())
		}
		return fmt.Errorf("GVK %s not found in OpenAPI schema", gvk)
	}
	_, err = fmt.Fprint(s.out, header+renderExplain(f, len(path) > 0, o.recursive, o.maxDepth)+"\n")
	return err
}

// explainTarget splits RESOURCE[.FIELD...] into a resource and a field
// path as kubectl explain does: without --api-version the longest
// "resource.group" prefix among the resource's matches, else the first
// match and every later element as a field.
func (s *session) explainTarget(ctx context.Context, arg, apiVersion string) (schema.GroupVersionResource, []string, error) {
	in := strings.TrimSuffix(arg, ".")
	first, _, _ := strings.Cut(in, ".")
	if first == "" || strings.TrimSpace(in) == "" {
		return schema.GroupVersionResource{}, nil, fmt.Errorf("invalid resource %q", arg)
	}
	rm := s.mapper.WithContext(ctx)
	gvrs, err := rm.ResourcesFor(schema.GroupVersionResource{Resource: first})
	if meta.IsNoMatchError(err) {
		// A short name: kubectl's mapper expands it first.
		m, rerr := s.mapper.Resolve(ctx, first)
		if rerr != nil {
			return schema.GroupVersionResource{}, nil, explainMappingError(first, rerr)
		}
		gvrs, err = rm.ResourcesFor(schema.GroupVersionResource{Resource: m.Resource.Resource})
	}
	if err != nil {
		return schema.GroupVersionResource{}, nil, explainMappingError(first, err)
	}
	fields := func(rest string) ([]string, error) {
		if rest == "" {
			return nil, nil
		}
		parts := strings.Split(rest, ".")
		for _, p := range parts {
			if p == "" {
				return nil, fmt.Errorf("invalid field path %q", arg)
			}
		}
		return parts, nil
	}
	if apiVersion == "" {
		for _, g := range gvrs {
			if gr := g.GroupResource().String(); strings.HasPrefix(in, gr) {
				rest, ok := strings.CutPrefix(in[len(gr):], ".")
				if ok || rest == "" {
					p, err := fields(rest)
					return g, p, err
				}
			}
		}
	}
	_, rest, _ := strings.Cut(in, ".")
	p, err := fields(rest)
	return gvrs[0], p, err
}

// explainMappingError is mappingError, still matching meta.IsNoMatchError
// so that runExplain can print it as kubectl does.
func explainMappingError(arg string, err error) error {
	if meta.IsNoMatchError(err) {
		return &noMatch{msg: fmt.Sprintf("the server doesn't have a resource type %q", arg), err: err}
	}
	return mappingError(arg, err)
}

// noMatch is a resource lookup that matched nothing, worded as kubectl.
type noMatch struct {
	msg string
	err error
}

func (e *noMatch) Error() string { return e.msg }
func (e *noMatch) Unwrap() error { return e.err }
