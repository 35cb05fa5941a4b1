package patch

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/jsonmergepatch"
	"k8s.io/apimachinery/pkg/util/mergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/yaml"
)

// LastAppliedAnnotation is the annotation in which client-side apply
// (kubectl apply without --server-side) records the configuration it last
// applied.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// CreateThreeWayPatch returns the patch that makes current (the live object)
// match modified (the desired configuration) while deleting what original
// (the configuration applied last time) set and modified no longer does.
// Fields set by others (in current but never in original) are left alone;
// where modified and current disagree, modified wins.
//
// For kinds whose server accepts strategic merge (t.NativeStrategic()) the
// patch is a strategic merge patch, computed as kubectl does; otherwise
// (custom resources, or t nil) it is a JSON merge patch. original may be
// empty when nothing was applied before. The patch fails to build when it
// would change apiVersion, kind or metadata.name.
func CreateThreeWayPatch(original, modified, current []byte, t *Type, opts CreateOptions) (Patch, error) {
	pins, err := opts.preconditions(current)
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create three-way patch: %w", err)
	}
	for _, d := range []struct {
		name string
		data []byte
	}{{"original", original}, {"modified", modified}, {"current", current}} {
		if len(d.data) == 0 && d.name == "original" {
			continue
		}
		if _, err := decodeObject(d.name, d.data); err != nil {
			return Patch{}, fmt.Errorf("patch: create three-way patch: %w", err)
		}
	}
	unchanged := []mergepatch.PreconditionFunc{
		mergepatch.RequireKeyUnchanged("apiVersion"),
		mergepatch.RequireKeyUnchanged("kind"),
		mergepatch.RequireMetadataKeyUnchanged("name"),
	}
	p := Patch{Type: types.MergePatchType}
	if t.NativeStrategic() {
		p.Type = types.StrategicMergePatchType
		p.Data, err = safely("three-way strategic merge", func() ([]byte, error) {
			return strategicpatch.CreateThreeWayMergePatch(original, modified, current, t, true, unchanged...)
		})
	} else {
		p.Data, err = jsonmergepatch.CreateThreeWayJSONMergePatch(original, modified, current, unchanged...)
	}
	if mergepatch.IsPreconditionFailed(err) {
		return Patch{}, fmt.Errorf("patch: create three-way patch: the desired object changes apiVersion, kind or metadata.name of the live one: %w", err)
	}
	if err == nil {
		p.Data, err = pinMetadata(p.Data, pins)
	}
	if err != nil {
		return Patch{}, fmt.Errorf("patch: create three-way patch for %s: %w", t.Name(), err)
	}
	return p, nil
}

// ClientSideApply returns the patch that `kubectl apply` (client-side) sends
// to make the live object match desired (YAML or JSON). It reads the last
// applied configuration from live's LastAppliedAnnotation and records
// desired there, as kubectl does, then calls [CreateThreeWayPatch].
func ClientSideApply(desired, live []byte, t *Type, opts CreateOptions) (Patch, error) {
	modified, err := WithLastApplied(desired)
	if err != nil {
		return Patch{}, err
	}
	original, err := LastApplied(live)
	if err != nil {
		return Patch{}, err
	}
	return CreateThreeWayPatch(original, modified, live, t, opts)
}

// WithLastApplied returns desired (YAML or JSON) as JSON with its
// configuration recorded in LastAppliedAnnotation, byte for byte as kubectl
// records it: the object without that annotation (and with an empty
// annotations map if it had none), keys sorted, followed by a newline.
// Create an object with it for a later [ClientSideApply] to work from.
func WithLastApplied(desired []byte) ([]byte, error) {
	j, err := yaml.YAMLToJSON(desired)
	if err != nil {
		return nil, fmt.Errorf("patch: desired object: invalid YAML or JSON: %w", err)
	}
	obj, err := decodeObject("desired object", j)
	if err != nil {
		return nil, fmt.Errorf("patch: %w", err)
	}
	md, ok := obj["metadata"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("patch: desired object has no metadata")
	}
	annots, _ := md["annotations"].(map[string]any)
	if annots == nil {
		annots = map[string]any{}
	}
	delete(annots, LastAppliedAnnotation)
	md["annotations"] = annots
	config, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("patch: encode desired object: %w", err)
	}
	annots[LastAppliedAnnotation] = string(config) + "\n"
	return json.Marshal(obj)
}

// LastApplied returns the configuration recorded in LastAppliedAnnotation
// of obj (JSON), or nil when there is none.
func LastApplied(obj []byte) ([]byte, error) {
	var o struct {
		Metadata struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(obj, &o); err != nil {
		return nil, fmt.Errorf("patch: read %s: %w", LastAppliedAnnotation, err)
	}
	s, ok := o.Metadata.Annotations[LastAppliedAnnotation]
	if !ok || s == "" {
		return nil, nil
	}
	return []byte(s), nil
}
