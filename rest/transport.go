package rest

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// parseHost turns Config.Host into the base URL of every request.
func parseHost(host string) (*url.URL, error) {
	if host == "" {
		return nil, fmt.Errorf("no server: Config.Host is empty")
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	u, err := url.Parse(host)
	if err != nil {
		// url.Parse quotes its input; Host must not contain credentials
		// anyway (checked below), but do not echo it in case it does.
		return nil, fmt.Errorf("server URL does not parse: %v", err.(*url.Error).Err)
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("server URL %s must not contain credentials: use Config.Username/Password or BearerToken", maskURL(u))
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("server URL %s: scheme must be https or http", maskURL(u))
	case u.Host == "":
		return nil, fmt.Errorf("server URL %s has no host", maskURL(u))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("server URL %s must not have a query or fragment", maskURL(u))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// proxyFunc returns the transport's proxy selector. An explicit proxy URL is
// used for every request; otherwise HTTPS_PROXY, HTTP_PROXY and NO_PROXY are
// read from the environment now (not once per process, as
// http.ProxyFromEnvironment does). Loopback addresses are never proxied by
// the environment rules.
func proxyFunc(proxyURL string) (func(*http.Request) (*url.URL, error), error) {
	if proxyURL == "" {
		pf := httpproxy.FromEnvironment().ProxyFunc()
		return func(r *http.Request) (*url.URL, error) { return pf(r.URL) }, nil
	}
	u, err := url.Parse(proxyURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("proxy URL must be scheme://host[:port]")
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("proxy URL %s: scheme must be http, https, socks5 or socks5h", maskURL(u))
	}
	return http.ProxyURL(u), nil
}

// newTransport returns the shared transport: HTTP/2 (negotiated with ALPN,
// kept alive with pings that detect dead connections), keep-alive HTTP/1.1
// otherwise, transparent gzip, and the given TLS and proxy settings.
func newTransport(cfg *Config, certs *certSource) (*http.Transport, error) {
	tlsConf, err := buildTLSConfig(&cfg.TLS, certs)
	if err != nil {
		return nil, err
	}
	proxy, err := proxyFunc(cfg.ProxyURL)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		ForceAttemptHTTP2:     true, // needed because TLSClientConfig is custom
		DisableCompression:    cfg.DisableCompression,
		TLSHandshakeTimeout:   10 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   25,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		HTTP2: &http.HTTP2Config{
			SendPingTimeout: 30 * time.Second, // ping a connection that went quiet...
			PingTimeout:     15 * time.Second, // ...and drop it if the ping is not answered
		},
	}, nil
}
