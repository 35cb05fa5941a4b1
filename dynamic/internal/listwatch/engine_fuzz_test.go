package listwatch

import (
	"context"
	"fmt"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// script turns fuzz bytes into what a server answers: each List takes one
// byte (how many of four objects, with resourceVersions from the next
// bytes), each watch takes three bytes per event (type, object, rv) until
// an end-of-stream event.
type script struct {
	b   []byte
	end context.CancelFunc // called when the script is over: the run ends
}

func (s *script) next() (byte, bool) {
	if len(s.b) == 0 {
		s.end()
		return 0, false
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c, true
}

func (s *script) list(ctx context.Context, _ metav1.ListOptions) ([]*unstructured.Unstructured, string, string, error) {
	n, ok := s.next()
	if !ok {
		return nil, "", "", fmt.Errorf("script over")
	}
	var items []*unstructured.Unstructured
	for i := range int(n % 5) {
		rv, _ := s.next()
		items = append(items, cm(fmt.Sprint("o", i), fmt.Sprint(rv)))
	}
	return items, "100", "", nil
}

func (s *script) watch(ctx context.Context, _ metav1.ListOptions) (watch.Interface, error) {
	w := watch.NewFakeWithChanSize(64, false)
	for range 60 {
		t, ok1 := s.next()
		o, _ := s.next()
		rv, ok2 := s.next()
		if !ok1 || !ok2 {
			break
		}
		obj := cm(fmt.Sprint("o", o%4), fmt.Sprint(rv))
		switch t % 7 {
		case 0:
			w.Add(obj)
		case 1:
			w.Modify(obj)
		case 2:
			w.Delete(obj)
		case 3:
			w.Action(watch.Bookmark, obj)
		case 4:
			st := apierrors.NewResourceExpired("too old").Status()
			w.Error(&st)
		case 5:
			st := apierrors.NewInternalError(fmt.Errorf("boom")).Status()
			w.Error(&st)
		}
		if t%7 == 6 {
			break
		}
	}
	w.Stop()
	return w, nil
}

// FuzzEngine runs the engine against scripted servers and checks what it
// delivers: an object at a resourceVersion already delivered is never
// delivered again, and a DELETED event names an object the consumer holds;
// with its own record, and with the consumer's store as the record (Held).
func FuzzEngine(f *testing.F) {
	f.Add([]byte{2, 1, 2, 0, 2, 3, 0, 2, 3, 5, 0, 0, 4, 0, 0, 1, 1, 0, 9, 6, 0, 0})
	f.Add([]byte{0, 0, 1, 1, 0, 1, 1, 2, 1, 1, 3, 4, 0, 0, 1, 5, 5, 5, 2, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, useHeld := range []bool{false, true} {
			runScript(t, b, useHeld)
		}
	})
}

// runScript runs the engine against the server script b makes, checking
// each delivery against what the consumer holds.
func runScript(t *testing.T, b []byte, useHeld bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := &script{b: b[:min(len(b), 240)], end: cancel}
	held := heldByName{} // what the consumer holds
	opts := Options[*unstructured.Unstructured]{FirstBackoff: time.Nanosecond, MaxBackoff: time.Nanosecond, Ending: RetryRefusal}
	if useHeld {
		opts.Held = held
	}
	err := Run(ctx, Source[*unstructured.Unstructured]{List: s.list, Watch: s.watch}, opts, func(ev Event[*unstructured.Unstructured]) bool {
		if ev.Type != watch.Added && ev.Type != watch.Modified && ev.Type != watch.Deleted {
			return true
		}
		name, rv := ev.Object.GetName(), ev.Object.GetResourceVersion()
		old, ok := held[name]
		switch {
		case ev.Type == watch.Deleted && !ok:
			t.Fatalf("held %v: DELETED %s, which the consumer does not hold", useHeld, name)
		case ev.Type == watch.Deleted:
			delete(held, name)
		case ok && old.GetResourceVersion() == rv:
			t.Fatalf("held %v: %s %s@%s delivered again", useHeld, ev.Type, name, rv)
		default:
			held[name] = ev.Object
		}
		return true
	})
	if err != nil && ctx.Err() == nil {
		t.Fatalf("held %v: the run ended with %v", useHeld, err)
	}
}

// heldByName is a consumer's store of one namespace's objects by name.
type heldByName map[string]*unstructured.Unstructured

func (h heldByName) HeldVersion(_, name string) (string, bool) {
	o, ok := h[name]
	if !ok {
		return "", false
	}
	return o.GetResourceVersion(), true
}

func (h heldByName) HeldLen() int { return len(h) }

func (h heldByName) EachHeld(fn func(*unstructured.Unstructured)) {
	for _, o := range h {
		fn(o)
	}
}
