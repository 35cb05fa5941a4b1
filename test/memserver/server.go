package memserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kubedyn/kubedyn/rest"
)

// Server is one running in-process API server. Its methods are safe for
// concurrent use.
type Server struct {
	opts    Options
	fms     managers
	surface *Surface
	certs   *certs
	ln      net.Listener
	hs      *http.Server
	url     string
	store   *store
	reg     *registry
	faults  faults
	done    chan struct{}
	writers *writers
	stamps  stamps // creation timestamps

	mu     sync.Mutex // guards tmpDir and closed
	tmpDir string
	closed bool
}

// Start starts a server on loopback and returns once it accepts requests.
// It serves until ctx ends or Close is called.
func Start(ctx context.Context, opts Options) (*Server, error) {
	opts = opts.withDefaults()
	surface := opts.Surface
	if surface == nil {
		var err error
		if surface, err = DefaultSurface(); err != nil {
			return nil, fmt.Errorf("start memserver: %w", err)
		}
	}
	// Certificates are checked against the clients' wall clock, whatever
	// Options.Clock says.
	c, err := newCerts(time.Now())
	if err != nil {
		return nil, fmt.Errorf("start memserver: %w", err)
	}
	s := &Server{
		opts:    opts,
		surface: surface,
		certs:   c,
		store:   newStore(opts.Clock, opts.HistoryWindow, opts.HistoryEvents),
		reg:     newRegistry(surface),
		done:    make(chan struct{}),
	}
	s.writers = newWriters(s.done)
	if err := s.seed(opts); err != nil {
		close(s.done)
		return nil, fmt.Errorf("start memserver: %w", err)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		close(s.done)
		return nil, fmt.Errorf("start memserver: listen on %s: %w", opts.Addr, err)
	}
	s.ln = ln
	s.url = "https://" + ln.Addr().String()
	s.hs = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{c.cert},
			NextProtos:   []string{"h2", "http/1.1"},
			MinVersion:   tls.VersionTLS12,
		},
		// Connection noise (clients leaving mid-handshake) is not the
		// test's business.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = s.hs.Serve(tls.NewListener(ln, s.hs.TLSConfig)) }()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// New starts a server for one test and closes it when the test ends. It
// fails the test if the server cannot start.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Run starts a server with the default Options for one test; see [New].
func Run(t testing.TB) *Server {
	t.Helper()
	return New(t, Options{})
}

// URL is the server's base URL, https://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// Token is the bearer token the server accepts.
func (s *Server) Token() string { return s.certs.token }

// CAData is the PEM certificate of the server's generated CA.
func (s *Server) CAData() []byte { return append([]byte(nil), s.certs.caPEM...) }

// RESTConfig returns a kubedyn rest.Config for the server: its URL, CA and
// token. Each call returns a fresh copy.
func (s *Server) RESTConfig() *rest.Config {
	return &rest.Config{
		Host:        s.url,
		TLS:         rest.TLSConfig{CAData: s.CAData()},
		BearerToken: s.certs.token,
		Namespace:   "default",
	}
}

// Kubeconfig returns a kubeconfig document for the server (context
// "memserver", namespace "default"), usable by kubectl and client-go.
func (s *Server) Kubeconfig() []byte {
	return kubeconfigFor(s.url, s.certs.caPEM, s.certs.token)
}

// KubeconfigFile writes the kubeconfig into a temporary file, removed by
// Close, and returns its path.
func (s *Server) KubeconfigFile() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tmpDir == "" {
		d, err := os.MkdirTemp("", "memserver-")
		if err != nil {
			return "", fmt.Errorf("memserver kubeconfig: %w", err)
		}
		s.tmpDir = d
	}
	p := filepath.Join(s.tmpDir, "kubeconfig")
	if err := os.WriteFile(p, s.Kubeconfig(), 0o600); err != nil {
		return "", fmt.Errorf("memserver kubeconfig: %w", err)
	}
	return p, nil
}

// Close stops the server: it closes the listener, ends every open watch and
// connection, and removes the kubeconfig file. It is safe to call twice.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	dir := s.tmpDir
	s.mu.Unlock()
	close(s.done)
	s.store.stopAllWatchers()
	err := s.hs.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
	return err
}

func kubeconfigFor(url string, ca []byte, token string) []byte {
	const tmpl = `apiVersion: v1
kind: Config
clusters:
- name: memserver
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: memserver
  user:
    token: %s
contexts:
- name: memserver
  context:
    cluster: memserver
    user: memserver
    namespace: default
current-context: memserver
`
	return fmt.Appendf(nil, tmpl, url, b64(ca), token)
}

// Version is the Kubernetes version whose API the server serves.
func (s *Server) Version() string { return s.surface.Version() }
