package memserver

import (
	"fmt"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// builtinFields are the field selectors built-in resources support beyond
// metadata.name and metadata.namespace (their registries' field label
// conversion functions), by group-resource.
var builtinFields = map[schema.GroupResource][]string{
	{Resource: "pods"}: {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
		"spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"},
	{Resource: "secrets"}:                {"type"},
	{Resource: "namespaces"}:             {"status.phase"},
	{Resource: "nodes"}:                  {"spec.unschedulable"},
	{Resource: "replicationcontrollers"}: {"status.replicas"},
	{Resource: "events"}: {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
		"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
		"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"},
	{Group: "batch", Resource: "jobs"}:                                     {"status.successful"},
	{Group: "certificates.k8s.io", Resource: "certificatesigningrequests"}: {"spec.signerName"},
	{Resource: "persistentvolumeclaims"}:                                   {},
	{Resource: "services"}:                                                 {"spec.clusterIP", "spec.type"},
}

// selectableFields lists the fields a resource can be selected by.
func (r *resource) selectableFields() []string {
	out := []string{"metadata.name", "metadata.namespace"}
	if r.crd != nil {
		return append(out, r.crd.selectable...)
	}
	return append(out, builtinFields[r.groupResource()]...)
}

// checkFieldSelector refuses selectors on fields the resource does not
// support, with the server's message.
func (c *call) checkFieldSelector(sel fields.Selector) error {
	if sel.Empty() {
		return nil
	}
	ok := map[string]bool{}
	for _, f := range c.res.selectableFields() {
		ok[f] = true
	}
	for _, r := range sel.Requirements() {
		if !ok[r.Field] {
			if c.res.crd != nil {
				return apierrors.NewBadRequest("field label not supported: " + r.Field)
			}
			var quoted []string
			for _, f := range c.res.selectableFields() {
				quoted = append(quoted, strconv.Quote(f))
			}
			return apierrors.NewBadRequest(fmt.Sprintf("%q is not a known field selector: only %s", r.Field, strings.Join(quoted, ", ")))
		}
	}
	return nil
}

// matcher decides whether an object belongs to a list or watch.
type matcher struct {
	labels labels.Selector
	fields fields.Selector
	res    *resource
}

func (m matcher) everything() bool { return m.labels.Empty() && m.fields.Empty() }

// matches evaluates both selectors against obj.
func (m matcher) matches(obj object) bool {
	if m.everything() {
		return true
	}
	if !m.labels.Empty() {
		ls := labels.Set{}
		if l, ok := metaOf(obj)["labels"].(object); ok {
			for k, v := range l {
				s, _ := v.(string)
				ls[k] = s
			}
		}
		if !m.labels.Matches(ls) {
			return false
		}
	}
	if !m.fields.Empty() {
		fs := fields.Set{"metadata.name": metaString(obj, "name"), "metadata.namespace": metaString(obj, "namespace")}
		for _, f := range m.res.selectableFields()[2:] {
			fs[f] = fieldValue(obj, f)
		}
		if !m.fields.Matches(fs) {
			return false
		}
	}
	return true
}

// fieldValue reads a dotted path as a string, as field label conversion
// does ("" for absent; numbers and booleans formatted).
func fieldValue(obj object, path string) string {
	var cur any = obj
	for _, p := range strings.Split(strings.TrimPrefix(path, "."), ".") {
		m, ok := cur.(object)
		if !ok {
			return ""
		}
		cur = m[p]
	}
	switch v := cur.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}
