package rest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
)

// certSource supplies the client certificate for TLS handshakes: a pair
// from data or files (files are re-read when they change on disk; data wins
// over a file of the same kind), or a pair handed over by an exec plugin.
type certSource struct {
	cert, key pemSource // both empty when an exec plugin provides the pair

	mu      sync.Mutex // guards current and handed
	current *tls.Certificate
	handed  bool // set changed current since the last refresh
}

// pemSource is PEM data given inline or read from a file.
type pemSource struct {
	data []byte
	file *fileCache
}

func newPEMSource(data []byte, path string) pemSource {
	if len(data) > 0 || path == "" {
		return pemSource{data: data}
	}
	return pemSource{file: newFileCache(path)}
}

func (p pemSource) empty() bool { return len(p.data) == 0 && p.file == nil }

func (p pemSource) get() ([]byte, bool, error) {
	if p.file == nil {
		return p.data, false, nil
	}
	return p.file.get()
}

// newCertSource loads the configured certificate. It returns nil when there
// is none and no exec plugin may provide one.
func newCertSource(t *TLSConfig, execMayProvide bool) (*certSource, error) {
	s := &certSource{cert: newPEMSource(t.CertData, t.CertFile), key: newPEMSource(t.KeyData, t.KeyFile)}
	switch {
	case s.cert.empty() && s.key.empty():
		if !execMayProvide {
			return nil, nil
		}
		return s, nil
	case s.cert.empty() || s.key.empty():
		return nil, errors.New("client certificate: need both a certificate and a key")
	}
	if _, err := s.refresh(); err != nil {
		return nil, err
	}
	return s, nil
}

// refresh re-reads certificate files that changed on disk. It reports
// whether the certificate changed, so that the caller can drop connections
// made with the old one. A pair that does not parse (say, a certificate
// written before its key) keeps the previous certificate in use.
func (s *certSource) refresh() (bool, error) {
	if s == nil {
		return false, nil
	}
	if s.cert.empty() {
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.handed
		s.handed = false
		return h, nil
	}
	certPEM, c1, err := s.cert.get()
	if err != nil {
		return false, fmt.Errorf("client certificate: %w", err)
	}
	keyPEM, c2, err := s.key.get()
	if err != nil {
		return false, fmt.Errorf("client key: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c1 && !c2 && s.current != nil {
		return false, nil
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		if s.current != nil {
			return false, nil
		}
		return false, fmt.Errorf("client certificate and key: %w", err)
	}
	s.current = &c
	return true, nil
}

// set installs a certificate from an exec plugin and reports whether it
// differs from the one in use.
func (s *certSource) set(c *tls.Certificate) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current != nil && c != nil && len(s.current.Certificate) > 0 && len(c.Certificate) > 0 &&
		string(s.current.Certificate[0]) == string(c.Certificate[0]) {
		return false
	}
	s.current = c
	s.handed = true
	return true
}

// getClientCertificate is the tls.Config callback. With no certificate it
// sends none, and the server sees an anonymous (or token) client.
func (s *certSource) getClientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return &tls.Certificate{}, nil
	}
	return s.current, nil
}

// buildTLSConfig returns the tls.Config of the transport.
func buildTLSConfig(t *TLSConfig, certs *certSource) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.Insecure {
		if len(t.CAData) > 0 || t.CAFile != "" {
			return nil, errors.New("TLS: Insecure cannot be combined with a CA (CAFile or CAData)")
		}
		conf.InsecureSkipVerify = true //nolint:gosec // only when the caller asked for it
	}
	ca := t.CAData
	if len(ca) == 0 && t.CAFile != "" {
		data, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("TLS: read CA file: %w", err)
		}
		ca = data
	}
	if len(ca) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			src := "CAData"
			if len(t.CAData) == 0 {
				src = "CA file " + t.CAFile
			}
			return nil, fmt.Errorf("TLS: %s holds no PEM certificate", src)
		}
		conf.RootCAs = pool
	}
	if certs != nil {
		conf.GetClientCertificate = certs.getClientCertificate
	}
	return conf, nil
}
