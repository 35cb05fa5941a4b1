package listwatch_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/follow"
	"github.com/kubedyn/kubedyn/dynamic/informer"
)

// observed is what a user of the engine told its consumer.
type observed struct {
	mu        sync.Mutex     // guards every field
	delivered map[string]int // object (or change) → deliveries
	errs      []string       // errors reported (events or log lines)
	synced    bool
}

func (o *observed) deliver(what string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.delivered[what]++
}

func (o *observed) report(err string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errs = append(o.errs, err)
}

func (o *observed) sync() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.synced = true
}

func (o *observed) has(name string) bool {
	for k := range o.delivered {
		if strings.Contains(k, name) {
			return true
		}
	}
	return false
}

// logTo is a slog handler that reports every record with its err.
type logTo struct{ o *observed }

func (l logTo) Enabled(context.Context, slog.Level) bool { return true }
func (l logTo) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l logTo) WithGroup(string) slog.Handler            { return l }
func (l logTo) Handle(_ context.Context, r slog.Record) error {
	s := r.Message
	r.Attrs(func(a slog.Attr) bool { s += " " + a.String(); return true })
	l.o.report(s)
	return nil
}

// user is one user of the engine, started on a fault server until ctx ends.
type user struct {
	name  string
	paths []string // the collection paths it asks for
	start func(ctx context.Context, t *testing.T, c *dynamic.Client, o *observed)
}

var gadgets = schema.GroupVersionResource{Group: "ex.com", Version: "v1", Resource: "gadgets"}

// initialBound is the bound on the initial-events-end bookmark in the
// tests: small, so that the never-ending stream falls back in the window.
const initialBound = 300 * time.Millisecond

var users = []user{
	{name: "WatchResumable", paths: []string{"/apis/ex.com/v1/gadgets"}, start: startResumable},
	{name: "informer", paths: []string{"/apis/ex.com/v1/gadgets"}, start: startInformer},
	{name: "follow", paths: []string{"/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "/apis/apiregistration.k8s.io/v1/apiservices"}, start: startFollow},
}

func startResumable(ctx context.Context, t *testing.T, c *dynamic.Client, o *observed) {
	w, err := c.Resource(gadgets).WatchResumable(ctx, metav1.ListOptions{}, dynamic.ResumeOptions{StreamingList: true, InitialEventsTimeout: initialBound})
	if err != nil {
		o.report(err.Error())
		return
	}
	go func() {
		for ev := range w.ResultChan() {
			switch ev.Type {
			case watch.Error:
				o.report(ev.Object.(*metav1.Status).Message)
			case watch.Bookmark:
				if ev.Object.(*unstructured.Unstructured).GetAnnotations()[dynamic.InitialEventsEndAnnotation] == "true" {
					o.sync()
				}
			default:
				u := ev.Object.(*unstructured.Unstructured)
				o.deliver(fmt.Sprintf("%s %s@%s", ev.Type, u.GetName(), u.GetResourceVersion()))
			}
		}
	}()
}

func startInformer(ctx context.Context, t *testing.T, c *dynamic.Client, o *observed) {
	inf := informer.New(c.Resource(gadgets), informer.Options[*unstructured.Unstructured]{
		InitialEventsTimeout: initialBound, Logger: slog.New(logTo{o}),
	})
	inf.AddHandler(informer.HandlerFuncs[*unstructured.Unstructured]{
		AddFunc: func(u *unstructured.Unstructured, _ bool) {
			o.deliver("add " + u.GetName() + "@" + u.GetResourceVersion())
		},
		UpdateFunc: func(_, u *unstructured.Unstructured) {
			o.deliver("update " + u.GetName() + "@" + u.GetResourceVersion())
		},
		DeleteFunc: func(u *unstructured.Unstructured) { o.deliver("delete " + u.GetName() + "@" + u.GetResourceVersion()) },
	})
	go func() { _ = inf.Run(ctx) }()
	go func() {
		if inf.WaitForSync(ctx) == nil {
			o.sync()
		}
	}()
}

func startFollow(ctx context.Context, t *testing.T, c *dynamic.Client, o *observed) {
	f, err := follow.New(follow.Options{Client: c, Logger: slog.New(logTo{o}), InitialEventsTimeout: initialBound})
	if err != nil {
		t.Fatal(err)
	}
	f.Subscribe(func(ch follow.Change) { o.deliver(fmt.Sprintf("%s %s", ch.Reason, ch.Object)) })
	go func() { _ = f.Run(ctx) }()
	go func() {
		select {
		case <-f.Synced():
			o.sync()
		case <-ctx.Done():
		}
	}()
}
