package rest

import (
	"log/slog"
	"net/http"
	"time"
)

// Config says how to reach and authenticate to one API server. The zero value
// of every field except Host is a sensible default. Build one by hand, with
// [Load] from kubeconfig files, or with [InCluster] inside a pod.
//
// A Config is read by [NewClient] and not retained: changing it afterwards
// does not affect existing clients.
type Config struct {
	// Host is the server's base URL, "https://host:port", optionally with a
	// path prefix ("https://proxy.example/k8s/clusters/c1"). A bare
	// "host:port" means https.
	Host string
	// TLS holds the trust roots and the client certificate.
	TLS TLSConfig
	// BearerToken is sent as "Authorization: Bearer ...".
	BearerToken string
	// BearerTokenFile names a file holding the token. It is re-read when it
	// changes on disk (bound service-account tokens rotate hourly) and wins
	// over BearerToken while it can be read.
	BearerTokenFile string
	// Username and Password are sent as HTTP basic auth (kubeconfig's
	// username/password). Few servers still accept it.
	Username, Password string
	// Impersonate asks the server to act as another user.
	Impersonate Impersonation
	// Exec runs a client.authentication.k8s.io credential plugin for a token
	// or client certificate.
	Exec *ExecConfig
	// ProxyURL is the proxy for every request ("http://", "https://" or
	// "socks5://"). "" means HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the
	// environment.
	ProxyURL string
	// DisableCompression stops asking for gzip-compressed responses
	// (kubeconfig's disable-compression), trading bandwidth for CPU on fast
	// networks.
	DisableCompression bool
	// UserAgent is the User-Agent header; "" means [DefaultUserAgent].
	UserAgent string
	// Timeout bounds each call of Client.Do, retries included, from sending
	// the request to closing the response body. Zero means none. Watches (a "watch" query parameter of "true" or "1") are
	// never cut by it.
	Timeout time.Duration
	// QPS and Burst configure a client-side token bucket. QPS 0 (the
	// default) turns it off: modern servers enforce API Priority and
	// Fairness and answer 429, which the client retries. Burst < 1 with
	// QPS > 0 means a burst of 1.
	QPS   float32
	Burst int
	// MaxRetries bounds how often one request is retried (see [Client.Do]).
	// 0 means [DefaultMaxRetries]; a negative value disables retries.
	MaxRetries int
	// MaxResponseBytes bounds the body of one response that is not a watch:
	// a Content-Length above it is refused before the body is read, and a
	// body (chunked, or decompressed) that grows past it fails the read
	// with a *ResponseTooLargeError. 0 means [DefaultMaxResponseBytes]
	// (256 MiB, see there why); a negative value removes the bound.
	MaxResponseBytes int64
	// MaxEventBytes bounds one event of a watch stream, whose total length
	// is unbounded (see [Response.Events]). 0 means [DefaultMaxEventBytes];
	// a negative value removes the bound.
	MaxEventBytes int64
	// WarningHandler receives the server's Warning headers. nil prints each
	// distinct warning once to stderr; use [DiscardWarnings] to drop them.
	WarningHandler WarningHandler
	// Logger, when set, logs each request attempt (each retry and redirect
	// too) at the levels [LevelRequests], [LevelHeaders] and [LevelBodies]
	// (kubectl's -v=6, 7 and 8; see [VerbosityLevel]). Bearer tokens,
	// passwords, client keys and the data of Secrets never appear at any
	// level. nil logs nothing.
	Logger *slog.Logger
	// Observer, when set, receives an event for each request attempt (and,
	// from the packages built on the client, for discovery cache lookups,
	// mapper refreshes, watch reconnects and relists): see [Observer].
	Observer Observer
	// WrapTransport, when set, wraps kubedyn's own transport (or
	// HTTPClient's): the wrapper runs once per attempt, each retry and each
	// redirect included, below authentication, so it sees the request as
	// it goes on the wire, Authorization header and all. That is its point
	// (tracing, recording, fault injection) and its responsibility: the
	// rule that credentials never appear covers kubedyn's own errors and
	// logs, not what a wrapper does with them. Over a Config.HTTPClient the
	// wrapper runs above that client's transport, so it does not see the
	// credentials that transport adds. A wrapper must not modify
	// the request it is given (clone it first) and must be safe for
	// concurrent use.
	WrapTransport func(http.RoundTripper) http.RoundTripper
	// HTTPClient, when set, is used as is for every request, for example one
	// built by client-go's rest.HTTPClientFor. Its transport must then do TLS
	// and authentication itself: TLS, BearerToken, BearerTokenFile,
	// Username, Password, Exec, Impersonate and ProxyURL are ignored.
	// Host, UserAgent, Timeout, QPS, retries, warnings, the size limits,
	// logging, the observer, WrapTransport and the refusal of https→http
	// redirects still apply (they wrap a copy of it).
	HTTPClient *http.Client
	// Namespace is the default namespace of the kubeconfig context (or the
	// pod's namespace in-cluster); "" if none. The client does not use it;
	// callers read it to decide where namespaced requests go.
	Namespace string
}

// TLSConfig holds the server's trust roots and the client's certificate.
// File fields are re-read when the file changes on disk; Data fields win over
// the File fields of the same kind.
type TLSConfig struct {
	// CAFile and CAData are PEM CA certificates. When both are empty the
	// system roots are used.
	CAFile string
	CAData []byte
	// CertFile/KeyFile or CertData/KeyData are a PEM client certificate and
	// key.
	CertFile, KeyFile string
	CertData, KeyData []byte
	// ServerName overrides the name checked against the server's
	// certificate (kubeconfig's tls-server-name).
	ServerName string
	// Insecure skips verification of the server's certificate. Only ever set
	// it when asked to explicitly; it cannot be combined with a CA.
	Insecure bool
}

// Impersonation asks the server to authorize requests as another identity
// (the Impersonate-* headers). The zero value impersonates no one.
type Impersonation struct {
	UserName string
	UID      string
	Groups   []string
	Extra    map[string][]string
}

// DefaultUserAgent is the User-Agent sent when Config.UserAgent is empty.
const DefaultUserAgent = "kubedyn/v0 (golang)"

// DefaultMaxRetries is how often a request is retried when Config.MaxRetries
// is 0.
const DefaultMaxRetries = 5

// copyConfig returns a copy of c that shares no slices or maps with it.
func copyConfig(c *Config) *Config {
	out := *c
	out.TLS.CAData = cloneBytes(c.TLS.CAData)
	out.TLS.CertData = cloneBytes(c.TLS.CertData)
	out.TLS.KeyData = cloneBytes(c.TLS.KeyData)
	out.Impersonate.Groups = append([]string(nil), c.Impersonate.Groups...)
	if c.Impersonate.Extra != nil {
		out.Impersonate.Extra = make(map[string][]string, len(c.Impersonate.Extra))
		for k, v := range c.Impersonate.Extra {
			out.Impersonate.Extra[k] = append([]string(nil), v...)
		}
	}
	if c.Exec != nil {
		out.Exec = c.Exec.clone()
	}
	return &out
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
