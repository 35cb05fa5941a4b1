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
//	inf := informer.New(client.Resource(gvr), informer.Options[*unstructured.Unstructured]{})
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
// same change twice. The engine keeps no record of its own: it reads the
// cache's keys and resourceVersions to tell what is new, so the cache is
// the only copy of the objects and of their keys. Every
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
// ([Lister.Namespace]), ByIndex. A full-object informer keeps each object
// in compact form (below), so each object a Lister returns is a new tree,
// the caller's to change; index functions run once per change, on the
// object as it arrives, and label selectors read the compact form in
// place. Metadata informers, and full-object ones with
// Options.StoreTrees, return the cached objects themselves, shared with
// every other reader and handler: they are read-only (DeepCopy before
// changing one).
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
// # Memory: the compact store
//
// A full-object informer ([New]) keeps each object in compact form
// (package unstructured/compact): one immutable string of bytes per object,
// whose keys and repeated short values (apiVersion and kind, namespaces,
// label and annotation keys and values, images, condition types) are small
// numbers into a table the informer's objects share, without
// metadata.managedFields (server-side apply bookkeeping that controllers
// rarely read; Options.KeepManagedFields keeps them), and with each
// string value of 256 bytes or more Huffman-coded when that saves a
// quarter of it (see below). Listers, handlers
// and index functions get *unstructured.Unstructured trees as before: a
// lister read builds a new tree from the compact form (no parsing: the
// counts are known, keys and repeated values come boxed from the table),
// which takes a sixth to two fifths of the time of decoding the object's
// JSON again, with fewer allocations (test/bench BenchmarkCompactRead),
// and is not retained. This is a change from earlier releases, where the
// cache held decoded trees with managedFields and listers handed them out
// shared; Options.StoreTrees brings that back.
//
// Options.Project keeps a projection instead: apiVersion, kind, the
// metadata a controller keys and filters on (name, namespace, uid,
// resourceVersion, labels, annotations, ownerReferences, generation,
// deletionTimestamp, finalizers) and the named field paths
// ("spec.replicas", "status.conditions"). A projected object carries the
// annotation "kubedyn.io/projection" naming the paths, so that nobody
// mistakes it for the whole object.
//
// Options.Lean keeps its meaning for the informers that keep objects as
// they are (metadata informers, StoreTrees); the compact store does more
// than Lean did, so it has nothing left to do there.
//
// Measured in test/bench (BenchmarkCompactMemory: 10,000 objects served
// as a streaming list, live heap after two GCs, in one run beside
// client-go v0.37.2's dynamic informer, 3 runs on 2026-12-07), per cached
// object:
//
//	                               pod (5.3 KB JSON)    ConfigMap (1.9 KB JSON)
//	client-go default              31.5 KiB             5.58 KiB
//	client-go, managedFields
//	  stripped by a transform      24.1 KiB             3.18 KiB
//	kubedyn, StoreTrees            26.0 KiB             4.87 KiB
//	kubedyn, compact (default)     1.25 KiB (0.040×)    1.00 KiB (0.180×)
//	  with UncompressedStrings     1.25 KiB (0.040×)    1.38 KiB (0.247×)
//	kubedyn, two-path projection   0.36 KiB (0.012×)    0.22 KiB (0.040×)
//
// (ratios to client-go's default). The objects have data of their own, as
// real ones do: each pod its name, uid, node, container ids and a config
// checksum, with 4 labels, 4 annotations and one owner reference; each
// ConfigMap 1,152 bytes of properties no other ConfigMap shares, 3 labels,
// no annotations or owners. The projections are spec.nodeName and
// status.conditions for pods, data.LOG_FORMAT and data.replica for
// ConfigMaps; what is left of them is mostly that metadata. A compact
// ConfigMap's own strings (the properties, name, uid, resourceVersion and
// replica: 1,212 bytes) are 0.21× client-go's 5.58 KiB before any
// structure, which no encoding short of compression shrinks: the
// properties (random hex digits, about 4 bits each) are kept in 680 bytes
// Huffman-coded, so that its encoding takes about 775 bytes (an 896-byte
// allocation; 1,248 uncoded), its Object 32 and the store's maps and
// shared table the other ~100. The compact objects are
// decoded straight from the wire (dynamic's WatchCompact), and the
// list-and-watch engine reads the cache as its record, so nothing else is
// kept per object: a sync of 2,000 objects allocates a twelfth of what
// keeping trees does for ConfigMaps, a fiftieth for pods
// (BenchmarkCompactSync). An informer with a Transform, or a sharded one,
// decodes trees (which the Transform and the shard's filter read) and
// builds the compact form from them, as the store did before. The cost
// grows linearly (BenchmarkCompactScale): 100,000 ConfigMaps take 984
// bytes each in an informer, 1,035 at 10,000 in the same run.
//
// Long strings are coded by default, a deliberate trade of a little CPU
// per read for memory: each string value of 256 bytes or more (a config
// file, a script, a certificate) is kept as a Huffman code of its bytes
// (package unstructured/compact) when that saves at least a quarter of
// it, and decoded on every read that includes it, so that listers and
// handlers get the original string back. The code saves what the bytes'
// frequencies allow (0.59–0.66 of a kilobyte of hex properties, YAML or
// JSON is kept; base64 is kept as it is), not repeats, and decodes at
// about 2–2.5 ns per byte by table lookups. On the ConfigMaps above a
// lister Get costs 3.9–4.4 µs instead of 1.2–1.7 µs with
// Options.UncompressedStrings, against 10.4–12.3 µs to decode the JSON
// again, and a list of 500 1.8–3.5 ms instead of 0.6–1.1 (5.2–5.5 to
// decode; BenchmarkCompactRead, 3 interleaved runs on a loaded 2-core
// machine); coding costs about 3 µs per ConfigMap while syncing
// (BenchmarkCompactBuild), where DEFLATE (opt-in before, now removed),
// which kept 835 bytes per ConfigMap, cost 17–25 µs to build and 13–15
// µs per Get. Pods, which have no such strings, are unchanged.
// UncompressedStrings keeps every string as it is, for caches whose long
// strings are read far more often than memory matters.
//
// # Shards
//
// Options.Shard restricts an informer to the objects whose uid (or
// namespace) hashes into a set of ranges (a dynamic/shard.Selector), so
// that the replicas of a controller split the objects between them. The
// engine makes a probe list of one item with the selector: when the server
// echoes it (metadata.shardInfo.selector: the ShardedListAndWatch gate,
// Kubernetes 1.36+), it sends the selector on every list and watch and
// receives only its objects' events; otherwise it receives everything and
// drops what is outside the ranges on arrival ([Informer.ShardMode] says
// which). Ownership is the same either way. [Informer.SetShard] changes the
// ranges — a shard.Member's OnChange calls it: what left is deleted from
// the cache before it returns (an OnDelete each), and the ranges gained are
// listed and arrive as adds (the engine restarts with the new selector,
// reading the cache as its record, so nothing held is delivered again). An
// informer whose ranges are empty lists nothing and is synced with nothing.
package informer
