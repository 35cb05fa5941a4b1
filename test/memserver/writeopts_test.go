package memserver

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	metainternalversionscheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

// TestZeroWriteOptionsValid: checkWriteOptions skips decoding and
// validation for a create or update without parameters, which is right
// only while no parameters decode to the zero options and those validate.
func TestZeroWriteOptionsValid(t *testing.T) {
	tests := []struct {
		name     string
		opts     runtime.Object
		zero     runtime.Object
		validate func(runtime.Object) int
	}{
		{name: "create", opts: &metav1.CreateOptions{}, zero: &metav1.CreateOptions{},
			validate: func(o runtime.Object) int {
				return len(metav1validation.ValidateCreateOptions(o.(*metav1.CreateOptions)))
			}},
		{name: "update", opts: &metav1.UpdateOptions{}, zero: &metav1.UpdateOptions{},
			validate: func(o runtime.Object) int {
				return len(metav1validation.ValidateUpdateOptions(o.(*metav1.UpdateOptions)))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := metainternalversionscheme.ParameterCodec.DecodeParameters(url.Values{}, metav1.SchemeGroupVersion, tt.opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.zero, tt.opts); diff != "" {
				t.Errorf("no parameters decode to (-zero +decoded):\n%s", diff)
			}
			if n := tt.validate(tt.opts); n != 0 {
				t.Errorf("zero options have %d validation errors", n)
			}
		})
	}
}

// TestWriteOptionsChecked: parameters are still decoded and validated,
// and an apply patch without them still needs a fieldManager.
func TestWriteOptionsChecked(t *testing.T) {
	s := New(t, Options{})
	tests := []struct {
		name string
		verb string
		pt   types.PatchType
		q    url.Values
		want bool // an error
	}{
		{name: "create without parameters", verb: "create", q: url.Values{}},
		{name: "create with a bad fieldValidation", verb: "create", q: url.Values{"fieldValidation": {"Bogus"}}, want: true},
		{name: "create with a bad dryRun", verb: "create", q: url.Values{"dryRun": {"Some"}}, want: true},
		{name: "update without parameters", verb: "update", q: url.Values{}},
		{name: "update with a bad fieldManager", verb: "update", q: url.Values{"fieldManager": {"\x01"}}, want: true},
		{name: "apply without fieldManager", verb: "patch", pt: types.ApplyPatchType, q: url.Values{}, want: true},
		{name: "merge patch without parameters", verb: "patch", pt: types.MergePatchType, q: url.Values{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &call{s: s, res: s.reg.lookup(cmGVR), q: tt.q}
			if err := c.checkWriteOptions(tt.verb, tt.pt); (err != nil) != tt.want {
				t.Errorf("checkWriteOptions = %v, want an error: %v", err, tt.want)
			}
		})
	}
}
