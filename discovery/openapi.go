package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// openAPIIndex is the document at /openapi/v3.
type openAPIIndex struct {
	Paths map[string]struct {
		ServerRelativeURL string `json:"serverRelativeURL"`
	} `json:"paths"`
}

// OpenAPIV3Paths returns the server's OpenAPI v3 index: each group-version
// path ("api/v1", "apis/apps/v1") mapped to its server-relative URL, which
// carries an immutable ?hash=.
func (c *Client) OpenAPIV3Paths(ctx context.Context) (map[string]string, error) {
	d, err := c.get(ctx, "/openapi/v3", nil, "application/json")
	if err != nil {
		return nil, err
	}
	return parseOpenAPIIndex(d.Body, c.rc.Host())
}

// parseOpenAPIIndex decodes /openapi/v3 (pure).
func parseOpenAPIIndex(body []byte, host string) (map[string]string, error) {
	var idx openAPIIndex
	if err := strictJSON(body, &idx); err != nil {
		return nil, fmt.Errorf("discovery GET /openapi/v3 on %s: %w", host, err)
	}
	if idx.Paths == nil {
		return nil, fmt.Errorf("discovery GET /openapi/v3 on %s: no \"paths\" in the index", host)
	}
	out := make(map[string]string, len(idx.Paths))
	for p, v := range idx.Paths {
		out[p] = v.ServerRelativeURL
	}
	return out, nil
}

// OpenAPIV3Schema returns the OpenAPI v3 document of one group-version
// path ("apis/apps/v1", "api/v1") as JSON. It reads the index for the
// current ?hash= URL; documents are cached by that URL, which the server
// never reuses for different content.
func (c *Client) OpenAPIV3Schema(ctx context.Context, groupVersionPath string) ([]byte, error) {
	paths, err := c.OpenAPIV3Paths(ctx)
	if err != nil {
		return nil, err
	}
	rel, ok := paths[groupVersionPath]
	if !ok {
		return nil, fmt.Errorf("discovery on %s: no OpenAPI v3 document for %q", c.rc.Host(), groupVersionPath)
	}
	c.oapi.mu.Lock()
	cached, ok := c.oapi.m[rel]
	c.oapi.mu.Unlock()
	if ok {
		return cached, nil
	}
	u, err := url.Parse(rel)
	if err != nil || u.Path == "" || u.Path[0] != '/' {
		return nil, fmt.Errorf("discovery on %s: bad OpenAPI v3 URL %q for %q", c.rc.Host(), rel, groupVersionPath)
	}
	d, err := c.get(ctx, u.Path, u.Query(), "application/json")
	if err != nil {
		return nil, err
	}
	if !json.Valid(d.Body) {
		return nil, fmt.Errorf("discovery GET %s on %s: the OpenAPI v3 document is not valid JSON", rel, c.rc.Host())
	}
	if u.Query().Get("hash") != "" {
		c.oapi.mu.Lock()
		c.oapi.m[rel] = d.Body
		c.oapi.mu.Unlock()
	}
	return d.Body, nil
}
