// Command controller is a controller for any kind of Kubernetes object,
// built only on kubedyn's public packages: it is given a resource on the
// command line, the way kubectl takes one ("widgets.example.com", "deploy",
// "cm"), and reconciles every object of it:
//
//   - it sets a label (--label, default kubedyn.io/reconciled=true);
//   - it records the object's metadata.generation in an annotation
//     (--annotation, default kubedyn.io/observed-generation);
//   - where the resource has a status subresource (discovery lists
//     "<resource>/status"), it sets a status condition (--condition-type,
//     default Reconciled): status True, observedGeneration, reason, message
//     and lastTransitionTime, which changes only when the status does.
//
// # How it works
//
// rest.Load reads the kubeconfig (--kubeconfig, --context). Discovery
// (discovery.Cached) feeds a REST mapper (restmapper), which resolves the
// RESOURCE argument with kubectl's rules; a Follower (dynamic/follow)
// watches CRDs and APIServices and keeps both in step. An informer
// (dynamic/informer) caches a projection of the resource's objects
// (Options.Project: metadata, and status.conditions when there is a
// status, in compact form) and queues the key of each
// change in a work queue (dynamic/workqueue); --workers goroutines
// reconcile the keys.
//
// Each write is a JSON merge patch naming only the fields the controller
// sets, so others' labels, annotations and fields are kept, and carrying the
// resourceVersion it was computed from, so a patch from a stale copy fails
// with 409 Conflict instead of overwriting; the key is then retried with
// backoff. A patch is only sent when something differs, so the controller's
// own writes, which come back as watch events, end in no-ops. A reconcile
// that reads a cached copy its own write already replaced is skipped (the
// write's event is on its way), which saves the conflict it would cause.
//
// # Resources that come and go
//
// The controller starts even when the resource is not served (its CRD does
// not exist yet): it logs "waiting for resource to be served" once and
// looks again each time the Follower reports a discovery change, and on a
// backoff from 1s to 30s. When the CRD is deleted, the informer reports the
// resource gone; the controller stops its informer and workers, logs
// "resource gone; stopped work" once, and waits again. When the CRD comes
// back, possibly with other versions or without a status subresource,
// everything is looked up afresh and work resumes.
//
// # Leader election and shutdown
//
// With --leader-elect, replicas elect a leader on a coordination.k8s.io
// Lease (dynamic/leader) and only the leader reconciles; a replica that
// loses the Lease stops at once and rejoins the election. On SIGINT or
// SIGTERM the controller stops its informer, lets its workers finish
// what is queued (for up to --shutdown-timeout), releases its Lease and
// exits 0. With --shards it does not drain: it stops at once and releases
// its ranges, whose next owners list them.
//
// Logs are structured (log/slog) on stderr, as text or JSON (--log-format).
// With --metrics-bind-address it serves Prometheus metrics on /metrics,
// translated from kubedyn's rest.Observer events (metrics.go); it is a
// module of its own so that the library's users do not inherit the
// Prometheus client.
// See README.md for the flags and how to run it against the local control
// plane.
package main
