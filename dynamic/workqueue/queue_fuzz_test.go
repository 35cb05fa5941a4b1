package workqueue

import (
	"context"
	"slices"
	"testing"
)

// FuzzQueue drives a queue from one goroutine with Add, Get, Done and
// ShutDown (one byte each: the operation in the top two bits, a key of 5
// in the rest) and checks it against a model after every step: keys come
// out in the order they became ready, a key being processed is never
// handed out again, an Add while processing queues it again at Done, and
// nothing comes out after ShutDown.
func FuzzQueue(f *testing.F) {
	f.Add([]byte{0x01, 0x02, 0x40, 0x01, 0x80, 0x81, 0x40, 0xc0})
	f.Add([]byte{0x00, 0x40, 0x00, 0x80, 0x40, 0x80})
	f.Fuzz(func(t *testing.T, ops []byte) {
		q := New[int](Options{QPS: -1})
		ctx := context.Background()
		var ready, processing []int
		dirty := map[int]bool{}
		down := false
		for _, op := range ops {
			k := int(op&0x3f) % 5
			switch op >> 6 {
			case 0: // Add
				q.Add(k)
				if !down && !dirty[k] {
					dirty[k] = true
					if !slices.Contains(processing, k) {
						ready = append(ready, k)
					}
				}
			case 1: // Get, when something is ready (else it would wait)
				if len(ready) == 0 || down {
					continue
				}
				got, shutdown := q.Get(ctx)
				if shutdown || got != ready[0] {
					t.Fatalf("Get = %d, %v; want %d (ready %v, processing %v)", got, shutdown, ready[0], ready, processing)
				}
				ready = ready[1:]
				processing = append(processing, got)
				delete(dirty, got)
			case 2: // Done of a key being processed
				if len(processing) == 0 {
					continue
				}
				key := processing[k%len(processing)]
				q.Done(key)
				processing = slices.DeleteFunc(processing, func(p int) bool { return p == key })
				if dirty[key] && !down {
					ready = append(ready, key)
				}
			case 3:
				q.ShutDown()
				down = true
				if _, shutdown := q.Get(ctx); !shutdown {
					t.Fatal("Get after ShutDown handed out a key")
				}
			}
			if !down && q.Len() != len(ready) {
				t.Fatalf("Len = %d, want %d (ready %v)", q.Len(), len(ready), ready)
			}
		}
	})
}
