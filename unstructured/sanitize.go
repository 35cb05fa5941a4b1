package unstructured

import (
	"errors"
	"fmt"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// SanitizeOptions keeps, for special uses, fields Sanitize removes by
// default. The zero value gives an object ready to create on another
// server or in another namespace.
type SanitizeOptions struct {
	// KeepStatus keeps the top-level status (for a backup that records
	// state; servers ignore status on create for types with a status
	// subresource).
	KeepStatus bool
	// KeepOwnerReferences keeps metadata.ownerReferences. They name
	// owners by uid, which differs on another server, and the garbage
	// collector deletes an object whose owner uid does not exist in its
	// namespace: keep them only when restoring owners and dependents to
	// the same server.
	KeepOwnerReferences bool
	// KeepLastApplied keeps kubectl's last-applied-configuration
	// annotation (needed only to go on with client-side kubectl apply).
	KeepLastApplied bool
	// KeepAllocated keeps values the server allocated from its own pools
	// (a Service's clusterIP, clusterIPs, nodePorts and
	// healthCheckNodePort), for a restore onto the same server after the
	// original is gone.
	KeepAllocated bool
	// Namespace, when set, replaces metadata.namespace of an object that
	// has one (cluster-scoped objects, which have none, are left alone).
	Namespace string
}

// SanitizedField describes one field Sanitize removes.
type SanitizedField struct {
	Group string // API group of the kinds it applies to ("" is the core group)
	Kind  string // kind it applies to; "" for every kind
	Path  string // in ParsePath's syntax; "[*]" stands for every list element
	Kept  string // what is kept or which option keeps it, if anything
	Why   string
}

// sanitizeRule is one entry of the table Sanitize applies.
type sanitizeRule struct {
	SanitizedField
	path Path
	each string                                   // when set, path is a list and each is removed from its elements
	keep func(o SanitizeOptions, obj, v any) bool // keep this value
}

// sanitizeRules is the table Sanitize applies, built fresh on each call so
// that no package state can be changed.
func sanitizeRules() []sanitizeRule {
	always := func(SanitizeOptions, any, any) bool { return false }
	allocated := func(o SanitizeOptions, _, _ any) bool { return o.KeepAllocated }
	headless := func(o SanitizeOptions, _, v any) bool {
		if l, ok := v.([]any); ok && len(l) == 1 {
			v = l[0]
		}
		return o.KeepAllocated || v == "None" || v == ""
	}
	manualSelector := func(_ SanitizeOptions, obj, _ any) bool {
		m, _ := obj.(map[string]any)
		b, _ := GetBool(m, "spec.manualSelector")
		return b
	}
	r := func(group, kind, path, each, kept, why string, keep func(SanitizeOptions, any, any) bool) sanitizeRule {
		show := path
		if each != "" {
			show = path + "[*]." + each
		}
		p, _ := ParsePath(path) // every path below parses: TestSanitizeRulesParse
		return sanitizeRule{SanitizedField{group, kind, show, kept, why}, p, each, keep}
	}
	return []sanitizeRule{
		r("", "", "metadata.managedFields", "", "", "field ownership on the source server; the target records its own", always),
		r("", "", "metadata.uid", "", "", "assigned by the server", always),
		r("", "", "metadata.resourceVersion", "", "", "the source server's version; a create with one is rejected", always),
		r("", "", "metadata.creationTimestamp", "", "", "set by the server", always),
		r("", "", "metadata.generation", "", "", "counted by the server", always),
		r("", "", "metadata.selfLink", "", "", "set by old servers", always),
		r("", "", "metadata.deletionTimestamp", "", "", "the source object was being deleted; the copy is not", always),
		r("", "", "metadata.deletionGracePeriodSeconds", "", "", "comes with deletionTimestamp", always),
		r("", "", "status", "", "KeepStatus", "observed state, written by controllers", func(o SanitizeOptions, _, _ any) bool { return o.KeepStatus }),
		r("", "", "metadata.ownerReferences", "", "KeepOwnerReferences", "owner uids of the source server; the garbage collector deletes objects whose owner uid is missing", func(o SanitizeOptions, _, _ any) bool { return o.KeepOwnerReferences }),
		r("", "", `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`, "", "KeepLastApplied", "kubectl's record of its last apply on the source server", func(o SanitizeOptions, _, _ any) bool { return o.KeepLastApplied }),
		r("", "Service", "spec.clusterIP", "", `"None" (headless); KeepAllocated`, "allocated from the source cluster's service range; may be taken or out of range elsewhere", headless),
		r("", "Service", "spec.clusterIPs", "", `["None"] (headless); KeepAllocated`, "as clusterIP", headless),
		r("", "Service", "spec.ports", "nodePort", "KeepAllocated", "allocated node ports; the same port is taken beside the source", allocated),
		r("", "Service", "spec.healthCheckNodePort", "", "KeepAllocated", "allocated node port", allocated),
		r("", "PersistentVolumeClaim", "spec.volumeName", "", "", "binds to a volume of the source cluster; elsewhere the claim would wait for it or take it", always),
		r("", "PersistentVolumeClaim", `metadata.annotations["pv.kubernetes.io/bind-completed"]`, "", "", "binding state of the source cluster", always),
		r("", "PersistentVolumeClaim", `metadata.annotations["pv.kubernetes.io/bound-by-controller"]`, "", "", "binding state of the source cluster", always),
		r("", "PersistentVolumeClaim", `metadata.annotations["volume.kubernetes.io/selected-node"]`, "", "", "a node of the source cluster", always),
		r("", "PersistentVolumeClaim", `metadata.annotations["volume.kubernetes.io/storage-provisioner"]`, "", "", "set by the binder from the storage class", always),
		r("", "PersistentVolumeClaim", `metadata.annotations["volume.beta.kubernetes.io/storage-provisioner"]`, "", "", "set by the binder from the storage class", always),
		r("", "PersistentVolume", "spec.claimRef.uid", "", "the claim's namespace and name", "the bound claim's uid on the source server", always),
		r("", "PersistentVolume", "spec.claimRef.resourceVersion", "", "the claim's namespace and name", "the bound claim's version on the source server", always),
		r("", "Pod", "spec.nodeName", "", "", "the node the source scheduler chose", always),
		r("batch", "Job", "spec.selector", "", "spec.manualSelector: true", "generated from the Job's uid; a create with it is rejected", manualSelector),
		r("batch", "Job", `spec.template.metadata.labels["controller-uid"]`, "", "spec.manualSelector: true", "the source Job's uid", manualSelector),
		r("batch", "Job", `spec.template.metadata.labels["batch.kubernetes.io/controller-uid"]`, "", "spec.manualSelector: true", "the source Job's uid", manualSelector),
		r("batch", "Job", `metadata.labels["controller-uid"]`, "", "spec.manualSelector: true", "copied from the template: the source Job's uid", manualSelector),
		r("batch", "Job", `metadata.labels["batch.kubernetes.io/controller-uid"]`, "", "spec.manualSelector: true", "copied from the template: the source Job's uid", manualSelector),
		r("apps", "Deployment", `metadata.annotations["deployment.kubernetes.io/revision"]`, "", "", "the source controller's rollout counter", always),
	}
}

// SanitizedFields lists, for documentation and tooling, every field
// Sanitize removes: per kind, what is kept and why.
func SanitizedFields() []SanitizedField {
	rules := sanitizeRules()
	out := make([]SanitizedField, len(rules))
	for i, r := range rules {
		out[i] = r.SanitizedField
	}
	return out
}

// Sanitize returns a copy of an object read from a server, without the
// fields the server populated, so that it can be created or applied on
// another server or in another namespace (backups, GitOps exports). u is
// not changed. Removed on every object: managedFields, uid,
// resourceVersion, creationTimestamp, generation, selfLink,
// deletionTimestamp and deletionGracePeriodSeconds, status,
// ownerReferences and kubectl's last-applied-configuration annotation
// (the last three unless opts keeps them). Removed per kind: a Service's
// clusterIP and clusterIPs (unless "None"), nodePorts and
// healthCheckNodePort; a PersistentVolumeClaim's volumeName and binding
// annotations; a PersistentVolume's claimRef uid and resourceVersion; a
// Pod's nodeName; a Job's generated selector and controller-uid template
// labels, and the same labels on the Job itself (unless
// spec.manualSelector); a Deployment's revision annotation.
// SanitizedFields lists each with its reason. Kept: labels, other
// annotations, finalizers, generateName, and everything in spec. Labels or
// annotations left empty are removed. It fails only on a nil object or on
// values with no JSON form.
func Sanitize(u *k8su.Unstructured, opts SanitizeOptions) (*k8su.Unstructured, error) {
	if u == nil || u.Object == nil {
		return nil, errors.New("unstructured: sanitize: the object is nil")
	}
	m, err := copyObject(u.Object)
	if err != nil {
		return nil, fmt.Errorf("unstructured: sanitize %s: %w", objectName(u), err)
	}
	out := &k8su.Unstructured{Object: m}
	gvk := out.GroupVersionKind()
	for _, r := range sanitizeRules() {
		if r.Kind != "" && (r.Kind != gvk.Kind || r.Group != gvk.Group) {
			continue
		}
		r.apply(opts, m)
	}
	for _, f := range []string{"annotations", "labels"} {
		if md, ok := m["metadata"].(map[string]any); ok {
			if v, ok := md[f].(map[string]any); ok && len(v) == 0 {
				delete(md, f)
			}
		}
	}
	if opts.Namespace != "" && out.GetNamespace() != "" {
		out.SetNamespace(opts.Namespace)
	}
	return out, nil
}

// apply removes the rule's field from obj unless the rule keeps it.
func (r sanitizeRule) apply(opts SanitizeOptions, obj map[string]any) {
	v, err := r.path.Get(obj)
	if err != nil {
		return // absent: nothing to remove
	}
	if r.each == "" {
		if !r.keep(opts, obj, v) {
			r.path.Remove(obj) //nolint:errcheck // Get just found it
		}
		return
	}
	list, _ := v.([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if ev, ok := m[r.each]; ok && !r.keep(opts, obj, ev) {
				delete(m, r.each)
			}
		}
	}
}
