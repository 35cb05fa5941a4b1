package rest

import "time"

// Observer receives what a client, and the kubedyn packages built on it,
// do: one [Event] per request attempt, discovery cache lookup, mapper
// refresh, watch reconnect and relist. It is the seam for metrics
// (Prometheus, OpenTelemetry, expvar): kubedyn depends on none of them, the
// observer translates.
//
// Observe is called synchronously, from the goroutine doing the work and
// possibly from many at once: it must be safe for concurrent use, quick,
// and must not block or call back into the client. Switch on the event's
// type and ignore types you do not know: new ones may be added.
type Observer interface {
	Observe(Event)
}

// ObserverFunc adapts a function to an [Observer].
type ObserverFunc func(Event)

// Observe calls f(ev).
func (f ObserverFunc) Observe(ev Event) { f(ev) }

// Event is one of the event types below; the set is closed to this package
// so that it can grow without breaking observers.
type Event interface {
	event()
}

// RequestEvent is one HTTP exchange of [Client.Do]: each retry and each
// redirect is an event of its own. It is reported when the response body is
// closed (or read to its end), or at once when no response came.
type RequestEvent struct {
	// Verb is the Kubernetes verb the request reads as: get, list, watch,
	// create, update, patch, delete, deletecollection; for a path that is
	// not a resource (discovery, /version, /openapi/v3) the lower-case
	// HTTP method.
	Verb string
	// Method is the HTTP method; Host the server's host:port.
	Method, Host string
	// Group, Version, Resource and Subresource come from the path (""
	// where the path has none; Group is "" for the core group, too).
	Group, Version, Resource, Subresource string
	// Namespace is the path's namespace, "" for cluster-scoped paths.
	Namespace string
	// StatusCode is the HTTP status, 0 when no response came (see Err).
	StatusCode int
	// Latency runs from sending the request to receiving the response
	// headers.
	Latency time.Duration
	// RequestBytes and ResponseBytes count the body bytes sent and read
	// (after decompression).
	RequestBytes, ResponseBytes int64
	// Err is the transport error when no response came, nil otherwise.
	Err error
}

// DiscoveryCacheResult is the outcome of one discovery cache lookup.
type DiscoveryCacheResult string

// Discovery cache outcomes.
const (
	// DiscoveryCacheHit: answered from a fresh copy, no request sent.
	DiscoveryCacheHit DiscoveryCacheResult = "hit"
	// DiscoveryCacheRevalidated: a copy the server confirmed unchanged (304).
	DiscoveryCacheRevalidated DiscoveryCacheResult = "revalidated"
	// DiscoveryCacheMiss: no copy, or the server sent a new one.
	DiscoveryCacheMiss DiscoveryCacheResult = "miss"
	// DiscoveryCacheStale: the refresh failed and an older copy was used.
	DiscoveryCacheStale DiscoveryCacheResult = "stale"
)

// DiscoveryCacheEvent is one lookup of a discovery document in a cache.
type DiscoveryCacheEvent struct {
	// Key names the document ("/api", "/apis", "/apis/apps/v1", ...).
	Key    string
	Result DiscoveryCacheResult
	// Age is how old the copy used is (0 for a miss): now minus when it
	// was fetched.
	Age time.Duration
}

// MapperRefreshEvent is one refresh of a REST mapper from discovery.
type MapperRefreshEvent struct {
	// Reason says why: "first use", "no match", "invalidated", ...
	Reason string
	// Groups lists the API groups refreshed; nil means all.
	Groups []string
	// Duration is how long the refresh took.
	Duration time.Duration
	// Err is the refresh's error, nil when it succeeded.
	Err error
}

// WatchReconnectEvent is a list-and-watch engine opening a new watch after
// the previous one ended (the server's timeout, a dropped connection, an
// error event), without relisting.
type WatchReconnectEvent struct {
	Group, Version, Resource, Namespace string
	// Cause is why the previous watch ended; nil for a clean end.
	Cause error
	// Backoff is the wait before the new watch.
	Backoff time.Duration
}

// RelistEvent is a list-and-watch engine listing again (its resource
// version expired with 410 Gone, or a watch could not be resumed).
type RelistEvent struct {
	Group, Version, Resource, Namespace string
	// Cause is why it relisted.
	Cause error
	// Items is how many objects the new list held, -1 when it failed.
	Items int
	// Duration is how long the list took.
	Duration time.Duration
}

func (RequestEvent) event()        {}
func (DiscoveryCacheEvent) event() {}
func (MapperRefreshEvent) event()  {}
func (WatchReconnectEvent) event() {}
func (RelistEvent) event()         {}

// Observe reports ev to Config.Observer; without one it does nothing. The
// packages built on the client (discovery, restmapper, dynamic) report
// their events through it.
func (c *Client) Observe(ev Event) {
	if c.cfg.Observer != nil {
		c.cfg.Observer.Observe(ev)
	}
}
