package rest

import "net/http"

// layers stacks the client's round trippers over base (nil means
// http.DefaultTransport), outermost first: Config.WrapTransport directly
// over base, below everything kubedyn adds.
func (c *Client) layers(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	rt := base
	if c.cfg.WrapTransport != nil {
		rt = c.cfg.WrapTransport(rt)
	}
	return rt
}
