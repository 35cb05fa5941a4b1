package faultproxy

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
)

// Proxy forwards every connection accepted on its loopback address to one
// target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex                // guards conns, closed, down
	conns  map[net.Conn]*atomic.Bool // both ends of every open connection → the pair is hung
	closed bool
	down   bool // new connections are closed at once

	wg sync.WaitGroup // the accept loop and the copy goroutines
}

// Start listens on a free port of 127.0.0.1 and forwards to target
// ("127.0.0.1:6443").
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]*atomic.Bool{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's address, "127.0.0.1:PORT".
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// DropAll closes every open connection, both ends, as a network failure
// would, and returns how many client connections it cut. New connections
// are still accepted.
func (p *Proxy) DropAll() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	n := len(p.conns) / 2
	clear(p.conns)
	return n
}

// Hang makes every open connection stop forwarding, in both directions,
// without closing it, as a silent network failure (a dead peer behind a
// NAT, a cable pulled) would: what arrives is read and dropped. It returns
// how many client connections hang. New connections are forwarded as
// usual.
func (p *Proxy) Hang() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, hung := range p.conns {
		hung.Store(true)
	}
	return len(p.conns) / 2
}

// SetDown takes the path to the server down (every open connection is
// dropped and new ones are closed at once, as when the server is
// unreachable) or brings it back up.
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.DropAll()
	}
}

// Close stops accepting, drops every connection and waits for the proxy's
// goroutines to end.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.DropAll()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		hung := new(atomic.Bool)
		if !p.track(client, server, hung) {
			client.Close()
			server.Close()
			if p.isClosed() {
				return
			}
			continue
		}
		p.wg.Add(2)
		go p.pipe(server, client, hung)
		go p.pipe(client, server, hung)
	}
}

func (p *Proxy) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

func (p *Proxy) track(a, b net.Conn, hung *atomic.Bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.down {
		return false
	}
	p.conns[a], p.conns[b] = hung, hung
	return true
}

// pipe copies from src to dst until either fails (a cut connection ends
// the copy; that is the point), dropping what it reads once hung; then it
// closes both.
func (p *Proxy) pipe(dst, src net.Conn, hung *atomic.Bool) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !hung.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}
