package dynamic

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The functions below turn metav1 options into the query parameters the API
// server expects, with exactly the names and encodings of metav1's
// ParameterCodec (tested against it) but without reflection. Empty fields are
// left out. Each returns a fresh url.Values the caller may extend.

// listQuery returns the query parameters of a list or watch.
func listQuery(opts metav1.ListOptions) url.Values {
	q := url.Values{}
	setString(q, "labelSelector", opts.LabelSelector)
	setString(q, "fieldSelector", opts.FieldSelector)
	setBool(q, "watch", opts.Watch)
	setBool(q, "allowWatchBookmarks", opts.AllowWatchBookmarks)
	setString(q, "resourceVersion", opts.ResourceVersion)
	setString(q, "resourceVersionMatch", string(opts.ResourceVersionMatch))
	setInt64p(q, "timeoutSeconds", opts.TimeoutSeconds)
	if opts.Limit != 0 {
		q.Set("limit", strconv.FormatInt(opts.Limit, 10))
	}
	setString(q, "continue", opts.Continue)
	setBoolp(q, "sendInitialEvents", opts.SendInitialEvents)
	setString(q, "shardSelector", opts.ShardSelector)
	return q
}

// getQuery returns the query parameters of a get.
func getQuery(opts metav1.GetOptions) url.Values {
	q := url.Values{}
	setString(q, "resourceVersion", opts.ResourceVersion)
	return q
}

// createQuery returns the query parameters of a create.
func createQuery(opts metav1.CreateOptions) url.Values {
	return writeQuery(opts.DryRun, opts.FieldManager, opts.FieldValidation)
}

// updateQuery returns the query parameters of an update.
func updateQuery(opts metav1.UpdateOptions) url.Values {
	return writeQuery(opts.DryRun, opts.FieldManager, opts.FieldValidation)
}

// patchQuery returns the query parameters of a patch (including an apply's
// force).
func patchQuery(opts metav1.PatchOptions) url.Values {
	q := writeQuery(opts.DryRun, opts.FieldManager, opts.FieldValidation)
	setBoolp(q, "force", opts.Force)
	return q
}

// deleteQuery returns the query parameters of a delete or delete-collection.
// Preconditions have no query form; send them in the JSON body, which the
// server also accepts for every other field (see [deleteBody]). A field given
// both ways must agree.
func deleteQuery(opts metav1.DeleteOptions) url.Values {
	q := url.Values{}
	setInt64p(q, "gracePeriodSeconds", opts.GracePeriodSeconds)
	setBoolp(q, "orphanDependents", opts.OrphanDependents)
	if opts.PropagationPolicy != nil {
		q.Set("propagationPolicy", string(*opts.PropagationPolicy))
	}
	for _, d := range opts.DryRun {
		q.Add("dryRun", d)
	}
	setBoolp(q, "ignoreStoreReadErrorWithClusterBreakingPotential", opts.IgnoreStoreReadErrorWithClusterBreakingPotential)
	return q
}

func writeQuery(dryRun []string, fieldManager, fieldValidation string) url.Values {
	q := url.Values{}
	for _, d := range dryRun {
		q.Add("dryRun", d)
	}
	setString(q, "fieldManager", fieldManager)
	setString(q, "fieldValidation", fieldValidation)
	return q
}

func setString(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setBool(q url.Values, k string, v bool) {
	if v {
		q.Set(k, "true")
	}
}

func setBoolp(q url.Values, k string, v *bool) {
	if v != nil {
		q.Set(k, strconv.FormatBool(*v))
	}
}

func setInt64p(q url.Values, k string, v *int64) {
	if v != nil {
		q.Set(k, strconv.FormatInt(*v, 10))
	}
}

// deleteBody returns opts as the JSON body of a DELETE, with kind and
// apiVersion set as the server expects. Unlike the query form it carries
// preconditions.
func deleteBody(opts metav1.DeleteOptions) ([]byte, error) {
	opts.Kind, opts.APIVersion = "DeleteOptions", "meta.k8s.io/v1"
	data, err := json.Marshal(&opts)
	if err != nil {
		return nil, fmt.Errorf("encode DeleteOptions: %w", err)
	}
	return data, nil
}
