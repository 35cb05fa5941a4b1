// Package rest is kubedyn's transport to a Kubernetes API server: where the
// server is and how to authenticate ([Config], [Load], [InCluster]), and one
// request core ([Client.Do]) that every other kubedyn package sends through.
//
// # Configuration
//
// [Load] reads kubeconfig files with kubectl's precedence: an explicit path
// is used alone (a missing file is an error); otherwise the files in
// KUBECONFIG are merged (the first file to set a cluster, user, context or
// current-context wins; missing files are skipped), else ~/.kube/config. Only
// when those yield no server does Load fall back to [InCluster], as
// client-go's deferred loader does. Relative paths in a kubeconfig resolve
// against that file's directory. When nothing works, the error lists every
// source tried and why each failed.
//
// Credentials: bearer token or token file, client certificate (data or
// files), HTTP basic auth, and client.authentication.k8s.io/v1 and v1beta1
// exec plugins ([ExecConfig]). Token files and certificate files are re-read
// when they change on disk (bound service-account tokens rotate hourly); an
// exec plugin's credential is cached until its expirationTimestamp and
// re-fetched after a 401. Impersonation, proxies (explicit or
// HTTPS_PROXY/NO_PROXY), a user agent, a per-request timeout and an optional
// client-side rate limit (off by default: API Priority and Fairness on the
// server answers 429, which the client honours) complete [Config].
//
// # Requests
//
// Build the path with [ResourcePath.Build] (or [GroupVersionPath]) and put
// the query parameters in [Request.Query] (the dynamic package turns metav1
// options into them). Path building is pure: it validates names
// ([ValidateName], [ValidateNamespace]) and refuses bad input before anything
// is sent, so a user-supplied name cannot escape its collection.
//
// [Client.Do] sends a [Request] over one shared transport (HTTP/2 with
// health-check pings, keep-alive, gzip) and returns the open [Response] for a
// status below 400. A status of 400 or more becomes a
// *apierrors.StatusError, so apierrors.IsNotFound, IsConflict, IsForbidden,
// IsResourceExpired and IsTooManyRequests work; a body that is not a
// metav1.Status still gets the reason its HTTP status implies, and a message
// with the method, path, status and a truncated snippet of the body.
// Credentials never appear in an error.
//
// Retries live in Do alone: 429 and 503 with Retry-After are retried for any
// verb after the server's delay, capped at [MaxRetryAfter]; connection resets and other 5xx for GET
// only, with jittered exponential backoff; at most [Config.MaxRetries] times,
// every wait bounded by ctx. [Request.NoRetry5xx] returns 5xx answers of one
// request at once (discovery uses it for the group-versions of aggregated
// APIServices, whose down backends answer 503). The server's Warning headers go to
// [Config.WarningHandler] (by default each distinct warning is printed once
// to stderr).
//
// # Hostile and broken servers
//
// A response body is bounded: [Config.MaxResponseBytes] (default
// [DefaultMaxResponseBytes], 256 MiB) for one response, refused at once when
// its Content-Length says more, cut with a *[ResponseTooLargeError] when a
// chunked or compressed body grows past it; a watch stream is bounded per
// event instead ([Config.MaxEventBytes], [Response.Events]). A redirect from
// https to plain http is refused ([RedirectError]): it would send
// credentials in clear text. Errors print URLs with userinfo and query
// values masked.
//
// # CBOR
//
// Kubernetes serves CBOR (KEP-4222) behind kube-apiserver's
// CBORServingAndStorage feature gate. [Client.Do] carries whatever Accept
// and Content-Type headers a request names; the packages that decode
// objects (dynamic) ask for [AcceptCBOR], CBOR with JSON as a lower-quality
// alternative, and read each answer by its Content-Type, so a server
// without the gate answers JSON, not 406. What a server has shown is kept
// per [Client], learnt from its answers, never from its version: a CBOR
// answer makes [Client.CBORBodies] true, and from then on request bodies may
// go as CBOR; a 415 Unsupported Media Type to a CBOR body turns it false for
// good, and a request carrying [Request.JSONFallback] is sent once more as
// JSON. An error answered in CBOR is decoded to its Status like a JSON one.
//
// # Secrets
//
// Credentials never appear in errors or in kubedyn's logs, and [Config],
// [TLSConfig], [ExecConfig], the kubeconfig entries and [Client] format
// themselves with secrets redacted for every fmt verb (and for log/slog).
// [Config.WrapTransport] is the exception by design: a wrapper sees the
// requests as sent, Authorization header included.
//
// # Observing
//
// [Config.Logger] logs each request attempt through log/slog at kubectl's
// verbosity levels ([VerbosityLevel]); [Config.Observer] receives an [Event]
// per request attempt, and the packages built on the client report cache,
// mapper and watch events through [Client.Observe].
//
// A caller that already has an authenticated *http.Client (for example from
// client-go's rest.HTTPClientFor) sets [Config.HTTPClient] and keeps the
// rest of this package.
package rest
