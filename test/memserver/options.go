package memserver

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Options configure one server. The zero value serves the recorded built-in
// API of the default Kubernetes version with a five-minute watch history.
type Options struct {
	// Surface is the recorded API surface to serve (discovery documents and
	// OpenAPI v3). nil means [DefaultSurface].
	Surface *Surface
	// CRDs are CustomResourceDefinitions (apiextensions.k8s.io/v1 objects)
	// created before the server answers its first request.
	CRDs []*unstructured.Unstructured
	// Objects are created (in order, namespaces first if listed first)
	// before the server answers its first request.
	Objects []*unstructured.Unstructured
	// HistoryWindow is how long watch events stay replayable: a watch or a
	// continue token older than that answers 410 Expired, as after etcd's
	// compaction. 0 means 5 minutes (kube-apiserver's compaction interval).
	HistoryWindow time.Duration
	// HistoryEvents bounds the number of events kept for replay. 0 means
	// 100,000.
	HistoryEvents int
	// BookmarkInterval is how often a watch that allows bookmarks receives
	// one. 0 means one minute, like kube-apiserver.
	BookmarkInterval time.Duration
	// Clock gives creation and deletion timestamps and ages history. nil
	// means the wall clock.
	Clock Clock
	// Addr is the listen address. "" means 127.0.0.1:0 (a free port).
	Addr string
}

// Clock tells the time. k8s.io/utils/clock's clocks (real and fake)
// satisfy it.
type Clock interface {
	Now() time.Time
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (o Options) withDefaults() Options {
	if o.HistoryWindow <= 0 {
		o.HistoryWindow = 5 * time.Minute
	}
	if o.HistoryEvents <= 0 {
		o.HistoryEvents = 100_000
	}
	if o.BookmarkInterval <= 0 {
		o.BookmarkInterval = time.Minute
	}
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	return o
}
