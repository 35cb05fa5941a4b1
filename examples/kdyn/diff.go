package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/examples/kdyn/internal/manifest"
	"github.com/kubedyn/kubedyn/examples/kdyn/internal/udiff"
	"github.com/kubedyn/kubedyn/patch"
)

func newDiffCommand(s *session) *cobra.Command {
	var a applyFlags
	cmd := &cobra.Command{
		Use:   "diff -f FILENAME|DIR|-",
		Short: "Diff the live objects against what applying the files would make them",
		Long: `Show, as a unified diff of YAML (like kubectl diff's "diff -u -N"), how the
live objects would change if the files were applied: the "merged" side is the
server's own answer to a dry-run apply (client-side three-way by default,
server-side with --server-side). The values of a Secret's data are masked as
kubectl masks them.

Exit status: 0 no differences, 1 differences found, 2 an error.`,
		Example: `  kdyn diff -f widget.yaml
  kdyn diff -f manifests/ --server-side`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.validate(); err != nil {
				return &exitError{code: 2, err: err}
			}
			docs, err := manifest.Read(cmdContext(cmd), a.files, s.in)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if err := s.connect(); err != nil {
				return &exitError{code: 2, err: err}
			}
			return runDiff(cmdContext(cmd), s, a, docs)
		},
	}
	a.addFlags(cmd, "diff")
	return cmd
}

// diffName is kubectl diff's file name for an object:
// [group.]version.Kind.namespace.name.
func diffName(obj *unstructured.Unstructured, namespace string) string {
	gvk := obj.GroupVersionKind()
	name := fmt.Sprintf("%s.%s.%s.%s", gvk.Version, gvk.Kind, namespace, obj.GetName())
	if gvk.Group != "" {
		name = gvk.Group + "." + name
	}
	return name
}

func runDiff(ctx context.Context, s *session, a applyFlags, docs []manifest.Doc) error {
	liveDir, err := os.MkdirTemp("", "LIVE-")
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer os.RemoveAll(liveDir)
	mergedDir, err := os.MkdirTemp("", "MERGED-")
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer os.RemoveAll(mergedDir)

	var files []udiff.File
	var errs []error
	for _, d := range docs {
		f, err := diffOne(ctx, s, a, d, liveDir, mergedDir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, f)
	}
	differ, err := udiff.Write(s.out, liveDir, mergedDir, files)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintln(s.errOut, errorLine(err))
		}
		return &exitError{code: 2, silent: true}
	}
	if differ {
		return &exitError{code: 1, silent: true}
	}
	return nil
}

// diffOne reads the live object and the server's dry-run apply of the
// document, and writes both as YAML files as kubectl diff does.
func diffOne(ctx context.Context, s *session, a applyFlags, d manifest.Doc, liveDir, mergedDir string) (udiff.File, error) {
	h, err := s.resolveObject(ctx, d)
	if err != nil {
		return udiff.File{}, err
	}
	obj := d.Object
	live, err := h.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		live, err = nil, nil
	}
	if err != nil {
		return udiff.File{}, err
	}
	merged, err := dryRunApply(ctx, s, a, h, obj, live)
	if err != nil {
		return udiff.File{}, err
	}
	live, merged = withoutManagedFields(live), withoutManagedFields(merged)
	if gvk := merged.GroupVersionKind(); gvk.Group == "" && gvk.Version == "v1" && gvk.Kind == "Secret" {
		maskSecretData(live, merged)
	}
	name := diffName(obj, h.NamespaceName())
	f := udiff.File{Name: name}
	if f.From, f.FromTime, err = writeYAML(filepath.Join(liveDir, name), live); err != nil {
		return f, err
	}
	if f.To, f.ToTime, err = writeYAML(filepath.Join(mergedDir, name), merged); err != nil {
		return f, err
	}
	return f, nil
}

// dryRunApply returns what applying obj would make of live (nil when it does
// not exist), as the server answers a dry run.
func dryRunApply(ctx context.Context, s *session, a applyFlags, h *dynamic.ResourceHandle, obj, live *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	dry := []string{metav1.DryRunAll}
	if a.serverSide {
		return s.writes.Apply(ctx, h, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: a.fieldManager, Force: a.forceConflicts, DryRun: dry})
	}
	if live == nil {
		return s.writes.Create(ctx, h, obj, metav1.CreateOptions{FieldManager: a.fieldManager, DryRun: dry})
	}
	// kubectl diff's modified configuration: the object with its
	// annotations (an empty map if none) minus the last-applied one.
	modified := obj.DeepCopy()
	annots := modified.GetAnnotations()
	if annots == nil {
		annots = map[string]string{}
	}
	delete(annots, patch.LastAppliedAnnotation)
	modified.SetAnnotations(annots)
	desired, err := modified.MarshalJSON()
	if err != nil {
		return nil, err
	}
	liveJSON, err := live.MarshalJSON()
	if err != nil {
		return nil, err
	}
	original, err := patch.LastApplied(liveJSON)
	if err != nil {
		return nil, err
	}
	t, err := s.patchType(ctx, obj.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	p, err := patch.CreateThreeWayPatch(original, desired, liveJSON, t, patch.CreateOptions{TestResourceVersion: true})
	if err != nil {
		return nil, fmt.Errorf("compute the patch for %s: %w", obj.GetName(), err)
	}
	if p.IsEmpty() {
		return live, nil
	}
	return s.writes.Patch(ctx, h, obj.GetName(), p.Type, p.Data, metav1.PatchOptions{FieldManager: a.fieldManager, DryRun: dry})
}

func withoutManagedFields(obj *unstructured.Unstructured) *unstructured.Unstructured {
	if obj == nil {
		return nil
	}
	c := obj.DeepCopy()
	c.SetManagedFields(nil)
	return c
}

// Masks of Secret values, kubectl diff's.
const (
	maskDefault = "***"
	maskBefore  = "*** (before)"
	maskAfter   = "*** (after)"
)

// maskSecretData replaces the values of data in two versions of a Secret
// as kubectl diff does: "***", or "*** (before)" and "*** (after)" for a
// key whose value changed, so the diff shows which keys changed but not how.
func maskSecretData(from, to *unstructured.Unstructured) {
	data := func(u *unstructured.Unstructured) map[string]any {
		if u == nil {
			return nil
		}
		m, _ := u.Object["data"].(map[string]any)
		return m
	}
	f, t := data(from), data(to)
	for k, fv := range f {
		if tv, ok := t[k]; ok {
			if fv != tv {
				f[k], t[k] = maskBefore, maskAfter
				continue
			}
			t[k] = maskDefault
		}
		f[k] = maskDefault
	}
	for k := range t {
		if _, ok := f[k]; !ok {
			t[k] = maskDefault
		}
	}
}

// writeYAML writes obj as YAML to file, an empty file for nil, and returns
// the contents and modification time.
func writeYAML(file string, obj *unstructured.Unstructured) (string, time.Time, error) {
	var data []byte
	if obj != nil {
		var err error
		if data, err = yaml.Marshal(obj); err != nil {
			return "", time.Time{}, fmt.Errorf("encode %s: %w", obj.GetName(), err)
		}
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return "", time.Time{}, err
	}
	st, err := os.Stat(file)
	if err != nil {
		return "", time.Time{}, err
	}
	return string(data), st.ModTime(), nil
}
