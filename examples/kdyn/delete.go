package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
)

// parseCascade maps --cascade to a propagation policy, with kubectl's
// message for a bad value.
func parseCascade(v string) (metav1.DeletionPropagation, error) {
	switch v {
	case "background":
		return metav1.DeletePropagationBackground, nil
	case "foreground":
		return metav1.DeletePropagationForeground, nil
	case "orphan":
		return metav1.DeletePropagationOrphan, nil
	}
	return "", fmt.Errorf(`invalid cascade value (%v). Must be "background", "foreground", or "orphan"`, v)
}

func newDeleteCommand(s *session) *cobra.Command {
	var (
		selector, cascade string
		allNamespaces     bool
		dryRun            string
	)
	cmd := &cobra.Command{
		Use:   "delete RESOURCE NAME... | RESOURCE -l SELECTOR | TYPE/NAME...",
		Short: "Delete resources by name or label selector",
		Long: `Delete resources by name or label selector, with the propagation policy of
--cascade (background, the default; foreground; orphan). Unlike kubectl,
kdyn does not wait for the objects to be gone.`,
		Example: `  kdyn delete configmap c1 c2
  kdyn delete widgets.example.com -l tier=test --cascade=foreground`,
		RunE: func(cmd *cobra.Command, args []string) error {
			policy, err := parseCascade(cascade)
			if err != nil {
				return err
			}
			serverDry, err := parseDryRun(dryRun)
			if err != nil {
				return err
			}
			ra, err := parseResourceArgs(args)
			if err != nil {
				return err
			}
			if err := validateSelector("label selector (-l)", selector, labelSelector); err != nil {
				return err
			}
			named := ra.named()
			if named == (selector != "") {
				return errors.New("resource(s) were provided, but no name or label selector was specified")
			}
			if err := s.connect(); err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			targets, err := s.resolveTargets(ctx, ra)
			if err != nil {
				return err
			}
			opts := metav1.DeleteOptions{PropagationPolicy: &policy}
			if serverDry {
				opts.DryRun = []string{metav1.DryRunAll}
			}
			ns := s.namespace
			if allNamespaces {
				ns = ""
			}
			return runDelete(ctx, s, targets, ns, selector, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&selector, "selector", "l", "", "Selector (label query) to filter on.")
	f.StringVar(&cascade, "cascade", "background", `"background", "foreground" or "orphan": the deletion propagation policy.`)
	f.Lookup("cascade").NoOptDefVal = "background"
	f.BoolVarP(&allNamespaces, "all-namespaces", "A", false, "With -l, delete the selected objects in all namespaces.")
	f.StringVar(&dryRun, "dry-run", "none", `"none" or "server": with "server", the server only checks the deletion.`)
	return cmd
}

// runDelete deletes each named object, or each object the selector lists,
// going on after a failure, and prints kubectl's line for each.
func runDelete(ctx context.Context, s *session, targets []target, ns, selector string, opts metav1.DeleteOptions) error {
	var errs []error
	found := 0
	serverDry := len(opts.DryRun) > 0
	del := func(tg target, namespace, name string) {
		h := s.handle(tg.mapping, namespace)
		if err := s.writes.Delete(ctx, h, name, opts); err != nil {
			errs = append(errs, err)
			return
		}
		objNS := ""
		if namespaced(tg.mapping) {
			objNS = namespace
		}
		fmt.Fprintln(s.out, printer.Deleted(tg.mapping.GroupVersionKind.GroupKind(), name, objNS, serverDry))
	}
	for _, tg := range targets {
		if !tg.collection {
			found++
			del(tg, s.namespace, tg.name)
			continue
		}
		h := s.handle(tg.mapping, ns)
		for obj, err := range h.Items(ctx, metav1.ListOptions{LabelSelector: selector, Limit: listChunk}) {
			if err != nil {
				errs = append(errs, err)
				break
			}
			found++
			del(tg, obj.GetNamespace(), obj.GetName())
		}
	}
	if found == 0 && len(errs) == 0 {
		fmt.Fprintln(s.out, "No resources found")
	}
	return reportErrors(s, errs)
}

// parseDryRun reads --dry-run: "none" (or "") and "server"; kdyn has no
// client-side dry run.
func parseDryRun(v string) (bool, error) {
	switch v {
	case "", "none":
		return false, nil
	case "server":
		return true, nil
	}
	return false, fmt.Errorf(`invalid dry-run value (%v). Must be "none" or "server"`, v)
}
