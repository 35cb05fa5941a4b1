package desired

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Spec says what the controller wants every object to carry.
type Spec struct {
	// LabelKey and LabelValue name the label set on every object.
	LabelKey, LabelValue string
	// GenerationAnnotation is the annotation that records the observed
	// metadata.generation (decimal; "0" for resources without generations,
	// such as ConfigMaps).
	GenerationAnnotation string
	// ConditionType, ConditionReason and ConditionMessage describe the
	// status condition set where the resource has a status subresource.
	ConditionType, ConditionReason, ConditionMessage string

	// AnnotationsBumpGeneration says the resource increments
	// metadata.generation whenever annotations change (Deployments do, a
	// legacy of rollbacks): the annotation then records the generation the
	// write itself produces, or each write would call for another.
	AnnotationsBumpGeneration bool
	// NoObservedGeneration says the resource's condition type has no
	// observedGeneration field (the server drops it: Deployments'
	// conditions): the condition is then written and compared without it.
	NoObservedGeneration bool
}

// MetadataPatch returns the JSON merge patch that gives obj the label and the
// observed-generation annotation of s, and false when obj already has both
// (nothing to write).
func MetadataPatch(obj metav1.Object, s Spec) ([]byte, bool, error) {
	gen := strconv.FormatInt(obj.GetGeneration(), 10)
	labels := map[string]string{}
	annotations := map[string]string{}
	if v, ok := obj.GetLabels()[s.LabelKey]; !ok || v != s.LabelValue {
		labels[s.LabelKey] = s.LabelValue
	}
	if v, ok := obj.GetAnnotations()[s.GenerationAnnotation]; !ok || v != gen {
		if s.AnnotationsBumpGeneration {
			gen = strconv.FormatInt(obj.GetGeneration()+1, 10)
		}
		annotations[s.GenerationAnnotation] = gen
	}
	if len(labels) == 0 && len(annotations) == 0 {
		return nil, false, nil
	}
	meta := map[string]any{"resourceVersion": obj.GetResourceVersion()}
	if len(labels) > 0 {
		meta["labels"] = labels
	}
	if len(annotations) > 0 {
		meta["annotations"] = annotations
	}
	b, err := json.Marshal(map[string]any{"metadata": meta})
	if err != nil {
		return nil, false, fmt.Errorf("metadata patch of %s: %w", name(obj), err)
	}
	return b, true, nil
}

// StatusPatch returns the JSON merge patch (for the status subresource)
// that sets obj's condition of type s.ConditionType to status True with
// obj's generation, s's reason and message, and false when obj's condition
// already says all that. Other conditions are copied unchanged, in their
// order; the condition keeps its lastTransitionTime unless its status changes
// (then it is now, in UTC, to the second, as metav1.Time serialises).
func StatusPatch(obj *unstructured.Unstructured, s Spec, now time.Time) ([]byte, bool, error) {
	conds, err := Conditions(obj)
	if err != nil {
		return nil, false, err
	}
	next, changed := setCondition(conds, Condition(s, obj.GetGeneration()), now, !s.NoObservedGeneration)
	if !changed {
		return nil, false, nil
	}
	b, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"resourceVersion": obj.GetResourceVersion()},
		"status":   map[string]any{"conditions": next},
	})
	if err != nil {
		return nil, false, fmt.Errorf("status patch of %s: %w", name(obj), err)
	}
	return b, true, nil
}

// Conditions returns obj's status.conditions, each as the map it is in the
// object (so fields this package does not know survive a rewrite). A
// missing list is empty; a list that is not a list of objects is an error
// naming obj.
func Conditions(obj *unstructured.Unstructured) ([]map[string]any, error) {
	raw, found, err := unstructured.NestedFieldNoCopy(obj.Object, "status", "conditions")
	if err != nil {
		return nil, fmt.Errorf("read status.conditions of %s: %w", name(obj), err)
	}
	if !found || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("read status.conditions of %s: a %T, not a list", name(obj), raw)
	}
	out := make([]map[string]any, 0, len(list))
	for i, c := range list {
		m, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("read status.conditions[%d] of %s: a %T, not an object", i, name(obj), c)
		}
		out = append(out, m)
	}
	return out, nil
}

// Condition is the condition s wants on an object of generation gen,
// without its lastTransitionTime (SetCondition decides that).
func Condition(s Spec, gen int64) metav1.Condition {
	return metav1.Condition{
		Type:               s.ConditionType,
		Status:             metav1.ConditionTrue,
		ObservedGeneration: gen,
		Reason:             s.ConditionReason,
		Message:            s.ConditionMessage,
	}
}

// SetCondition returns conds with want in place of the condition of the same
// type (or appended), and whether that changed anything. Conditions are
// compared on status, observedGeneration, reason and message; a condition
// whose status is unchanged keeps its lastTransitionTime, others get now.
// conds is not modified.
func SetCondition(conds []map[string]any, want metav1.Condition, now time.Time) ([]map[string]any, bool) {
	return setCondition(conds, want, now, true)
}

// setCondition is SetCondition, with or without observedGeneration (in the
// comparison and in the condition written).
func setCondition(conds []map[string]any, want metav1.Condition, now time.Time, withGen bool) ([]map[string]any, bool) {
	out := make([]map[string]any, 0, len(conds)+1)
	idx := -1
	for i, c := range conds {
		if t, _ := c["type"].(string); t == want.Type && idx < 0 {
			idx = i
		}
		out = append(out, c)
	}
	transition := now.UTC().Truncate(time.Second).Format(time.RFC3339)
	if idx >= 0 {
		old := out[idx]
		if same(old, want, withGen) {
			return conds, false
		}
		if st, _ := old["status"].(string); st == string(want.Status) {
			if t, ok := old["lastTransitionTime"].(string); ok && t != "" {
				transition = t
			}
		}
	}
	next := map[string]any{
		"type":               want.Type,
		"status":             string(want.Status),
		"reason":             want.Reason,
		"message":            want.Message,
		"lastTransitionTime": transition,
	}
	if withGen {
		next["observedGeneration"] = want.ObservedGeneration
	}
	if idx >= 0 {
		out[idx] = next
	} else {
		out = append(out, next)
	}
	return out, true
}

// same reports whether the condition c already says what want says
// (observedGeneration included when withGen).
func same(c map[string]any, want metav1.Condition, withGen bool) bool {
	st, _ := c["status"].(string)
	reason, _ := c["reason"].(string)
	msg, _ := c["message"].(string)
	ltt, _ := c["lastTransitionTime"].(string)
	if withGen {
		if gen, ok := int64Of(c["observedGeneration"]); !ok || gen != want.ObservedGeneration {
			return false
		}
	}
	return st == string(want.Status) && reason == want.Reason && msg == want.Message && ltt != ""
}

// int64Of reads a JSON number as decoded into unstructured content (int64,
// or float64 from encoding/json).
func int64Of(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}

// HasCondition reports whether obj carries the condition s wants for its
// current generation: what a status write should leave behind.
func HasCondition(obj *unstructured.Unstructured, s Spec) bool {
	c := condition(obj, s.ConditionType)
	return c != nil && same(c, Condition(s, obj.GetGeneration()), !s.NoObservedGeneration)
}

// LacksObservedGeneration reports whether obj's condition of s's type
// exists without an observedGeneration: after a write that set one, the
// server's schema for the condition has no such field.
func LacksObservedGeneration(obj *unstructured.Unstructured, s Spec) bool {
	c := condition(obj, s.ConditionType)
	if c == nil {
		return false
	}
	_, ok := c["observedGeneration"]
	return !ok
}

// condition returns obj's condition of type t, nil if none.
func condition(obj *unstructured.Unstructured, t string) map[string]any {
	conds, err := Conditions(obj)
	if err != nil {
		return nil
	}
	for _, c := range conds {
		if ct, _ := c["type"].(string); ct == t {
			return c
		}
	}
	return nil
}

func name(obj metav1.Object) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns + "/" + obj.GetName()
	}
	return obj.GetName()
}
