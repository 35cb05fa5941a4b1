package memserver

import (
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversionscheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// checkWriteOptions decodes and validates the query options of a write
// with apimachinery's codec and validation, as the server's handlers do:
// a malformed parameter is 400, an invalid one 422 on the options kind.
func (c *call) checkWriteOptions(verb string, pt types.PatchType) error {
	var (
		opts runtime.Object
		kind string
	)
	switch verb {
	case "create":
		opts, kind = &metav1.CreateOptions{}, "CreateOptions"
	case "update":
		opts, kind = &metav1.UpdateOptions{}, "UpdateOptions"
	case "patch":
		opts, kind = &metav1.PatchOptions{}, "PatchOptions"
	default:
		return nil
	}
	if len(c.q) == 0 && verb != "patch" {
		// No parameters: zero options, which decode from nothing and
		// which ValidateCreateOptions and ValidateUpdateOptions accept
		// (TestZeroWriteOptionsValid). Apply patches need a fieldManager.
		return nil
	}
	if err := metainternalversionscheme.ParameterCodec.DecodeParameters(c.q, metav1.SchemeGroupVersion, opts); err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	var errs field.ErrorList
	switch o := opts.(type) {
	case *metav1.CreateOptions:
		errs = metav1validation.ValidateCreateOptions(o)
	case *metav1.UpdateOptions:
		errs = metav1validation.ValidateUpdateOptions(o)
	case *metav1.PatchOptions:
		errs = metav1validation.ValidatePatchOptions(o, pt)
	}
	if len(errs) > 0 {
		return apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: kind}, "", errs)
	}
	return nil
}

// checkDeleteOptions validates DeleteOptions as the server does.
func checkDeleteOptions(opts *metav1.DeleteOptions) error {
	if errs := metav1validation.ValidateDeleteOptions(opts); len(errs) > 0 {
		return apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "DeleteOptions"}, "", errs)
	}
	return nil
}
