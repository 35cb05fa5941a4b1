package discovery

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kubedyn/kubedyn/rest"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// maxDocument bounds one discovery document (the aggregated /apis of a
// server with thousands of CRDs is a few MiB).
const maxDocument = 64 << 20

// doc is one fetched document: what a cache keeps per path.
type doc struct {
	Body        []byte    `json:"body"`
	ContentType string    `json:"contentType"`
	ETag        string    `json:"etag,omitempty"`
	FetchedAt   time.Time `json:"fetchedAt"`
}

// docStore is the cache hook of a fetch: Cached implements it. A Client
// without one fetches every time.
type docStore interface {
	// load returns the last good document of key, and whether it may be
	// served without asking the server.
	load(key string) (d doc, ok, fresh bool)
	// save records a good document (fresh, or revalidated by a 304).
	save(key string, d doc)
	// failed records that a refresh of key failed while an older copy
	// is being served.
	failed(key string, err error)
}

// docKey is a document's cache key: Accept, path and query.
func docKey(path string, query url.Values, accept string) string {
	return accept + " " + path + "?" + query.Encode()
}

// keyGroup returns the group of a key naming a group-version list
// ("/api/v1", "/apis/apps/v1"), or nil.
func keyGroup(key string) *string {
	_, rest, ok := strings.Cut(key, " ")
	if !ok {
		return nil
	}
	path, _, _ := strings.Cut(rest, "?")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "api":
		g := ""
		return &g
	case len(parts) == 3 && parts[0] == "apis":
		return &parts[1]
	}
	return nil
}

// get fetches path with accept. With a store it sends If-None-Match when the
// stored copy has an ETag, answers a 304 from the stored copy, and serves
// the stored copy when the fetch fails (stale-while-error). Errors name the
// URL.
func (c *Client) get(ctx context.Context, path string, query url.Values, accept string) (doc, error) {
	return c.getDoc(ctx, &rest.Request{Path: path, Query: query, Header: http.Header{"Accept": {accept}}})
}

// getDoc is get for a prepared GET request (its Accept header set), so a
// caller can set rest.Request options such as NoRetry5xx.
func (c *Client) getDoc(ctx context.Context, req *rest.Request) (doc, error) {
	path, query, accept := req.Path, req.Query, req.Header.Get("Accept")
	key := docKey(path, query, accept)
	var old doc
	var haveOld, fresh bool
	if c.store != nil {
		old, haveOld, fresh = c.store.load(key)
	}
	if haveOld && fresh {
		c.observeCache(path, rest.DiscoveryCacheHit, old)
		return old, nil
	}
	d, err := c.fetch(ctx, req, old, haveOld)
	if err != nil {
		if haveOld && ctx.Err() == nil && !apierrors.IsNotFound(err) {
			c.store.failed(key, err)
			c.observeCache(path, rest.DiscoveryCacheStale, old)
			return old, nil
		}
		return doc{}, err
	}
	if c.store != nil {
		c.store.save(key, d)
		if haveOld && old.ETag != "" && d.ETag == old.ETag {
			c.observeCache(path, rest.DiscoveryCacheRevalidated, old)
		} else {
			c.observeCache(path, rest.DiscoveryCacheMiss, doc{})
		}
	}
	return d, nil
}

// observeCache reports one answer of the document cache to the client's
// observer: from is the cached document it served or revalidated (its age is
// reported), or the zero doc for a miss.
func (c *Client) observeCache(path string, result rest.DiscoveryCacheResult, from doc) {
	ev := rest.DiscoveryCacheEvent{Key: path, Result: result}
	if !from.FetchedAt.IsZero() {
		ev.Age = c.now().Sub(from.FetchedAt)
	}
	c.rc.Observe(ev)
}

func (c *Client) fetch(ctx context.Context, req *rest.Request, old doc, haveOld bool) (doc, error) {
	path := req.Path
	if haveOld && old.ETag != "" {
		req.Header.Set("If-None-Match", old.ETag)
	}
	resp, err := c.rc.Do(ctx, req)
	if err != nil {
		return doc{}, fmt.Errorf("discovery GET %s on %s: %w", path, c.rc.Host(), err)
	}
	defer resp.Body.Close()
	now := c.now()
	if resp.StatusCode == http.StatusNotModified && haveOld {
		old.FetchedAt = now
		return old, nil
	}
	if resp.StatusCode != http.StatusOK {
		return doc{}, fmt.Errorf("discovery GET %s on %s: unexpected HTTP %d", path, c.rc.Host(), resp.StatusCode)
	}
	body, err := readBody(resp.Body, resp.Header.Get("Content-Length"))
	if err != nil {
		return doc{}, fmt.Errorf("discovery GET %s on %s: reading body: %w", path, c.rc.Host(), err)
	}
	if len(body) > maxDocument {
		return doc{}, fmt.Errorf("discovery GET %s on %s: body larger than %d bytes", path, c.rc.Host(), maxDocument)
	}
	return doc{Body: body, ContentType: resp.Header.Get("Content-Type"), ETag: resp.Header.Get("ETag"), FetchedAt: now}, nil
}

// getLegacy fetches path as plain JSON and decodes a document of kind.
// noRetry5xx returns a 5xx answer at once (see rest.Request.NoRetry5xx).
func (c *Client) getLegacy(ctx context.Context, path, kind string, into any, noRetry5xx bool) error {
	d, err := c.getDoc(ctx, &rest.Request{Path: path, Header: http.Header{"Accept": {"application/json"}}, NoRetry5xx: noRetry5xx})
	if err != nil {
		return err
	}
	return c.decodeLegacyDoc(path, d, kind, into)
}

func (c *Client) decodeLegacyDoc(path string, d doc, kind string, into any) error {
	if agg, err := isAggregated(d.ContentType); err != nil || agg {
		if err == nil {
			err = fmt.Errorf("aggregated document where %s was asked for", kind)
		}
		return fmt.Errorf("discovery GET %s on %s: %w", path, c.rc.Host(), err)
	}
	if err := decodeLegacy(d.Body, kind, into); err != nil {
		return fmt.Errorf("discovery GET %s on %s: decoding %s: %w", path, c.rc.Host(), kind, err)
	}
	return nil
}

// readBody reads at most maxDocument+1 bytes of a response body into one
// buffer: of the announced length when there is one, else doubling from
// 4 KiB (io.ReadAll grows by a quarter at a time, copying a large body
// many times over).
func readBody(r io.Reader, contentLength string) ([]byte, error) {
	size := 4 << 10
	if n, err := strconv.Atoi(contentLength); err == nil && n >= 0 && n <= maxDocument {
		size = n + bytes.MinRead // room to see the end without growing
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(io.LimitReader(r, maxDocument+1))
	return buf.Bytes(), err
}
