package listwatch_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
)

// The fault cases of the list-and-watch engine, written once and run
// through each of its three users (users_test.go) against small TLS
// servers: every request to a collection path is answered by the case.

// gadget is the one object the fault servers serve: an Established CRD,
// so that follow too turns it into a change.
const gadget = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",` +
	`"metadata":{"name":"gadgets.ex.com","resourceVersion":"5"},` +
	`"spec":{"group":"ex.com","version":"v1","scope":"Namespaced","names":{"plural":"gadgets","kind":"Gadget"},"versions":[{"name":"v1","served":true,"storage":true}]},` +
	`"status":{"acceptedNames":{"plural":"gadgets","kind":"Gadget"},"conditions":[{"type":"Established","status":"True"},{"type":"Available","status":"True"}]}}`

const (
	emptyList   = `{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}`
	gadgetList  = `{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"6"},"items":[` + gadget + `]}`
	refuse      = `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","code":422,"message":"resourceVersionMatch is forbidden for watch"}`
	error500    = `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"InternalError","code":500,"message":"etcd is sad"}}`
	expired410  = `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old resource version"}}`
	addedGadget = `{"type":"ADDED","object":` + gadget + `}`
)

// fault is how a server answers one kind of request; "" is the default:
// an empty list, a refused streaming list, a watch that stays open.
type fault struct {
	list, stream, watch string // response bodies; lines of a watch
	hang                bool   // the watch (and stream) stay open after their lines
}

// faultCase is one broken server and what every user must do with it.
type faultCase struct {
	name string
	f    fault
	// maxRequests bounds the requests per collection path in the window.
	maxRequests int
	// delivered is the change every user must deliver exactly once ("" none).
	delivered string
	// reported must appear in one of the errors the user reports.
	reported string
	// synced: the user must reach its synced state.
	synced bool
	// minLists: at least this many paged lists per path.
	minLists int
}

var faultCases = []faultCase{
	{name: "watch closes at once", f: fault{}, maxRequests: 14, synced: true},
	{name: "ERROR 500 event", f: fault{watch: error500}, maxRequests: 14, reported: "etcd is sad", synced: true},
	{name: "one event then garbage", f: fault{watch: addedGadget + "\ngarbage{\n"}, maxRequests: 14,
		delivered: "gadgets.ex.com", reported: "decode the watch stream", synced: true},
	{name: "410 on every attempt", f: fault{watch: expired410}, maxRequests: 20, synced: true},
	{name: "streaming list never ends", f: fault{stream: addedGadget, list: gadgetList, hang: true}, maxRequests: 14, synced: true, minLists: 1},
}

// window is how long after the first request to a path its requests are
// counted; a case runs at least that long, and until what it expects
// happened (or 20 s: a loaded machine is slow, never faster).
const window = 1500 * time.Millisecond

// faultServer serves one fault on every collection path and counts the
// requests per path.
type faultServer struct {
	f   fault
	srv *httptest.Server

	mu    sync.Mutex           // guards count, lists, first
	count map[string]int       // requests in the window after the path's first
	lists map[string]int       // paged lists, all along
	first map[string]time.Time // the path's first request
}

func newFaultServer(t *testing.T, f fault) *faultServer {
	s := &faultServer{f: f, count: map[string]int{}, lists: map[string]int{}, first: map[string]time.Time{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *faultServer) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	if _, ok := s.first[r.URL.Path]; !ok {
		s.first[r.URL.Path] = time.Now()
	}
	if time.Since(s.first[r.URL.Path]) <= window {
		s.count[r.URL.Path]++
	}
	if q.Get("watch") != "true" {
		s.lists[r.URL.Path]++
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case q.Get("watch") != "true":
		io.WriteString(w, or(s.f.list, emptyList))
	case q.Get("sendInitialEvents") == "true" && s.f.stream == "":
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, refuse)
	case q.Get("sendInitialEvents") == "true":
		s.stream(w, r, s.f.stream)
	default:
		s.stream(w, r, s.f.watch)
	}
}

func (s *faultServer) stream(w http.ResponseWriter, r *http.Request, lines string) {
	if lines != "" {
		io.WriteString(w, lines+"\n")
	}
	w.(http.Flusher).Flush()
	if s.f.hang {
		<-r.Context().Done()
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *faultServer) client(t *testing.T) *dynamic.Client {
	rc, err := rest.NewClient(&rest.Config{Host: s.srv.URL, HTTPClient: s.srv.Client(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// windowOver reports whether every path's window has passed.
func (s *faultServer) windowOver(paths []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range paths {
		if f, ok := s.first[p]; !ok || time.Since(f) <= window {
			return false
		}
	}
	return true
}

func (s *faultServer) counts() (map[string]int, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.count), clone(s.lists)
}

func clone(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestFaults runs every fault case through every user of the engine.
func TestFaults(t *testing.T) {
	for _, u := range users {
		for _, fc := range faultCases {
			t.Run(u.name+"/"+fc.name, func(t *testing.T) {
				t.Parallel()
				srv := newFaultServer(t, fc.f)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				o := &observed{delivered: map[string]int{}}
				u.start(ctx, t, srv.client(t), o)
				for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					if srv.windowOver(u.paths) && fc.met(o, srv) {
						break
					}
				}
				cancel()
				time.Sleep(50 * time.Millisecond) // let the user see the end
				count, lists := srv.counts()
				fc.check(t, u, o, count, lists)
			})
		}
	}
}

// met reports whether the user did what the case expects of it.
func (fc faultCase) met(o *observed, srv *faultServer) bool {
	_, lists := srv.counts()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, n := range lists {
		if n < fc.minLists {
			return false
		}
	}
	return (fc.delivered == "" || o.has(fc.delivered)) && (!fc.synced || o.synced) &&
		(fc.reported == "" || strings.Contains(strings.Join(o.errs, "\n"), fc.reported))
}

func (fc faultCase) check(t *testing.T, u user, o *observed, count, lists map[string]int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t.Logf("requests %v (lists %v); delivered %v; reported %q", count, lists, o.delivered, o.errs)
	for _, p := range u.paths {
		if n := count[p]; n == 0 || n > fc.maxRequests {
			t.Errorf("%d requests to %s in the %v after its first, want 1 to %d (a reconnect without progress must back off)", n, p, window, fc.maxRequests)
		}
		if lists[p] < fc.minLists {
			t.Errorf("%d paged lists of %s, want at least %d (the fallback after the streaming list's bound)", lists[p], p, fc.minLists)
		}
	}
	for what, n := range o.delivered {
		if n != 1 {
			t.Errorf("%s delivered %d times, want once", what, n)
		}
	}
	if fc.delivered != "" && !o.has(fc.delivered) {
		t.Errorf("%s never delivered; delivered %v", fc.delivered, o.delivered)
	}
	if fc.reported != "" && !strings.Contains(strings.Join(o.errs, "\n"), fc.reported) {
		t.Errorf("no reported error mentions %q; reported:\n%s", fc.reported, strings.Join(o.errs, "\n"))
	}
	if fc.synced && !o.synced {
		t.Errorf("never synced")
	}
}
