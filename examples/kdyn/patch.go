package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
	"github.com/kubedyn/kubedyn/patch"
)

// patchTypes are kubectl patch's --type values.
var patchTypes = map[string]types.PatchType{
	"json":      types.JSONPatchType,
	"merge":     types.MergePatchType,
	"strategic": types.StrategicMergePatchType,
}

// readPatch returns the patch of -p or --patch-file as JSON (YAML is
// accepted, as kubectl accepts it), checked for its type.
func readPatch(typ, inline, file string) (patch.Patch, error) {
	pt, ok := patchTypes[strings.ToLower(typ)]
	if !ok {
		return patch.Patch{}, fmt.Errorf("--type must be one of [json merge strategic], not %q", typ)
	}
	if (inline == "") == (file == "") {
		return patch.Patch{}, errors.New("must specify exactly one of --patch (-p) and --patch-file")
	}
	data := []byte(inline)
	if file != "" {
		var err error
		if data, err = os.ReadFile(file); err != nil {
			return patch.Patch{}, fmt.Errorf("unable to read patch file: %w", err)
		}
	}
	js, err := utilyaml.ToJSON(data)
	if err != nil {
		return patch.Patch{}, fmt.Errorf("unable to parse %q: %w", data, err)
	}
	p, err := patch.Parse(pt, js)
	if err != nil {
		return patch.Patch{}, fmt.Errorf("invalid %s patch: %w", typ, err)
	}
	return p, nil
}

func newPatchCommand(s *session) *cobra.Command {
	var typ, inline, file, subresource, fieldManager, dryRun string
	cmd := &cobra.Command{
		Use:   "patch RESOURCE NAME | TYPE/NAME --type json|merge|strategic -p PATCH | --patch-file FILE",
		Short: "Update fields of a resource with a JSON, merge or strategic merge patch",
		Long: `Update fields of a resource. --type strategic (the default) also works on
custom resources: kubedyn applies it under the CRD's OpenAPI schema
(x-kubernetes-list-type map/set lists merge) since the server cannot.`,
		Example: `  kdyn patch widget w1 --type merge -p '{"spec":{"size":3}}'
  kdyn patch widgets.example.com w1 -p '{"spec":{"ports":[{"name":"http","port":81}]}}'
  kdyn patch deploy web --subresource scale --type merge -p '{"spec":{"replicas":2}}'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := readPatch(typ, inline, file)
			if err != nil {
				return err
			}
			if subresource != "" && subresource != "status" && subresource != "scale" {
				return fmt.Errorf("invalid subresource value: %q. Must be one of [status scale]", subresource)
			}
			serverDry, err := parseDryRun(dryRun)
			if err != nil {
				return err
			}
			ra, err := parseResourceArgs(args)
			if err != nil {
				return err
			}
			if !ra.named() {
				return errors.New("you must specify the name of the object to patch")
			}
			if err := s.connect(); err != nil {
				return err
			}
			opts := metav1.PatchOptions{FieldManager: fieldManager}
			if serverDry {
				opts.DryRun = []string{metav1.DryRunAll}
			}
			return runPatch(cmdContext(cmd), s, ra, p, opts, subresource)
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "strategic", "The type of patch being provided; one of [json merge strategic]")
	f.StringVarP(&inline, "patch", "p", "", "The patch to be applied to the resource JSON file.")
	f.StringVar(&file, "patch-file", "", "A file containing a patch to be applied to the resource.")
	f.StringVar(&subresource, "subresource", "", "If specified, patch will operate on the subresource of the requested object. Must be one of [status scale].")
	f.StringVar(&fieldManager, "field-manager", "kdyn-patch", "Name of the manager used to track field ownership.")
	f.StringVar(&dryRun, "dry-run", "none", `"none" or "server".`)
	return cmd
}

// runPatch patches each named object and prints kubectl's line for it:
// "patched", or "patched (no change)" when the object came back as it was.
func runPatch(ctx context.Context, s *session, ra resourceArgs, p patch.Patch, opts metav1.PatchOptions, subresource string) error {
	targets, err := s.resolveTargets(ctx, ra)
	if err != nil {
		return err
	}
	var sub []string
	if subresource != "" {
		sub = []string{subresource}
	}
	var errs []error
	for _, tg := range targets {
		h := s.handle(tg.mapping, s.namespace)
		before, err := h.Get(ctx, tg.name, metav1.GetOptions{}, sub...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		after, err := s.writes.Patch(ctx, h, tg.name, p.Type, p.Data, opts, sub...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		op := "patched"
		if reflect.DeepEqual(before.Object, after.Object) {
			op = "patched (no change)"
		}
		fmt.Fprintln(s.out, printer.Operation(after.GroupVersionKind().GroupKind(), after.GetName(), op, len(opts.DryRun) > 0))
	}
	return reportErrors(s, errs)
}
