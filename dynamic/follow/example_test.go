package follow_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/follow"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

// exampleServer stands in for an API server in the examples: legacy
// discovery, and watches of CRDs and APIServices. establish makes the CRD
// gadgets.example.com appear, Established, in its watch and in discovery.
// With forbid, both watches answer 403. Real programs use rest.Load.
func exampleServer(forbid bool) (rc *rest.Client, establish func(), stop func()) {
	var established atomic.Bool
	added := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		watching := strings.HasSuffix(r.URL.Path, "/customresourcedefinitions") || strings.HasSuffix(r.URL.Path, "/apiservices")
		switch {
		case watching && forbid:
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"forbidden: cannot watch at the cluster scope"}`)
		case watching:
			serveWatch(w, r, added)
		case r.URL.Path == "/api":
			io.WriteString(w, `{"kind":"APIVersions","versions":["v1"]}`)
		case r.URL.Path == "/api/v1":
			io.WriteString(w, `{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get"]}]}`)
		case r.URL.Path == "/apis":
			groups := ""
			if established.Load() {
				groups = `{"name":"example.com","versions":[{"groupVersion":"example.com/v1","version":"v1"}],"preferredVersion":{"groupVersion":"example.com/v1","version":"v1"}}`
			}
			io.WriteString(w, `{"kind":"APIGroupList","apiVersion":"v1","groups":[`+groups+`]}`)
		case r.URL.Path == "/apis/example.com/v1" && established.Load():
			io.WriteString(w, `{"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[{"name":"gadgets","singularName":"gadget","namespaced":true,"kind":"Gadget","verbs":["get"]}]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // connections cut at Close
	srv.StartTLS()
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		panic(err)
	}
	establish = func() {
		established.Store(true)
		close(added)
	}
	return rc, establish, srv.Close
}

// serveWatch streams the initial state (nothing) and its bookmark; the CRD
// watch then sends the Established CRD when added is closed.
func serveWatch(w http.ResponseWriter, r *http.Request, added chan struct{}) {
	if r.URL.Query().Get("watch") != "true" {
		io.WriteString(w, `{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}`)
		return
	}
	fl := w.(http.Flusher)
	io.WriteString(w, `{"type":"BOOKMARK","object":{"kind":"Bookmark","apiVersion":"v1","metadata":{"resourceVersion":"1","annotations":{"k8s.io/initial-events-end":"true"}}}}`+"\n")
	fl.Flush()
	if strings.HasSuffix(r.URL.Path, "/customresourcedefinitions") {
		select {
		case <-added:
			io.WriteString(w, `{"type":"ADDED","object":{"kind":"CustomResourceDefinition","apiVersion":"apiextensions.k8s.io/v1",`+
				`"metadata":{"name":"gadgets.example.com","resourceVersion":"2"},`+
				`"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"gadgets","kind":"Gadget"},"versions":[{"name":"v1","served":true,"storage":true}]},`+
				`"status":{"acceptedNames":{"plural":"gadgets","singular":"gadget","kind":"Gadget"},"conditions":[{"type":"Established","status":"True"}]}}}`+"\n")
			fl.Flush()
		case <-r.Context().Done():
		}
	}
	<-r.Context().Done()
}

func ExampleNew() {
	rc, establish, stop := exampleServer(false)
	defer stop()
	dyn, _ := dynamic.New(rc, dynamic.Options{})
	cache := discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{})
	mapper := restmapper.New(cache, restmapper.Options{})

	f, err := follow.New(follow.Options{Client: dyn, Cache: cache, Mapper: mapper})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		f.Run(ctx)
		close(done)
	}()
	defer func() { cancel(); <-done }()
	<-f.Synced()

	changes := make(chan follow.Change, 1)
	f.Subscribe(func(c follow.Change) { changes <- c })
	establish() // someone installs a CRD
	c := <-changes
	fmt.Println(c.Reason, c.Object, c.Resources)

	// The mapper already knows it: this lookup is a hit, no discovery call.
	m, err := mapper.RESTMapping(schema.GroupKind{Group: "example.com", Kind: "Gadget"})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Resource)
	// Output:
	// CRDEstablished customresourcedefinitions/gadgets.example.com [example.com/v1, Resource=gadgets]
	// example.com/v1, Resource=gadgets
}

func ExampleFollower_Subscribe() {
	rc, establish, stop := exampleServer(false)
	defer stop()
	dyn, _ := dynamic.New(rc, dynamic.Options{})
	cache := discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{})
	f, _ := follow.New(follow.Options{Client: dyn, Cache: cache, Mapper: restmapper.New(cache, restmapper.Options{})})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		f.Run(ctx)
		close(done)
	}()
	defer func() { cancel(); <-done }()
	<-f.Synced()

	// An informer waiting for its CRD to come back.
	back := make(chan struct{})
	var unsubscribe func()
	unsubscribe = f.Subscribe(func(c follow.Change) {
		if c.Group == "example.com" && c.Reason == follow.CRDEstablished && c.Err == nil {
			close(back)
		}
	})
	defer unsubscribe()
	establish()
	select {
	case <-back:
		fmt.Println("gadgets.example.com is served: restart the informer")
	case <-time.After(time.Minute):
		fmt.Println("still waiting")
	}
	// Output: gadgets.example.com is served: restart the informer
}

func ExampleFollower_Following() {
	rc, _, stop := exampleServer(true) // this user may not watch CRDs or APIServices
	defer stop()
	dyn, _ := dynamic.New(rc, dynamic.Options{})
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "reasons" {
				return slog.Attr{} // keep the example's output stable
			}
			return a
		},
	}))
	f, _ := follow.New(follow.Options{Client: dyn, Logger: logger, RetryInterval: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		f.Run(ctx)
		close(done)
	}()
	<-f.Synced()
	time.Sleep(50 * time.Millisecond) // many quiet retries
	cancel()
	<-done
	fmt.Println(f.Following())
	// Output:
	// level=WARN msg="follow: cannot follow discovery changes; falling back to the mapper's refresh on miss (retrying quietly)"
	// false false
}
