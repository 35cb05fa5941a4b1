// Package informer keeps in-memory caches of any resource's objects in step
// with a Kubernetes API server, for controllers that work on resources they
// were not compiled against: custom resources above all.
//
// # Informers
//
// An [Informer] lists one resource (a [dynamic.ResourceHandle]: a
// schema.GroupVersionResource, in one namespace or all) and then watches
// it, keeping a cache of its objects and calling handlers on every change:
//
//	inf := informer.New(client.Resource(gvr), informer.Options[*unstructured.Unstructured]{Lean: true})
//	inf.AddHandler(informer.HandlerFuncs[*unstructured.Unstructured]{
//		AddFunc:    func(obj *unstructured.Unstructured, initial bool) { queue.Add(informer.KeyOf(obj)) },
//		UpdateFunc: func(old, obj *unstructured.Unstructured) { queue.Add(informer.KeyOf(obj)) },
//		DeleteFunc: func(obj *unstructured.Unstructured) { queue.Add(informer.KeyOf(obj)) },
//	})
//	go inf.Run(ctx)
//	if err := inf.WaitForSync(ctx); err != nil { … }
//	pods := inf.Lister().Namespace("web").List(selector)
//
// The informer is a user of the module's one list-and-watch engine, as
// dynamic's WatchResumable and follow are. The initial state comes from a
// streaming list (a watch with sendInitialEvents=true, ended by the
// server's initial-events-end bookmark) when the server takes one, which
// is decided by asking it, not by its version: a server that answers 400
// or 422, or does not end the initial state within
// Options.InitialEventsTimeout (60s), is listed with List, in pages of
// 500, from then on (logged once). The watch then resumes from the last
// resourceVersion seen (bookmarks are asked for to keep it fresh) after a
// dropped or hung connection or the server's watch timeout, so no event is
// lost or repeated. When the resourceVersion has expired (410 Gone, after
// an etcd compaction or on a resource without a watch cache) the informer
// lists again and delivers only the difference between its cache and the
// new list: an add for each new object, an update for each object whose
// resourceVersion changed, a delete (with the last cached state) for each
// object missing from the list. Unchanged objects cause no call. So the
// cache always converges to the server's state and no handler sees the
// same change twice. The engine records only keys and resourceVersions of
// what it delivered: the cache is the only copy of the objects. Every
// attempt that fails or makes no progress is followed by a jittered
// backoff (up to Options.MaxBackoff); 401 and 403 are retried (a
// controller waits for its permissions) and logged once per series.
//
// HasSynced and WaitForSync tell when the cache first held the server's
// state. Options.ResyncPeriod adds client-go's periodic resync:
// OnUpdate(obj, obj) for every cached object.
//
// # Handlers
//
// Each handler ([Handler], or [HandlerFuncs]) runs on its own goroutine
// from an unbounded queue, so a slow handler delays only itself, and sees
// the changes in the order the cache saw them. A handler added while the
// informer runs first gets OnAdd(obj, true) for every cached object;
// [Registration.HasSynced] says when it has had them all. Run returns after
// the handlers have drained their queues.
//
// # Cache, indices and listers
//
// The cache holds objects by namespace, then name (the [Key]; a
// cluster-scoped object's namespace is ""), so listing one namespace needs
// no index and the cache allocates no "namespace/name" string per object.
// Options.Indexers adds indices: [IndexByNamespace], [IndexByLabel],
// [IndexByField], or any [IndexFunc]. A [Lister] reads the cache: Get by
// key, List by label selector in all namespaces or one
// ([Lister.Namespace]), ByIndex. Listers return the cached objects
// themselves, shared with every other reader and handler: they are
// read-only (DeepCopy before changing one).
//
// # Metadata-only informers
//
// [NewMetadata] makes an informer of *metav1.PartialObjectMetadata, listed
// and watched with the server's metadata view (dynamic's ListMetadata and
// WatchMetadata): names, labels, annotations, owners and finalizers, without
// spec or status, for controllers that need no more (garbage collectors,
// label-driven dispatchers). It has everything a full informer has.
//
// # Shared factory
//
// A [Factory] hands out one informer per resource (and per view, full or
// metadata) however many consumers ask, so there is one list and one watch
// per resource. Start runs the informers asked for so far and every later
// one; WaitForCacheSync waits for all; Shutdown stops them and waits.
//
// # When the resource goes away
//
// A custom resource disappears when its CRD is deleted: the server deletes
// its objects (the informer passes on their deletes), ends the watches, and
// answers 404 NotFound. The informer then stops listing and watching,
// empties its cache with an OnDelete for each object left, moves to
// StateGone ([Informer.State]) and tells handlers that implement
// [StateHandler]. It polls for the resource with backoff (1s, doubling, up
// to Options.GonePoll), asking Options.Discovery (a *discovery.Client)
// whether the group-version lists it or, without one, the resource itself
// with a List of limit 1. An Options.Notifier makes it retry at once when
// the group changes, and makes a running informer check discovery and stop
// when the resource has left it; a [Broadcaster] turns any event source into
// one, for instance dynamic/follow's Follower, which watches CRDs and
// APIServices and tells its subscribers once discovery shows a change:
//
//	b := informer.NewBroadcaster()
//	follower.Subscribe(func(c follow.Change) { b.Notify(c.Group) })
//
// When the resource is served again the informer moves to StateStarting,
// lists, and is StateSynced again. With
// Options.Logger, each transition is one log line: no line per retry.
//
// # Memory
//
// Options.Transform changes each object before it is cached (drop fields
// a controller never reads). Options.Lean, after it, drops managedFields
// and interns strings ([LeanUnstructured], [LeanMetadata]): map keys and
// repeated values are stored once for all objects. Together with the
// cache's layout (no "namespace/name" key or namespace index entry per
// object) this is what makes a lean informer smaller than client-go's:
// measured in test/bench (BenchmarkInformerMemory, 10,000 objects, live
// heap after GC), a lean kubedyn informer holds about 0.37× the bytes per
// ConfigMap and 0.55× per Pod of client-go's default dynamic informer, and
// about 0.78× of client-go's with a managedFields-stripping transform. What
// is left is mostly Go maps (about 330 bytes each, however few entries),
// which *unstructured.Unstructured imposes.
package informer
