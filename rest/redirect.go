package rest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects one attempt follows, as net/http's
// default policy.
const maxRedirects = 10

// checkRedirect is the redirect policy of every client, a caller's
// Config.HTTPClient included (its own CheckRedirect then runs after it).
//
// A redirect from https to any other scheme is refused, whatever the host:
// following it would send the Authorization header (bearer token or basic
// auth), impersonation headers and the request body in clear text, and the
// answer would come from a server nobody authenticated. Dropping the
// credentials instead would turn a security problem into a confusing 401
// or, worse, an anonymous answer taken for the real one; an API server
// never needs such a redirect. net/http already drops Authorization on a
// redirect to another host; a redirect within https or within plain http
// is followed as net/http does.
func checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) == 0 {
			return nil
		}
		from := via[len(via)-1].URL
		if from.Scheme == "https" && req.URL.Scheme != "https" {
			return &RedirectError{From: maskURL(from), To: maskURL(req.URL)}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects (last to %s)", maxRedirects, maskURL(req.URL))
		}
		return nil
	}
}

// RedirectError is a redirect the client refused to follow: from https to
// plain http. From and To are masked (see [Client.Do]).
type RedirectError struct {
	From, To string
}

// Error says which redirect was refused and why.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused redirect from %s to %s: it leaves https, which would send credentials in clear text", e.From, e.To)
}

// IsRedirectRefused reports whether err is or wraps a *RedirectError.
func IsRedirectRefused(err error) bool {
	var re *RedirectError
	return errors.As(err, &re)
}

// maskURL returns u as text for an error or a log line, with userinfo and
// the value of every query parameter replaced by "xxxxx" and no fragment:
// a URL may carry a token in any of them.
func maskURL(u *url.URL) string {
	if u == nil {
		return "<nil>"
	}
	m := *u
	if m.User != nil {
		m.User = url.User("xxxxx")
	}
	m.Fragment, m.RawFragment = "", ""
	if m.RawQuery != "" {
		m.RawQuery = maskQuery(m.RawQuery)
	}
	return m.String()
}

// maskQuery masks every value of a raw query, and every key that does not
// look like a parameter name (a bare "?TOKEN" parses as a key).
func maskQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "xxxxx"
	}
	out := url.Values{}
	for k, vs := range q {
		if !paramName(k) {
			k = "xxxxx"
		}
		for range vs {
			out.Add(k, "xxxxx")
		}
	}
	return out.Encode()
}

// paramName reports whether k looks like a query parameter's name rather
// than a credential: short, made of letters, digits, '-', '_' and '.'.
func paramName(k string) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// wrapClient returns a copy of hc that refuses https→http redirects and
// sends through the client's transport layers (see layers.go).
func (c *Client) wrapClient(hc *http.Client) *http.Client {
	out := *hc
	out.CheckRedirect = checkRedirect(hc.CheckRedirect)
	out.Transport = c.layers(hc.Transport)
	return &out
}

// maskURLString is maskURL for a URL held as text: one that does not parse
// is masked whole if it might hold userinfo or a query.
func maskURLString(s string) string {
	if !strings.ContainsAny(s, "@?#") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "xxxxx"
	}
	return maskURL(u)
}
