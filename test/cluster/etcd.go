package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// CompactEtcd compacts etcd at its current revision and returns that
// revision: every resourceVersion before it expires. Watches of
// PodTemplates and CustomResourceDefinitions (which bypass the API server's
// watch cache here) from an older resourceVersion then end with an ERROR event, code 410, reason
// Expired, as on a long-running cluster.
func (e *Env) CompactEtcd(ctx context.Context) (int64, error) {
	var rng struct {
		Header struct {
			Revision string `json:"revision"`
		} `json:"header"`
	}
	// A range over one key returns the store's revision in its header.
	if err := e.etcdCall(ctx, "/v3/kv/range", map[string]any{"key": "L2t1YmVkeW4="}, &rng); err != nil {
		return 0, err
	}
	rev, err := strconv.ParseInt(rng.Header.Revision, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("compact etcd: revision %q: %w", rng.Header.Revision, err)
	}
	if err := e.etcdCall(ctx, "/v3/kv/compaction", map[string]any{"revision": strconv.FormatInt(rev, 10), "physical": true}, nil); err != nil {
		return 0, err
	}
	return rev, nil
}

// etcdCall posts a request to etcd's JSON gateway.
func (e *Env) etcdCall(ctx context.Context, path string, body, into any) error {
	data, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.Etcd+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("etcd %s: %w", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("etcd %s: HTTP %d: %s", path, resp.StatusCode, tail(string(out), 300))
	}
	if into != nil {
		return json.Unmarshal(out, into)
	}
	return nil
}
