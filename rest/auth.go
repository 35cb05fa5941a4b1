package rest

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// authenticator adds credentials to each request. It never puts a secret in
// an error: errors name files and plugins, not their contents.
type authenticator struct {
	token     string
	bearer    string // "Bearer " + token, or ""
	tokenFile *fileCache
	basic     string // "Basic ..." or ""
	exec      *execProvider
	certs     *certSource // client certificate (file, data or exec); nil = none

	mu       sync.Mutex // guards lastFile
	lastFile string     // last token read from tokenFile, used when a re-read fails
}

func newAuthenticator(cfg *Config, certs *certSource) *authenticator {
	a := &authenticator{token: cfg.BearerToken, certs: certs}
	if a.token != "" {
		a.bearer = "Bearer " + a.token
	}
	if cfg.BearerTokenFile != "" {
		a.tokenFile = newFileCache(cfg.BearerTokenFile)
	}
	if cfg.Username != "" || cfg.Password != "" {
		a.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password))
	}
	return a
}

// authorization returns the Authorization header value for the next request,
// or "" for none.
func (a *authenticator) authorization(ctx context.Context) (string, error) {
	if a.tokenFile != nil {
		data, _, err := a.tokenFile.get()
		a.mu.Lock()
		defer a.mu.Unlock()
		switch {
		case err == nil && len(strings.TrimSpace(string(data))) > 0:
			a.lastFile = strings.TrimSpace(string(data))
			return "Bearer " + a.lastFile, nil
		case a.lastFile != "":
			// Mid-rotation the file may briefly be missing or empty.
			return "Bearer " + a.lastFile, nil
		case a.token == "" && a.exec == nil:
			if err == nil {
				return "", &authError{msg: "bearer token file " + a.tokenFile.path + " is empty"}
			}
			return "", &authError{msg: "bearer token file", err: err}
		}
	}
	if a.token != "" {
		return a.bearer, nil
	}
	if a.exec != nil {
		cred, err := a.exec.credential(ctx)
		if err != nil {
			return "", err
		}
		if cred.token != "" {
			return "Bearer " + cred.token, nil
		}
		return "", nil // client certificate: see certSource
	}
	return a.basic, nil
}

// unauthorized is called after a 401 for a request sent with header sent. It
// reports whether fresh credentials were obtained, so one retry may succeed.
func (a *authenticator) unauthorized(ctx context.Context, sent string) bool {
	if a.tokenFile != nil {
		if data, _, err := a.tokenFile.get(); err == nil && "Bearer "+strings.TrimSpace(string(data)) != sent {
			return true
		}
	}
	if a.exec != nil && a.token == "" && a.tokenFile == nil {
		return a.exec.refresh(ctx, sent)
	}
	return false
}

// authError is an authentication failure before anything was sent.
type authError struct {
	msg string
	err error
}

// Error names what failed; it never holds a credential.
func (e *authError) Error() string {
	if e.err == nil {
		return "authenticate: " + e.msg
	}
	return "authenticate: " + e.msg + ": " + e.err.Error()
}

// Unwrap returns the cause.
func (e *authError) Unwrap() error { return e.err }

// setImpersonation sets the Impersonate-* headers for imp.
func setImpersonation(h http.Header, imp Impersonation) {
	if imp.UserName == "" {
		return
	}
	h.Set("Impersonate-User", imp.UserName)
	if imp.UID != "" {
		h.Set("Impersonate-Uid", imp.UID)
	}
	for _, g := range imp.Groups {
		h.Add("Impersonate-Group", g)
	}
	for k, vs := range imp.Extra {
		// Header names are case-insensitive; the server unescapes the
		// percent-encoded key, which may contain characters (such as "/")
		// a header name may not.
		name := "Impersonate-Extra-" + headerKeyEscape(k)
		for _, v := range vs {
			h.Add(name, v)
		}
	}
}

// headerKeyEscape percent-encodes every byte of k that is not a legal
// header-name token character (as client-go's transport does).
func headerKeyEscape(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		if isTokenChar(c) && c != '%' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&'*+-.^_`|~", c) >= 0
}
