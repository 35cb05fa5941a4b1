package cluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pki is the key material one control plane uses, written as PEM files into dir.
type pki struct {
	caCert, caKey                   []byte // the cluster CA: signs the serving and client certificates
	servingCert, servingKey         []byte
	certUserCert, certUserKey       []byte // the client-certificate user
	frontProxyCA                    []byte // requestheader CA for the aggregator
	proxyClientCert, proxyClientKey []byte
	saKey, saPub                    []byte // service-account token signing key pair
}

type keyPair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
	kpem []byte
}

func newKeyPair(tmpl *x509.Certificate, parent *keyPair) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(10 * 24 * time.Hour)
	signer, signerCert := key, tmpl
	if parent != nil {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &keyPair{
		cert: cert, key: key,
		pem:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		kpem: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	}, nil
}

func caTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
	}
}

func clientTemplate(cn string, orgs ...string) *x509.Certificate {
	return &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn, Organization: orgs},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
}

// newPKI generates a CA, a serving certificate for 127.0.0.1/localhost, a client
// certificate for certUser (in group certGroup), the aggregator's front-proxy
// pair and a service-account key.
func newPKI(certUser, certGroup string) (*pki, error) {
	ca, err := newKeyPair(caTemplate("kubedyn-test-ca"), nil)
	if err != nil {
		return nil, fmt.Errorf("generate CA: %w", err)
	}
	serving, err := newKeyPair(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")},
	}, ca)
	if err != nil {
		return nil, fmt.Errorf("generate serving certificate: %w", err)
	}
	user, err := newKeyPair(clientTemplate(certUser, certGroup), ca)
	if err != nil {
		return nil, fmt.Errorf("generate client certificate: %w", err)
	}
	fpCA, err := newKeyPair(caTemplate("kubedyn-front-proxy-ca"), nil)
	if err != nil {
		return nil, err
	}
	proxy, err := newKeyPair(clientTemplate("front-proxy-client"), fpCA)
	if err != nil {
		return nil, err
	}
	sa, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate service-account key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&sa.PublicKey)
	if err != nil {
		return nil, err
	}
	return &pki{
		caCert: ca.pem, caKey: ca.kpem,
		servingCert: serving.pem, servingKey: serving.kpem,
		certUserCert: user.pem, certUserKey: user.kpem,
		frontProxyCA:    fpCA.pem,
		proxyClientCert: proxy.pem, proxyClientKey: proxy.kpem,
		saKey: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(sa)}),
		saPub: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
	}, nil
}

// pkiFiles names the files write puts the material in.
type pkiFiles struct {
	CA, CAKey, Serving, ServingKey, CertUser, CertUserKey   string
	FrontProxyCA, ProxyClient, ProxyClientKey, SAKey, SAPub string
}

func (p *pki) write(dir string) (pkiFiles, error) {
	f := pkiFiles{
		CA: "ca.crt", CAKey: "ca.key", Serving: "serving.crt", ServingKey: "serving.key",
		CertUser: "cert-user.crt", CertUserKey: "cert-user.key",
		FrontProxyCA: "front-proxy-ca.crt", ProxyClient: "proxy-client.crt", ProxyClientKey: "proxy-client.key",
		SAKey: "sa.key", SAPub: "sa.pub",
	}
	for _, e := range []struct {
		name *string
		data []byte
	}{
		{&f.CA, p.caCert}, {&f.CAKey, p.caKey}, {&f.Serving, p.servingCert}, {&f.ServingKey, p.servingKey},
		{&f.CertUser, p.certUserCert}, {&f.CertUserKey, p.certUserKey},
		{&f.FrontProxyCA, p.frontProxyCA}, {&f.ProxyClient, p.proxyClientCert}, {&f.ProxyClientKey, p.proxyClientKey},
		{&f.SAKey, p.saKey}, {&f.SAPub, p.saPub},
	} {
		path := filepath.Join(dir, *e.name)
		if err := os.WriteFile(path, e.data, 0o600); err != nil {
			return f, err
		}
		*e.name = path
	}
	return f, nil
}
