// Package listwatch is the one list-and-watch engine of package dynamic and
// its subpackages: [dynamic.ResourceHandle.WatchResumable], the informer and
// follow are thin users of [Run]. It lists (by pages, or by a streaming list
// ended by the server's initial-events-end bookmark, bounded in time),
// watches, resumes from the last resourceVersion after a dropped connection
// or a server timeout, lists again after 410 Expired and delivers the
// difference from what it had delivered, and backs off with jitter
// (package pause) after every attempt that failed or made no progress.
//
// # The error policy
//
// Every failed attempt is classified once, in policy.go:
//
//	410 Expired, Gone             list again, deliver the difference (no ERROR event)
//	404 NotFound                  end (the resource is gone), unless RetryRefusal
//	400, 401, 403, 405, 422       end with EndOnRefusal; else report, back off, retry
//	anything else                 report, back off, retry: 429 and 5xx answers, ERROR events
//	                              with such codes, undecodable streams
//	a dropped or hung connection  reconnect quietly (back off when the attempt made no progress)
//
// "Report" is an ERROR event with Final unset (and one log line when a
// series of failures starts, one when it ends); "end" is one with Final
// set, after which Run returns. The ending of refusals is the one thing
// users choose ([Ending]): a CLI stops on them (EndOnRefusal, the
// default), a controller keeps retrying and reports each failure until the
// resource is gone (RetryUntilGone), follow retries everything
// (RetryRefusal). The server does not re-authorise an open watch, so a
// revoked permission shows at the next reconnect.
//
// # What is delivered once
//
// The engine records what it delivered, by key and resourceVersion
// ([RecordKeys]) or with the objects themselves ([RecordObjects], so that a
// DELETED event synthesised after a relist carries the last object
// delivered), or reads the consumer's own store as its record ([Held]: the
// informer, whose cache is then the only copy of its keys; a relist tracks
// the keys it sees only when the store was not empty at its start). An ADDED or
// MODIFIED event whose object has the resourceVersion already delivered for
// its key is not delivered again, nor a DELETED event for a key not held.
//
// # Seams
//
// Decoding belongs to the [Source]: the content type (JSON or CBOR) and
// the decoded form (a tree, or a compact or projected object:
// [CompactSource]) are whatever its List and Watch return. Every object enters the engine through one
// method (engine.object), where Options.Shard filters (shard.go): a
// run with a Shard probes once (a list of one item with the selector),
// sends the selector on list and watch when the list's
// metadata.shardInfo.selector echoes it, and checks every arriving object
// either way; an object outside the shard is left out of a list (a held
// one is deleted at its end) and becomes a DELETED in a watch (so a held
// one leaves). Every reconnect, relist and fallback passes through engine.note, which calls
// [Options.Observe]: the place for an observer of the whole client.
package listwatch
