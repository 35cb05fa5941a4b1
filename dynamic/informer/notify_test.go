package informer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func pending(ch <-chan struct{}) int {
	n := 0
	for {
		select {
		case <-ch:
			n++
		default:
			return n
		}
	}
}

func TestBroadcaster(t *testing.T) {
	b := NewBroadcaster()
	a1, cancelA1 := b.Subscribe("a.example.com")
	a2, cancelA2 := b.Subscribe("a.example.com")
	defer cancelA2()
	other, cancelOther := b.Subscribe("b.example.com")
	defer cancelOther()

	b.Notify("a.example.com")
	b.Notify("a.example.com") // merged with the pending one
	b.Notify("c.example.com") // nobody listens
	got := map[string]int{"a1": pending(a1), "a2": pending(a2), "other": pending(other)}
	if d := cmp.Diff(map[string]int{"a1": 1, "a2": 1, "other": 0}, got); d != "" {
		t.Errorf("signals (-want +got):\n%s", d)
	}
	cancelA1()
	b.Notify("a.example.com")
	got = map[string]int{"a1": pending(a1), "a2": pending(a2)}
	if d := cmp.Diff(map[string]int{"a1": 0, "a2": 1}, got); d != "" {
		t.Errorf("signals after unsubscribing a1 (-want +got):\n%s", d)
	}
}
