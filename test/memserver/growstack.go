package memserver

// stackReserve is about the stack a write needs at its deepest (JSON
// decoding, schema walks, structured-merge-diff's recursive walkers).
const stackReserve = 32 << 10

// growStack grows the calling goroutine's stack to hold stackReserve more
// bytes while it is still shallow. Every request runs on a new goroutine
// with a small stack, which a write would otherwise outgrow several
// times, each time copying (and adjusting the pointers of) a deep stack.
//
//go:noinline
func growStack() {
	var buf [stackReserve]byte
	keepStack(buf[:])
}

//go:noinline
func keepStack([]byte) {}
