package memserver

import (
	"fmt"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metainternalversionscheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme"
	metainternalversionvalidation "k8s.io/apimachinery/pkg/apis/meta/internalversion/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// listOpts are the parsed and validated options of a list or watch.
type listOpts struct {
	labels   labels.Selector
	fields   fields.Selector
	limit    int64
	cont     *continueToken
	rv       uint64 // 0 when unset or "0"
	rvSet    string // the raw resourceVersion
	match    metav1.ResourceVersionMatch
	bookmark bool
	initial  *bool // sendInitialEvents
	timeout  int64 // timeoutSeconds
}

// parseListOptions decodes list and watch options with apimachinery's own
// parameter codec and validation, as the server does.
func (c *call) parseListOptions(isWatch bool) (*listOpts, error) {
	var in metainternalversion.ListOptions
	if err := metainternalversionscheme.ParameterCodec.DecodeParameters(c.q, metav1.SchemeGroupVersion, &in); err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	in.Watch = isWatch
	if errs := metainternalversionvalidation.ValidateListOptions(&in, true); len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "ListOptions"}, "", errs)
	}
	o := &listOpts{labels: in.LabelSelector, fields: in.FieldSelector, limit: in.Limit, rvSet: in.ResourceVersion,
		match: in.ResourceVersionMatch, bookmark: in.AllowWatchBookmarks, initial: in.SendInitialEvents}
	if in.TimeoutSeconds != nil {
		o.timeout = *in.TimeoutSeconds
	}
	if o.labels == nil {
		o.labels = labels.Everything()
	}
	if o.fields == nil {
		o.fields = fields.Everything()
	}
	if in.ResourceVersion != "" {
		rv, err := strconv.ParseUint(in.ResourceVersion, 10, 64)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resource version: %s", in.ResourceVersion))
		}
		o.rv = rv
	}
	if err := c.checkFieldSelector(o.fields); err != nil {
		return nil, err
	}
	if in.Continue != "" {
		tok, err := decodeContinue(in.Continue)
		if err != nil {
			return nil, apierrors.NewBadRequest("invalid continue token: " + err.Error())
		}
		o.cont = tok
	}
	return o, nil
}
