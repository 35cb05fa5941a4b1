package workqueue

// ring is a FIFO of keys in a circular buffer that grows by doubling, so a
// queue in steady state allocates nothing. Not safe for concurrent use.
type ring[T any] struct {
	buf  []T
	head int // index of the oldest key
	n    int // number of keys
}

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		size := 2 * len(r.buf)
		if size == 0 {
			size = 16
		}
		nb := make([]T, size)
		for i := 0; i < r.n; i++ {
			nb[i] = r.buf[(r.head+i)%len(r.buf)]
		}
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.n)%len(r.buf)] = v
	r.n++
}

func (r *ring[T]) pop() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero // let the key be collected
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return v
}

// clear drops every key.
func (r *ring[T]) clear() {
	clear(r.buf)
	r.head, r.n = 0, 0
}
