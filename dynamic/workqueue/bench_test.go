package workqueue

import (
	"context"
	"strconv"
	"testing"
)

func BenchmarkAddGetDone(b *testing.B) {
	q := New[string](Options{})
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "ns/obj-" + strconv.Itoa(i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		q.Add(k)
		got, _ := q.Get(ctx)
		q.Done(got)
	}
}

func BenchmarkAddDuplicate(b *testing.B) {
	q := New[string](Options{})
	q.Add("ns/obj")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q.Add("ns/obj")
	}
}

func BenchmarkAddGetDoneParallel(b *testing.B) {
	q := New[int](Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			q.Add(i)
			k, shutdown := q.Get(ctx)
			if shutdown {
				return
			}
			q.Done(k)
			i++
		}
	})
}
