package memserver

import "runtime"

// writers runs writes on a few long-lived goroutines. A request's own
// goroutine is new, with a small stack that a write (JSON decoding, schema
// walks, structured-merge-diff's recursive walkers) outgrows several times,
// each time copying a deeper stack; a long-lived goroutine has grown its
// stack once. A write that finds no idle writer runs on its request's
// goroutine, its stack grown at once while still shallow, so a write never
// waits for a writer.
type writers struct {
	jobs chan *writeJob
	done <-chan struct{}
}

// writeJob is one write handed to a writer.
type writeJob struct {
	run      func()
	finished chan struct{}
	panicked any // the write's panic, re-raised on the request's goroutine
	didPanic bool
}

// newWriters starts 2×GOMAXPROCS+4 writers (as many as a parallel test
// suite's clients typically write at once), which end when done closes.
func newWriters(done <-chan struct{}) *writers {
	w := &writers{jobs: make(chan *writeJob), done: done}
	for range 2*runtime.GOMAXPROCS(0) + 4 {
		go w.loop()
	}
	return w
}

// loop runs jobs. Each starts with growStack: the garbage collector
// shrinks the stack of an idle writer, which must then grow again while
// still shallow rather than deep inside a write.
func (w *writers) loop() {
	for {
		select {
		case j := <-w.jobs:
			growStack()
			j.do()
		case <-w.done:
			return
		}
	}
}

// do runs the job and reports its end, with its panic if it panicked.
func (j *writeJob) do() {
	defer close(j.finished)
	j.didPanic = true
	defer func() {
		if j.didPanic {
			j.panicked = recover()
		}
	}()
	j.run()
	j.didPanic = false
}

// run runs f on an idle writer and waits for it, or on the calling
// goroutine when every writer is busy. A panic in f is raised here.
func (w *writers) run(f func()) {
	j := &writeJob{run: f, finished: make(chan struct{})}
	select {
	case w.jobs <- j:
	default:
		growStack()
		f()
		return
	}
	<-j.finished
	if j.didPanic {
		panic(j.panicked)
	}
}

// stackReserve is about the stack a write needs at its deepest.
const stackReserve = 32 << 10

// growStack grows the calling goroutine's stack to hold stackReserve more
// bytes while it is still shallow, so it is copied once, not several times
// when deep.
//
//go:noinline
func growStack() {
	var buf [stackReserve]byte
	keepStack(buf[:])
}

//go:noinline
func keepStack([]byte) {}
