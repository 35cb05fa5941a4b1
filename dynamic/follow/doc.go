// Package follow keeps discovery in step with the server by following
// events instead of polling: a Follower watches CustomResourceDefinitions
// and APIServices and, when one changes what the server serves, invalidates
// exactly the affected API group in discovery's cache (discovery.Cached)
// and refreshes that group in a REST mapper (restmapper.Mapper), so that a
// CRD created while the Follower runs resolves through the mapper as soon as
// the server serves it — within a second of it becoming Established — and a
// deleted one stops resolving, with no lookup having to miss first.
//
// # Use
//
//	dc := discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{})
//	mapper := restmapper.New(dc, restmapper.Options{})
//	f, err := follow.New(follow.Options{Client: dyn, Cache: dc, Mapper: mapper})
//	go f.Run(ctx)
//	stop := f.Subscribe(func(c follow.Change) { ... }) // e.g. restart an informer when its CRD is back
//
// # What counts as a change
//
// For a CustomResourceDefinition, what discovery shows: whether it is
// Established, its served versions, the names the server accepted
// (status.acceptedNames), its scope and subresources. A CRD that becomes
// Established is reported as CRDEstablished; an Established one whose served
// versions or names change as CRDChanged; an Established one deleted as
// CRDDeleted. Status updates that change none of these (conditions other
// than Established, storedVersions, metadata) are ignored.
//
// For an APIService: being added or deleted, its Available condition, and its
// priorities (which decide the order of groups, hence which group wins a
// short name). Local APIServices (no backend service) mirror built-in and CRD
// groups; they are followed too, which matters when only APIServices may be
// watched.
//
// # Confirmation
//
// The server reports a change (a watch event) slightly before its discovery
// documents show it. So each change carries an expectation — the resources
// that must now resolve (plural.version.group) and those that must not, or
// the group-versions an APIService adds or removes — and the Follower
// refreshes the group (restmapper.Mapper.RefreshGroup, which drops the
// group from the cache first) until the mapper's index meets it, backing off
// from 20ms to 1s, for at most Options.ConfirmTimeout. Only then are
// subscribers told, so a subscriber may look the resource up at once.
// Changes of one group are merged and de-duplicated (a work queue keyed by
// group, package dynamic/workqueue); different groups are refreshed one at a
// time.
//
// # Start, resume and fallback
//
// Both watches run on the module's one list-and-watch engine (as
// dynamic.ResourceHandle.WatchResumable and the informer do): a dropped or
// hung connection resumes where it stopped, and an expired resourceVersion
// relists and delivers the difference, which the Follower handles like any
// other event. The initial state of the first watch is only recorded; once it
// is in, the cache and the mapper are told to rediscover once (Cache.Invalidate
// with no group, Mapper.Reset), because anything may have changed before the
// Follower started. Synced tells when that has happened.
//
// A caller that may not list and watch CustomResourceDefinitions or
// APIServices cluster-wide (403 Forbidden), or a server that does not serve
// them, gets no event-driven invalidation for that resource: the Follower
// says so once, at Warn level on Options.Logger, naming each refused watch
// and why, and retries quietly with a jittered backoff of up to
// Options.RetryInterval. Meanwhile the
// mapper's own refresh on miss (see package restmapper) is what finds new
// resources: a named group is reloaded on a miss, so new CRDs are still
// found, but deleted ones keep resolving until a refresh. When a retry
// succeeds, one Info message says so, and the list that follows is
// compared with what was known, so changes made meanwhile are acted on (a
// watch that never had an initial state asks for one rediscovery instead).
//
// Other failures (a server still starting, a dropped connection, a stream
// that cannot be decoded) are not a fallback and are logged only at Debug:
// they are retried with the same backoff, and Synced waits for them.
package follow
