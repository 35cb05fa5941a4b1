package workqueue_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kubedyn/kubedyn/dynamic/workqueue"
)

func ExampleNew() {
	q := workqueue.New[string](workqueue.Options{})
	q.Add("default/web")
	q.Add("default/web") // already queued: ignored
	q.Add("kube-system/dns")
	fmt.Println(q.Len())

	key, _ := q.Get(context.Background())
	fmt.Println(key)
	q.Done(key)
	// Output:
	// 2
	// default/web
}

func ExampleQueue_Run() {
	q := workqueue.New[string](workqueue.Options{BaseDelay: time.Millisecond})
	var mu sync.Mutex
	attempts := map[string]int{}
	for _, k := range []string{"a", "b", "c"} {
		q.Add(k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		q.Run(ctx, 2, func(ctx context.Context, key string) error {
			mu.Lock()
			defer mu.Unlock()
			attempts[key]++
			if key == "b" && attempts[key] < 3 {
				return errors.New("dependency not ready") // retried with backoff
			}
			if attempts["a"] > 0 && attempts["b"] == 3 && attempts["c"] > 0 {
				cancel()
			}
			return nil
		})
	})
	wg.Wait()
	fmt.Println(attempts)
	// Output: map[a:1 b:3 c:1]
}

func ExampleQueue_AddRateLimited() {
	q := workqueue.New[string](workqueue.Options{BaseDelay: time.Millisecond, MaxDelay: time.Second})
	q.AddRateLimited("default/web") // after 1ms
	key, _ := q.Get(context.Background())
	q.AddRateLimited(key) // failed again: after 2ms
	q.Done(key)
	fmt.Println(key, q.NumRequeues(key))
	key, _ = q.Get(context.Background())
	q.Forget(key) // succeeded: the next failure starts from 1ms again
	q.Done(key)
	fmt.Println(key, q.NumRequeues(key))
	// Output:
	// default/web 2
	// default/web 0
}

func ExampleQueue_AddAfter() {
	q := workqueue.New[string](workqueue.Options{})
	q.AddAfter("default/cert", 10*time.Millisecond) // e.g. re-check before expiry
	fmt.Println(q.Len())
	key, _ := q.Get(context.Background()) // waits for it
	fmt.Println(key)
	// Output:
	// 0
	// default/cert
}

func ExampleQueue_ShutDownWithDrain() {
	q := workqueue.New[string](workqueue.Options{})
	q.Add("a")
	q.Add("b")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var done []string
	wg.Go(func() {
		for {
			key, shutdown := q.Get(context.Background())
			if shutdown {
				return
			}
			mu.Lock()
			done = append(done, key)
			mu.Unlock()
			q.Done(key)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := q.ShutDownWithDrain(ctx); err != nil { // both keys are processed first
		fmt.Println(err)
	}
	wg.Wait()
	q.Add("c") // refused
	fmt.Println(done, q.Len())
	// Output: [a b] 0
}
