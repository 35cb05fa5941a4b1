package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
)

func newAPIResourcesCommand(s *session) *cobra.Command {
	var (
		f         printer.ResourceFilter
		output    string
		noHeaders bool
	)
	cmd := &cobra.Command{
		Use:   "api-resources",
		Short: "Print the supported API resources on the server",
		Example: `  kdyn api-resources
  kdyn api-resources -o wide --sort-by=name
  kdyn api-resources --namespaced=false --api-group=rbac.authorization.k8s.io
  kdyn api-resources --verbs=list,get`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.GroupSet = cmd.Flags().Changed("api-group")
			f.NamespacedSet = cmd.Flags().Changed("namespaced")
			if err := printer.ValidateSortBy(f.SortBy); err != nil {
				return err
			}
			if _, err := printer.APIResourceRows(nil, output, true); err != nil {
				return err
			}
			return runAPIResources(s, cmd, f, output, noHeaders)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&output, "output", "o", "", "Output format. One of: (wide, name).")
	fl.BoolVar(&noHeaders, "no-headers", false, "When using the default or wide output format, don't print headers.")
	fl.StringVar(&f.APIGroup, "api-group", "", "Limit to resources in the specified API group.")
	fl.BoolVar(&f.Namespaced, "namespaced", true, "If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.")
	fl.StringSliceVar(&f.Verbs, "verbs", nil, "Limit to resources that support the specified verbs.")
	fl.StringSliceVar(&f.Categories, "categories", nil, "Limit to resources that belong to the specified categories.")
	fl.StringVar(&f.SortBy, "sort-by", "", "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'.")
	return cmd
}

func runAPIResources(s *session, cmd *cobra.Command, f printer.ResourceFilter, output string, noHeaders bool) error {
	if err := s.connect(); err != nil {
		return err
	}
	lists, err := s.disc.ServerPreferredResources(cmdContext(cmd))
	var partial *discovery.PartialError
	if err != nil && !errors.As(err, &partial) {
		return fmt.Errorf("discover the API resources of %s: %w", s.cfg.Host, err)
	}
	lists = slices.DeleteFunc(lists, func(l *metav1.APIResourceList) bool { return len(l.APIResources) == 0 })
	if len(lists) > 0 {
		rows, err := printer.APIResourceRows(printer.APIResources(lists, f), output, noHeaders)
		if err != nil {
			return err
		}
		if err := writeRows(s.out, rows); err != nil {
			return err
		}
	}
	if partial == nil {
		return nil
	}
	warnPartial(s, partial)
	if len(lists) == 0 {
		return fmt.Errorf("discover the API resources of %s: every group-version failed", s.cfg.Host)
	}
	return nil
}

// warnPartial names each group-version discovery could not read, on stderr.
func warnPartial(s *session, partial *discovery.PartialError) {
	gvs := slices.SortedFunc(maps.Keys(partial.Failed), func(a, b schema.GroupVersion) int {
		return strings.Compare(a.String(), b.String())
	})
	for _, gv := range gvs {
		fmt.Fprintf(s.errOut, "Warning: could not discover the resources of %s: %s\n", gv, oneLine(partial.Failed[gv].Error()))
	}
}

func newAPIVersionsCommand(s *session) *cobra.Command {
	return &cobra.Command{
		Use:   "api-versions",
		Short: "Print the supported API versions on the server, in the form of \"group/version\"",
		Long: `Print the supported API versions on the server, in the form of
"group/version". As kubectl, a group-version that aggregated discovery
reports Stale (its APIService's backend does not answer) is left out, and
named on stderr; with legacy discovery it is listed (the server lists it).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.connect(); err != nil {
				return err
			}
			return runAPIVersions(cmdContext(cmd), s)
		},
	}
}

// runAPIVersions prints every group-version the server lists but those
// aggregated discovery reports Stale, and warns about each failure.
func runAPIVersions(ctx context.Context, s *session) error {
	groups, _, err := s.disc.ServerGroupsAndResources(ctx)
	var partial *discovery.PartialError
	if err != nil && !errors.As(err, &partial) {
		return fmt.Errorf("couldn't get available api versions from server: %w", err)
	}
	var versions []string
	for _, g := range groups {
		for _, v := range g.Versions {
			gv, perr := schema.ParseGroupVersion(v.GroupVersion)
			var stale *discovery.StaleError
			if perr == nil && partial != nil && errors.As(partial.Failed[gv], &stale) {
				continue
			}
			versions = append(versions, v.GroupVersion)
		}
	}
	sort.Strings(versions)
	for _, v := range versions {
		fmt.Fprintln(s.out, v)
	}
	if partial != nil {
		warnPartial(s, partial)
	}
	return nil
}

// noArgs refuses positional arguments with kubectl's message.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) != 0 {
		return fmt.Errorf("unexpected arguments: %v\nSee '%s -h' for help and examples", args, cmd.CommandPath())
	}
	return nil
}
