package unstructured

import "io"

// window is the read buffer under both decoders (the JSON scanner and the
// CBOR reader): a sliding view of the input that keeps what a raw capture
// still needs and grows only with what was really sent.
type window struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte in buf
	end  int   // buf[:end] holds data
	base int64 // input offset of buf[0]
	mark int   // start of a raw capture, or -1
	rerr error // sticky read error (io.EOF at the end)
}

func newWindow(r io.Reader) window {
	return window{r: r, buf: make([]byte, 32<<10), mark: -1}
}

// inMemory returns a window over doc, all of the input: it never reads,
// and is never written to.
func inMemory(doc []byte) window {
	return window{buf: doc, end: len(doc), mark: -1, rerr: io.EOF}
}

// fill reads more input, keeping buf[keep:] where keep is min(pos, mark),
// and doubling the buffer only when it is full of unread data, so memory
// grows with what was really sent, never with a declared length. It returns
// false at the end of the input or on a read error (kept in rerr).
func (s *window) fill() bool {
	if s.rerr != nil {
		return false
	}
	keep := s.pos
	if s.mark >= 0 && s.mark < keep {
		keep = s.mark
	}
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.end -= keep
		s.pos -= keep
		if s.mark >= 0 {
			s.mark -= keep
		}
		s.base += int64(keep)
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}
