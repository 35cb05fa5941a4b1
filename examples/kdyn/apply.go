package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/examples/kdyn/internal/manifest"
	"github.com/kubedyn/kubedyn/examples/kdyn/internal/printer"
	"github.com/kubedyn/kubedyn/patch"
	"github.com/kubedyn/kubedyn/rest"
)

// Default field managers, kubectl's with kdyn's name.
const (
	serverSideManager = "kdyn"
	clientSideManager = "kdyn-client-side-apply"
	maxApplyConflicts = 5
)

type applyFlags struct {
	files          []string
	serverSide     bool
	forceConflicts bool
	fieldManager   string
	dryRun         string
}

func (a *applyFlags) addFlags(cmd *cobra.Command, verb string) {
	f := cmd.Flags()
	f.StringSliceVarP(&a.files, "filename", "f", nil, "The files or directories that contain the configuration to "+verb+" (\"-\" for stdin).")
	f.BoolVar(&a.serverSide, "server-side", false, "If true, apply runs in the server instead of the client.")
	f.BoolVar(&a.forceConflicts, "force-conflicts", false, "If true, server-side apply will force the changes against conflicts.")
	f.StringVar(&a.fieldManager, "field-manager", "", "Name of the manager used to track field ownership (default \"kdyn\", or \"kdyn-client-side-apply\" without --server-side).")
}

func (a *applyFlags) validate() error {
	if len(a.files) == 0 {
		return errors.New("must specify one of -f and -k")
	}
	if a.forceConflicts && !a.serverSide {
		return errors.New("--force-conflicts only works with --server-side")
	}
	if a.fieldManager == "" {
		a.fieldManager = clientSideManager
		if a.serverSide {
			a.fieldManager = serverSideManager
		}
	}
	return nil
}

func newApplyCommand(s *session) *cobra.Command {
	var a applyFlags
	cmd := &cobra.Command{
		Use:   "apply -f FILENAME|DIR|-",
		Short: "Apply a configuration to resources by file name or stdin",
		Long: `Create or update the objects of YAML or JSON manifests, of any kind, CRDs
included: client-side three-way apply by default (recording the
kubectl.kubernetes.io/last-applied-configuration annotation, as kubectl),
server-side apply with --server-side. A document that fails (an unknown kind,
a refused object) is reported while the others are still applied.`,
		Example: `  kdyn apply -f widget.yaml
  kdyn apply -f manifests/ --server-side --field-manager=ci
  cat crd.yaml | kdyn apply -f -`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.validate(); err != nil {
				return err
			}
			serverDry, err := parseDryRun(a.dryRun)
			if err != nil {
				return err
			}
			docs, err := manifest.Read(cmdContext(cmd), a.files, s.in)
			if err != nil {
				return err
			}
			if len(docs) == 0 {
				return errors.New("no objects passed to apply")
			}
			if err := s.connect(); err != nil {
				return err
			}
			ap := &applier{s: s, a: a, serverDry: serverDry}
			return ap.run(cmdContext(cmd), docs)
		},
	}
	a.addFlags(cmd, "apply")
	cmd.Flags().StringVar(&a.dryRun, "dry-run", "none", `"none" or "server": with "server", the server only checks the changes.`)
	return cmd
}

// applier applies documents one by one.
type applier struct {
	s         *session
	a         applyFlags
	serverDry bool
	prog      *progress
	// crds are the kinds of the CRDs this run applied: a later document of
	// one of them waits for it to be served (kubectl fails it instead).
	crds map[schema.GroupKind]bool
}

// crdWait bounds the wait for a CRD applied in the same run to be served.
const crdWait = 30 * time.Second

func (ap *applier) run(ctx context.Context, docs []manifest.Doc) error {
	var errs []error
	ap.prog = ap.s.progress()
	for i, d := range docs {
		ap.prog.Printf("applying %d/%d: %s", i+1, len(docs), d.Where())
		if err := ap.applyDoc(ctx, d); err != nil {
			errs = append(errs, err)
		}
	}
	ap.prog.Done()
	return reportErrors(ap.s, errs)
}

func (ap *applier) dryRun() []string {
	if ap.serverDry {
		return []string{metav1.DryRunAll}
	}
	return nil
}

// resolveObject returns the handle of a document's object, with kubectl's
// messages for the mistakes.
func (s *session) resolveObject(ctx context.Context, d manifest.Doc) (*dynamic.ResourceHandle, error) {
	obj := d.Object
	if d.Err != nil {
		return nil, fmt.Errorf("error parsing %s: %w", d.Where(), d.Err)
	}
	if obj.GetName() == "" {
		if gn := obj.GetGenerateName(); gn != "" {
			return nil, fmt.Errorf("from %s: cannot use generate name with apply", gn)
		}
		return nil, fmt.Errorf("error validating %q: the object has no metadata.name", d.Where())
	}
	if err := validateName(obj.GetName()); err != nil {
		return nil, fmt.Errorf("error validating %q: %w", d.Where(), err)
	}
	if ns := obj.GetNamespace(); ns != "" {
		if err := rest.ValidateNamespace(ns); err != nil {
			return nil, fmt.Errorf("error validating %q: the namespace of %q: %w", d.Where(), obj.GetName(), err)
		}
	}
	if ns := obj.GetNamespace(); s.explicitNS && ns != "" && ns != s.namespace {
		return nil, fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation", ns, s.namespace, ns)
	}
	// kubectl ignores a namespace on a cluster-scoped object; ForObject
	// refuses it.
	gvk := obj.GroupVersionKind()
	if m, err := s.mapper.WithContext(ctx).RESTMapping(gvk.GroupKind(), gvk.Version); err == nil && !namespaced(m) {
		obj.SetNamespace("")
	}
	h, err := s.dyn.ForObject(ctx, obj)
	if err != nil {
		if meta.IsNoMatchError(err) {
			var nk *meta.NoKindMatchError
			if errors.As(err, &nk) {
				err = nk
			}
			return nil, fmt.Errorf("resource mapping not found for name: %q namespace: %q from %q: %w; ensure CRDs are installed first",
				obj.GetName(), obj.GetNamespace(), d.Where(), err)
		}
		return nil, fmt.Errorf("%s: %w", d.Where(), err)
	}
	// kubectl sets the namespace it picked on the object before applying
	// (so it is part of the last-applied configuration).
	if ns := h.NamespaceName(); ns != "" {
		obj.SetNamespace(ns)
	}
	return h, nil
}

// applyDoc applies one document and remembers the CRDs it applied.
func (ap *applier) applyDoc(ctx context.Context, d manifest.Doc) error {
	err := ap.applyOne(ctx, d)
	if err == nil {
		ap.noteCRD(d.Object)
	}
	return err
}

func (ap *applier) applyOne(ctx context.Context, d manifest.Doc) error {
	h, err := ap.s.resolveObject(ctx, d)
	if err != nil && meta.IsNoMatchError(err) && !ap.serverDry && ap.crds[d.Object.GroupVersionKind().GroupKind()] {
		h, err = ap.waitForKind(ctx, d)
	}
	if err != nil {
		return err
	}
	obj := d.Object
	gk := obj.GroupVersionKind().GroupKind()
	if ap.a.serverSide {
		opts := metav1.ApplyOptions{FieldManager: ap.a.fieldManager, Force: ap.a.forceConflicts, DryRun: ap.dryRun()}
		if _, err := ap.s.writes.Apply(ctx, h, obj.GetName(), obj, opts); err != nil {
			if apierrors.IsConflict(err) {
				return fmt.Errorf("%w (use --force-conflicts to take these fields over)", err)
			}
			return err
		}
		ap.print(gk, obj.GetName(), "serverside-applied")
		return nil
	}
	var lastErr error
	for range maxApplyConflicts {
		op, err := ap.clientSide(ctx, h, obj)
		if err == nil {
			ap.print(gk, obj.GetName(), op)
			return nil
		}
		if !apierrors.IsConflict(err) {
			return err
		}
		lastErr = err
	}
	return lastErr
}

// waitForKind resolves a document whose kind is defined by a CRD applied
// earlier in this run, rediscovering until the CRD is served.
func (ap *applier) waitForKind(ctx context.Context, d manifest.Doc) (*dynamic.ResourceHandle, error) {
	ctx, cancel := context.WithTimeout(ctx, crdWait)
	defer cancel()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ap.s.resolveObject(context.WithoutCancel(ctx), d)
		case <-tick.C:
		}
		ap.s.mapper.Reset()
		h, err := ap.s.resolveObject(ctx, d)
		if err == nil || !meta.IsNoMatchError(err) {
			return h, err
		}
	}
}

// noteCRD remembers the kind a CustomResourceDefinition defines.
func (ap *applier) noteCRD(obj *unstructured.Unstructured) {
	if obj.GroupVersionKind().GroupKind() != (schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}) {
		return
	}
	group, _, _ := unstructured.NestedString(obj.Object, "spec", "group")
	kind, _, _ := unstructured.NestedString(obj.Object, "spec", "names", "kind")
	if ap.crds == nil {
		ap.crds = map[schema.GroupKind]bool{}
	}
	ap.crds[schema.GroupKind{Group: group, Kind: kind}] = true
}

func (ap *applier) print(gk schema.GroupKind, name, op string) {
	ap.prog.Done() // the progress line and the output may share a terminal
	fmt.Fprintln(ap.s.out, printer.Operation(gk, name, op, ap.serverDry))
}

// clientSide does one client-side apply of obj: a create with the
// last-applied annotation when the object does not exist, else the
// three-way patch from the annotation, obj and the live object.
func (ap *applier) clientSide(ctx context.Context, h *dynamic.ResourceHandle, obj *unstructured.Unstructured) (string, error) {
	desired, err := obj.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", obj.GetName(), err)
	}
	live, err := h.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		withLast, err := patch.WithLastApplied(desired)
		if err != nil {
			return "", err
		}
		var create unstructured.Unstructured
		if err := create.UnmarshalJSON(withLast); err != nil {
			return "", fmt.Errorf("decode %s: %w", obj.GetName(), err)
		}
		pruneNulls(create.Object)
		_, err = ap.s.writes.Create(ctx, h, &create, metav1.CreateOptions{FieldManager: ap.a.fieldManager, DryRun: ap.dryRun()})
		return "created", err
	}
	if err != nil {
		return "", err
	}
	if _, ok := live.GetAnnotations()[patch.LastAppliedAnnotation]; !ok {
		ap.prog.Done()
		fmt.Fprintf(ap.s.errOut, "Warning: resource %s/%s is missing the %s annotation which is required by kdyn apply. kdyn apply should only be used on resources created declaratively by either kubectl create --save-config or kdyn apply. The missing annotation will be patched automatically.\n",
			h.GroupVersionResource().Resource, live.GetName(), patch.LastAppliedAnnotation)
	}
	liveJSON, err := live.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("encode the live %s: %w", live.GetName(), err)
	}
	t, err := ap.s.patchType(ctx, obj.GroupVersionKind())
	if err != nil {
		return "", err
	}
	p, err := patch.ClientSideApply(desired, liveJSON, t, patch.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("compute the patch for %s: %w", obj.GetName(), err)
	}
	if p.IsEmpty() {
		return "unchanged", nil
	}
	_, err = ap.s.writes.Patch(ctx, h, obj.GetName(), p.Type, p.Data, metav1.PatchOptions{FieldManager: ap.a.fieldManager, DryRun: ap.dryRun()})
	return "configured", err
}

// schemaCache memoises the OpenAPI schemas read for client-side apply.
type schemaCache struct {
	mu sync.Mutex // guards m
	m  map[schema.GroupVersion]*patch.Schema
}

// patchType returns the patch metadata of a kind from its group-version's
// OpenAPI v3 document, read once per group-version.
func (s *session) patchType(ctx context.Context, gvk schema.GroupVersionKind) (*patch.Type, error) {
	gv := gvk.GroupVersion()
	s.schemas.mu.Lock()
	sch := s.schemas.m[gv]
	s.schemas.mu.Unlock()
	if sch == nil {
		path := "apis/" + gv.Group + "/" + gv.Version
		if gv.Group == "" {
			path = "api/" + gv.Version
		}
		doc, err := s.disc.OpenAPIV3Schema(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("read the OpenAPI schema of %s: %w", gv, err)
		}
		if sch, err = patch.NewSchema(doc); err != nil {
			return nil, fmt.Errorf("read the OpenAPI schema of %s: %w", gv, err)
		}
		s.schemas.mu.Lock()
		if s.schemas.m == nil {
			s.schemas.m = map[schema.GroupVersion]*patch.Schema{}
		}
		s.schemas.m[gv] = sch
		s.schemas.mu.Unlock()
	}
	t, err := sch.Type(gvk)
	if err != nil {
		return nil, fmt.Errorf("the OpenAPI schema of %s: %w", gv, err)
	}
	return t, nil
}

// pruneNulls drops null fields, as kubectl does before a client-side
// apply's create so that it stores what a later apply would.
func pruneNulls(m map[string]any) {
	for k, v := range m {
		switch val := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			pruneNulls(val)
		case []any:
			for _, item := range val {
				if im, ok := item.(map[string]any); ok {
					pruneNulls(im)
				}
			}
		}
	}
}
