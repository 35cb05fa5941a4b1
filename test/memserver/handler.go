package memserver

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ServeHTTP answers one API request: faults first, then authentication,
// then discovery, OpenAPI or a resource.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.faults.intercept(w, r) {
		return
	}
	if !s.authenticated(r) {
		writeError(w, errUnauthorized())
		return
	}
	p := r.URL.Path
	switch {
	case p == "/version" || p == "/version/":
		writeRaw(w, http.StatusOK, "application/json", s.surface.rec.VersionInfo)
		return
	case p == "/healthz" || p == "/livez" || p == "/readyz":
		writeRaw(w, http.StatusOK, "text/plain; charset=utf-8", []byte("ok"))
		return
	case p == "/openapi/v3" || strings.HasPrefix(p, "/openapi/v3/"):
		s.serveOpenAPI(w, r)
		return
	}
	ap, isResource, err := parseAPIPath(p)
	if err != nil {
		writeError(w, errNotFoundPath())
		return
	}
	if !isResource {
		s.serveDiscovery(w, r)
		return
	}
	s.serveResource(w, r, ap)
}

// notFound answers a path nothing serves: built-in group-versions answer
// a Status, everything else (custom resources, unknown groups) the plain
// "404 page not found" of kube-apiserver's fallback handler.
func (s *Server) notFound(w http.ResponseWriter, gv schema.GroupVersion) {
	if s.surface.builtinGV[gv] {
		writeError(w, errNotFoundPath())
		return
	}
	writePlain404(w)
}

func writePlain404(w http.ResponseWriter) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	writeRaw(w, http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n"))
}

// authenticated checks the bearer token.
func (s *Server) authenticated(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.certs.token)) == 1
}

// call is one resource request being answered.
type call struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	res      *resource
	ns, name string
	sub      string
	q        url.Values
	warnings []string
	// duplicates are the body's duplicate fields, reported with the
	// unknown fields under fieldValidation.
	duplicates []string
	// patched is the patched document of a (non-apply) patch, which a
	// Strict failure quotes.
	patched []byte
	// tracked is the managedFields entry a create's fast path set, which
	// metadata validation then checks without decoding it back.
	tracked *metav1.ManagedFieldsEntry
}

// serveResource routes a resource request by method and path shape.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, ap apiPath) {
	gvr := schema.GroupVersionResource{Group: ap.group, Version: ap.version, Resource: ap.resource}
	res := s.reg.lookup(gvr)
	if res != nil && res.crd != nil && ap.name != "" && (ap.namespace == "" || res.namespaced) && !validSubresource(res, ap.subresource) {
		// The custom resource handler has no such subresource: it reads
		// the name as an object it does not have.
		writeError(w, apierrors.NewNotFound(res.groupResource(), ap.name))
		return
	}
	if res == nil || (ap.namespace != "" && !res.namespaced) || !validSubresource(res, ap.subresource) {
		s.notFound(w, gvr.GroupVersion())
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, apierrors.NewBadRequest(err.Error()))
		return
	}
	c := &call{s: s, w: w, r: r, res: res, ns: ap.namespace, name: ap.name, sub: ap.subresource, q: q}
	if res.namespaced && ap.namespace == "" && !ap.watchPrefix {
		// Only list and watch exist across namespaces.
		if ap.name != "" {
			writeError(w, errNotFoundPath())
			return
		}
		if r.Method != http.MethodGet {
			writeError(w, errMethodNotAllowed())
			return
		}
	}
	if ap.watchPrefix {
		if r.Method != http.MethodGet {
			writeError(w, errMethodNotAllowed())
			return
		}
		c.q.Set("watch", "true")
		if c.name != "" {
			c.q.Set("fieldSelector", "metadata.name="+c.name)
			c.name = ""
		}
	}
	if r.Method != http.MethodGet {
		s.writers.run(c.dispatch)
		return
	}
	c.dispatch()
}

func validSubresource(res *resource, sub string) bool {
	switch sub {
	case "":
		return true
	case "status":
		return res.status
	case "scale":
		return res.scale != nil
	case "finalize":
		return res.gvr.Group == "" && res.gvr.Resource == "namespaces"
	}
	return false
}

// dispatch runs the verb the method and path shape name.
func (c *call) dispatch() {
	m := c.r.Method
	collection := c.name == ""
	verb := ""
	switch {
	case m == http.MethodGet && collection && isTrue(c.q.Get("watch")):
		verb = "watch"
	case m == http.MethodGet && collection:
		verb = "list"
	case m == http.MethodGet:
		verb = "get"
	case m == http.MethodPost && collection:
		verb = "create"
	case m == http.MethodPut && !collection:
		verb = "update"
	case m == http.MethodPatch && !collection:
		verb = "patch"
	case m == http.MethodDelete && collection:
		verb = "deletecollection"
	case m == http.MethodDelete:
		verb = "delete"
	}
	if verb == "" || (c.sub == "" && !c.res.verbs[verb]) || (c.sub != "" && !subVerb(c.sub, verb)) {
		c.fail(errMethodNotAllowed())
		return
	}
	c.run(verb)
}

func subVerb(sub, verb string) bool {
	switch verb {
	case "get", "patch":
		return sub != "finalize"
	case "update":
		return true
	}
	return false
}

func (c *call) run(verb string) {
	var err error
	switch verb {
	case "watch":
		err = c.watch()
	case "list":
		err = c.list()
	case "get":
		err = c.get()
	case "create":
		err = c.create()
	case "update":
		err = c.update()
	case "patch":
		err = c.patch()
	case "delete":
		err = c.delete()
	case "deletecollection":
		err = c.deleteCollection()
	}
	if err != nil {
		c.fail(err)
	}
}

// fail writes err with the warnings gathered so far.
func (c *call) fail(err error) {
	c.flushWarnings()
	writeError(c.w, err)
}

func (c *call) flushWarnings() {
	for _, wn := range c.warnings {
		c.w.Header().Add("Warning", `299 - "`+strings.ReplaceAll(wn, `"`, `\"`)+`"`)
	}
	c.warnings = nil
}

func isTrue(v string) bool { return v == "true" || v == "1" }
