package memserver

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// listResult is one page of a list.
type listResult struct {
	items     [][]byte
	rv        uint64
	cont      string
	remaining *int64
}

// list answers GET on a collection.
func (c *call) list() error {
	o, err := c.parseListOptions(false)
	if err != nil {
		return err
	}
	v, err := c.view()
	if err != nil {
		return err
	}
	res, err := c.listObjects(o)
	if err != nil {
		return err
	}
	switch v {
	case viewTable:
		return c.respondTable(res)
	case viewMeta:
		c.flushWarnings()
		writeRaw(c.w, http.StatusOK, "application/json", c.encodeMetaList(res))
		return nil
	}
	c.flushWarnings()
	writeRaw(c.w, http.StatusOK, "application/json", c.encodeList(res))
	return nil
}

// listObjects reads the page o asks for.
func (c *call) listObjects(o *listOpts) (*listResult, error) {
	st := c.s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	at := uint64(0) // 0: now
	switch {
	case o.cont != nil:
		at = uint64(o.cont.RV)
		if at < st.compacted {
			return nil, errContinueExpired()
		}
	case o.rv > st.rv:
		return nil, errTooLargeRV(o.rv, st.rv)
	case o.match == metav1.ResourceVersionMatchExact:
		at = o.rv
		if at < st.compacted {
			return nil, apierrors.NewResourceExpired("The resourceVersion for the provided list is too old.")
		}
	}
	snap, err := st.snapshotLocked(c.gr(), c.ns, at)
	if err != nil {
		return nil, err
	}
	rv := at
	if rv == 0 {
		rv = st.readRVLocked()
	}
	return c.page(snap, o, rv), nil
}

// page filters and cuts a snapshot.
func (c *call) page(snap []kv, o *listOpts, rv uint64) *listResult {
	m := matcher{labels: o.labels, fields: o.fields, res: c.res}
	out := &listResult{rv: rv}
	start := ""
	if o.cont != nil {
		start = o.cont.Start
		if c.ns != "" {
			start = c.ns + "/" + start
		}
	}
	for i, e := range snap {
		if start != "" && e.sort < start {
			continue
		}
		if !m.everything() && !m.matches(mustDecode(e.obj)) {
			continue
		}
		out.items = append(out.items, e.obj)
		// A full page with keys left after it (matching or not: etcd does
		// not know before reading them) carries a continue token.
		if o.limit > 0 && int64(len(out.items)) == o.limit {
			if i+1 < len(snap) {
				last := e.sort
				if c.ns != "" {
					last = e.key.name
				}
				out.cont = encodeContinue(last, rv)
				if m.everything() {
					n := int64(len(snap) - i - 1)
					out.remaining = &n
				}
			}
			break
		}
	}
	return out
}

// encodeList writes a List document around stored items.
func (c *call) encodeList(res *listResult) []byte {
	return encodeListAs(res, c.listKind(), c.res.gvr.GroupVersion().String(), c.listItem, c.res.crd != nil)
}

// listItem is one item of a list: built-in lists are typed, and their
// items carry no apiVersion and kind; custom resources' items do.
func (c *call) listItem(raw []byte) []byte {
	if c.res.crd != nil {
		return c.present(raw)
	}
	o := mustDecode(raw)
	delete(o, "apiVersion")
	delete(o, "kind")
	return mustEncode(o)
}

// listKind is the kind of the resource's lists.
func (c *call) listKind() string {
	if c.res.crd != nil && c.res.crd.listKind != "" {
		return c.res.crd.listKind
	}
	return c.res.kind + "List"
}

// encodeListAs writes a list of the given kind, each item through item.
// Unstructured lists (custom resources) always carry "continue".
func encodeListAs(res *listResult, kind, apiVersion string, item func([]byte) []byte, alwaysContinue bool) []byte {
	var b bytes.Buffer
	b.WriteString(`{"kind":"`)
	b.WriteString(kind)
	b.WriteString(`","apiVersion":"`)
	b.WriteString(apiVersion)
	b.WriteString(`","metadata":{"resourceVersion":"`)
	b.WriteString(strconv.FormatUint(res.rv, 10))
	b.WriteString(`"`)
	if res.cont != "" || alwaysContinue {
		b.WriteString(`,"continue":"` + res.cont + `"`)
	}
	if res.remaining != nil {
		b.WriteString(`,"remainingItemCount":` + strconv.FormatInt(*res.remaining, 10))
	}
	b.WriteString(`},"items":[`)
	for i, it := range res.items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(item(it))
	}
	b.WriteString("]}")
	return b.Bytes()
}

// errContinueExpired is the 410 for a continue token older than history.
func errContinueExpired() error {
	return apierrors.NewResourceExpired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
}

// errTooLargeRV is the 504 for a resourceVersion the server has not
// reached (kube-apiserver waits up to 3 s first; memserver answers at once
// because nothing else writes).
func errTooLargeRV(asked, current uint64) error {
	err := apierrors.NewTimeoutError(fmt.Sprintf("Too large resource version: %d, current: %d", asked, current), 1)
	err.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeResourceVersionTooLarge, Message: "Too large resource version"}}
	return err
}

var _ = time.Second

// encodeMetaList writes a PartialObjectMetadataList.
func (c *call) encodeMetaList(res *listResult) []byte {
	return encodeListAs(res, "PartialObjectMetadataList", "meta.k8s.io/v1", func(b []byte) []byte { return partialMeta(c.present(b)) }, false)
}
