// Package restmapper maps kinds to resources and kubectl resource strings
// to REST mappings, from what discovery says the server serves, with no
// compiled-in types.
//
// Use a Mapper wherever apimachinery takes a meta.RESTMapper or
// meta.ResettableRESTMapper, and Mapper.Resolve / Mapper.ResolveAll where a
// user typed a resource string ("po", "deploy.apps", "hpa.autoscal",
// "widgets.v1beta1.example.com", "all"). Use an Index (NewIndex) to answer
// the same questions from discovery documents you already hold, with no I/O.
//
// # Answers
//
// A Mapper gives the answers kubectl 1.36 gives: the same choices as
// client-go's shortcut expander over its PriorityRESTMapper, built the way
// kubectl builds them, checked by hand against kubectl v1.36.3 (see
// testdata/kubectl-1.36.txt and kubectl_test.go).
//
// Version priority within a group: the group's preferred version first,
// then its other versions in the order the server lists them (which is
// Kubernetes version order, v1 > v1beta2 > v1beta1 > v1alpha1).
//
// Priority across groups: when a bare name (plural, singular, short name or
// kind) exists in several groups, the group that comes first in the
// server's discovery order wins: the core group first, then /apis in the
// order the server lists it (by APIService groupPriorityMinimum, highest
// first, then by name), exactly as kubectl does. So "events" is core
// events, not events.k8s.io, and a CRD can never take "po" or "deploy" from
// a built-in. A short name several resources share resolves the same way,
// and Options.Warn receives kubectl's warning naming each lower-priority
// resource. A tie kubectl cannot break (two resources of one group-version)
// is a *meta.AmbiguousResourceError listing every candidate; Candidates
// lists them all for tools that ask their user.
//
// # Resource strings
//
// Resolve reads a string the ways kubectl reads it, in this order:
// resource.version.group (if it has two dots), then resource[.group], then
// Kind.version.group and Kind[.group]. The resource part may be a plural,
// singular or short name; a group may be a prefix of the real group
// ("deployments.app", "hpa.autoscal"). Case rules are kubectl's, quirks
// included: the resource part is lowercased before matching plural and
// singular names ("WIDGETS", "Widgets.example.com" and "POD" resolve), but
// short names are matched exactly ("DEPLOY" fails) and groups are never
// lowercased ("deploy.APPS" fails). A kind with no group is looked up in
// the core group only, so a CRD whose singular is not its lowercase kind is
// not found by bare kind, as in kubectl. A short name given with a version
// ("hpa.v1.autoscaling") loses the version, as in kubectl, and yields the
// preferred version. Subresources are not part of a resource string:
// "deployments/scale" is an error (kubectl reads it as TYPE/NAME).
// ResolveAll takes kubectl's comma lists and categories ("all",
// "deploy,svc", "all,crds").
//
// # Refresh on miss
//
// A Mapper runs discovery on first use and answers from an immutable index
// published atomically: a warm lookup takes no lock and makes map lookups
// only (no scan of all resources), with at most two allocations (mappings
// are shared; do not modify them). The index of kinds is built with each
// run; the maps of resource names, short names and categories on the first
// lookup that needs them, so a mapper asked only for RESTMappings never
// builds them. A lookup that finds nothing refreshes
// once and retries:
//   - a string or resource naming a group reloads only that group with a
//     one-shot lookup (Source.ServerGroupAndResources); a bare name
//     reloads everything;
//   - concurrent callers share one fetch (singleflight), and a full run
//     starts at most once per Options.MinRefreshInterval: a miss that comes
//     sooner waits for it, so a kind installed just after a run is found;
//   - a lookup that still misses fails with a no-match error
//     (meta.IsNoMatchError) and fails at once, with no I/O, for
//     Options.NegativeTTL, so a loop over a missing kind cannot storm the
//     server. The price: each distinct name that truly does not exist
//     waits up to MinRefreshInterval once (less with a shorter interval, or
//     cancel ctx).
//
// No lock is held across network I/O. A partial discovery run keeps the
// last good data of the group-versions that failed. Reset marks the index
// stale: the next lookup, hit or miss, rediscovers first. A Source that
// caches (Invalidator) is told to drop its cache before every run after
// the first. A group reloaded alone
// that is new to the index is placed after all known groups until the next
// full run places it in server order; a group prefix of a group created
// since the last full run ("x.new-gro") is not found until a full run.
//
// # Discovery
//
// A Mapper reads the server through a Source: any value with a full run and
// a one-shot group lookup, ctx first. StaticSource serves recorded
// documents.
package restmapper
