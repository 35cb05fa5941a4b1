package rest

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// ExecConfig runs a client.authentication.k8s.io credential plugin (the
// kubeconfig user's "exec" stanza) for a bearer token or client certificate.
// The plugin runs when a credential is first needed, again when the
// credential's expirationTimestamp passes, and again after a 401.
type ExecConfig struct {
	// Command is the program; a bare name is looked up in PATH.
	Command string
	Args    []string
	// Env is added to the environment the plugin inherits.
	Env []ExecEnvVar
	// APIVersion is "client.authentication.k8s.io/v1" or ".../v1beta1".
	APIVersion string
	// InstallHint is shown when Command cannot be found.
	InstallHint string
	// ProvideClusterInfo passes the server's URL and CA to the plugin in
	// KUBERNETES_EXEC_INFO.
	ProvideClusterInfo bool
	// ClusterConfig is the cluster's "client.authentication.k8s.io/exec"
	// extension, passed as spec.cluster.config with ProvideClusterInfo.
	ClusterConfig json.RawMessage
	// InteractiveMode is "Never", "IfAvailable" or "Always". v1 requires it;
	// v1beta1 defaults to IfAvailable. The plugin is interactive (gets
	// Stdin, and spec.interactive is true) when Stdin is a terminal and the
	// mode is not Never; Always fails when it is not a terminal.
	InteractiveMode string
	// Stdin and Stderr are the terminal an interactive plugin talks to; nil
	// means os.Stdin and os.Stderr. Stderr also receives an interactive
	// plugin's standard error.
	Stdin  io.Reader
	Stderr io.Writer
}

// ExecEnvVar is one environment variable for an exec plugin.
type ExecEnvVar struct {
	Name, Value string
}

// Exec API versions and interactive modes.
const (
	ExecAPIVersionV1      = "client.authentication.k8s.io/v1"
	ExecAPIVersionV1beta1 = "client.authentication.k8s.io/v1beta1"

	ExecInteractiveNever       = "Never"
	ExecInteractiveIfAvailable = "IfAvailable"
	ExecInteractiveAlways      = "Always"
)

func (e *ExecConfig) clone() *ExecConfig {
	out := *e
	out.Args = append([]string(nil), e.Args...)
	out.Env = append([]ExecEnvVar(nil), e.Env...)
	out.ClusterConfig = append(json.RawMessage(nil), e.ClusterConfig...)
	return &out
}

// execCredential is the part of an ExecCredential the client reads or writes.
type execCredential struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Cluster     *execCluster `json:"cluster,omitempty"`
		Interactive bool         `json:"interactive"`
	} `json:"spec"`
	Status *struct {
		ExpirationTimestamp   *time.Time `json:"expirationTimestamp,omitempty"`
		Token                 string     `json:"token,omitempty"`
		ClientCertificateData string     `json:"clientCertificateData,omitempty"`
		ClientKeyData         string     `json:"clientKeyData,omitempty"`
	} `json:"status,omitempty"`
}

type execCluster struct {
	Server                   string          `json:"server"`
	TLSServerName            string          `json:"tls-server-name,omitempty"`
	InsecureSkipTLSVerify    bool            `json:"insecure-skip-tls-verify,omitempty"`
	CertificateAuthorityData []byte          `json:"certificate-authority-data,omitempty"`
	ProxyURL                 string          `json:"proxy-url,omitempty"`
	Config                   json.RawMessage `json:"config,omitempty"`
}

// execResult is a credential from the plugin.
type execResult struct {
	token   string
	cert    *tls.Certificate
	expires time.Time // zero = until a 401
}

// execProvider runs the plugin and caches its credential.
type execProvider struct {
	cfg     ExecConfig
	command string // for messages: the command as configured
	cluster *execCluster
	certs   *certSource
	now     func() time.Time

	mu  sync.Mutex // guards cur; held while the plugin runs, so concurrent requests share one run
	cur *execResult
}

func newExecProvider(cfg *Config, certs *certSource) (*execProvider, error) {
	e := cfg.Exec.clone()
	switch e.APIVersion {
	case ExecAPIVersionV1:
		if e.InteractiveMode == "" {
			return nil, fmt.Errorf("exec plugin %q: interactiveMode must be set for %s", e.Command, e.APIVersion)
		}
	case ExecAPIVersionV1beta1:
		if e.InteractiveMode == "" {
			e.InteractiveMode = ExecInteractiveIfAvailable
		}
	default:
		return nil, fmt.Errorf("exec plugin %q: unsupported apiVersion %q (want %s or %s)", e.Command, e.APIVersion, ExecAPIVersionV1, ExecAPIVersionV1beta1)
	}
	switch e.InteractiveMode {
	case ExecInteractiveNever, ExecInteractiveIfAvailable, ExecInteractiveAlways:
	default:
		return nil, fmt.Errorf("exec plugin %q: invalid interactiveMode %q (want Never, IfAvailable or Always)", e.Command, e.InteractiveMode)
	}
	if e.Command == "" {
		return nil, errors.New("exec plugin: empty command")
	}
	for _, v := range e.Env {
		if v.Name == "" {
			return nil, fmt.Errorf("exec plugin %q: environment variable with an empty name", e.Command)
		}
	}
	p := &execProvider{cfg: *e, command: e.Command, certs: certs, now: time.Now}
	if e.ProvideClusterInfo {
		ca := cfg.TLS.CAData
		if len(ca) == 0 && cfg.TLS.CAFile != "" {
			data, err := os.ReadFile(cfg.TLS.CAFile)
			if err != nil {
				return nil, fmt.Errorf("exec plugin %q: cluster info: read CA file: %w", e.Command, err)
			}
			ca = data
		}
		p.cluster = &execCluster{
			Server: cfg.Host, TLSServerName: cfg.TLS.ServerName, InsecureSkipTLSVerify: cfg.TLS.Insecure,
			CertificateAuthorityData: ca, ProxyURL: cfg.ProxyURL, Config: e.ClusterConfig,
		}
	}
	return p, nil
}

// credential returns the cached credential, running the plugin when there is
// none or it expired.
func (p *execProvider) credential(ctx context.Context) (*execResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil && (p.cur.expires.IsZero() || p.now().Before(p.cur.expires)) {
		return p.cur, nil
	}
	return p.runLocked(ctx)
}

// refresh re-runs the plugin after a 401 for a request sent with
// Authorization value sent, unless another request already replaced that
// credential. It reports whether a new credential is available.
func (p *execProvider) refresh(ctx context.Context, sent string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil && p.cur.token != "" && "Bearer "+p.cur.token != sent {
		return true // someone else already refreshed
	}
	old := p.cur
	cur, err := p.runLocked(ctx)
	if err != nil {
		return false
	}
	return old == nil || cur.token != old.token || cur.cert != old.cert
}

func (p *execProvider) runLocked(ctx context.Context) (*execResult, error) {
	r, err := p.run(ctx)
	if err != nil {
		return nil, err
	}
	p.cur = r
	if r.cert != nil {
		p.certs.set(r.cert)
	}
	return r, nil
}

// run runs the plugin once and parses its ExecCredential.
func (p *execProvider) run(ctx context.Context) (*execResult, error) {
	interactive, err := p.interactive()
	if err != nil {
		return nil, err
	}
	var in execCredential
	in.APIVersion, in.Kind = p.cfg.APIVersion, "ExecCredential"
	in.Spec.Interactive = interactive
	in.Spec.Cluster = p.cluster
	info, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("exec plugin %q: %w", p.command, err)
	}
	cmd := exec.CommandContext(ctx, p.cfg.Command, p.cfg.Args...)
	cmd.Env = os.Environ()
	for _, v := range p.cfg.Env {
		cmd.Env = append(cmd.Env, v.Name+"="+v.Value)
	}
	cmd.Env = append(cmd.Env, "KUBERNETES_EXEC_INFO="+string(info))
	var stdout bytes.Buffer
	stderr := &limitedBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	if interactive {
		cmd.Stdin = p.stdin()
		cmd.Stderr = io.MultiWriter(p.stderr(), stderr)
	}
	if err := cmd.Run(); err != nil {
		return nil, p.runError(err, stderr)
	}
	return p.parse(stdout.Bytes(), stderr)
}

func (p *execProvider) runError(err error, stderr *limitedBuffer) error {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		msg := fmt.Sprintf("exec plugin: executable %q not found", p.command)
		if p.cfg.InstallHint != "" {
			msg += "\n\n" + p.cfg.InstallHint
		}
		return &authError{msg: msg}
	}
	return &authError{msg: fmt.Sprintf("exec plugin %q failed%s", p.command, stderr.suffix()), err: err}
}

func (p *execProvider) parse(out []byte, stderr *limitedBuffer) (*execResult, error) {
	bad := func(format string, args ...any) error {
		return &authError{msg: fmt.Sprintf("exec plugin %q: ", p.command) + fmt.Sprintf(format, args...) + stderr.suffix()}
	}
	var cred execCredential
	if err := json.Unmarshal(out, &cred); err != nil {
		// The output may hold a credential; quote only its shape.
		return nil, bad("output is not an ExecCredential (%d bytes, %v)", len(out), err)
	}
	switch {
	case cred.Kind != "ExecCredential":
		return nil, bad("output has kind %q, want ExecCredential", cred.Kind)
	case cred.APIVersion != p.cfg.APIVersion:
		return nil, bad("output has apiVersion %q, want %q", cred.APIVersion, p.cfg.APIVersion)
	case cred.Status == nil:
		return nil, bad("output has no status")
	}
	st := cred.Status
	r := &execResult{token: st.Token}
	if st.ExpirationTimestamp != nil {
		r.expires = *st.ExpirationTimestamp
	}
	if (st.ClientCertificateData == "") != (st.ClientKeyData == "") {
		return nil, bad("output has only one of clientCertificateData and clientKeyData")
	}
	if st.ClientCertificateData != "" {
		c, err := tls.X509KeyPair([]byte(st.ClientCertificateData), []byte(st.ClientKeyData))
		if err != nil {
			return nil, bad("client certificate: %v", err)
		}
		r.cert = &c
	}
	if r.token == "" && r.cert == nil {
		return nil, bad("output has neither a token nor a client certificate")
	}
	return r, nil
}

// interactive decides whether the plugin gets the terminal.
func (p *execProvider) interactive() (bool, error) {
	if p.cfg.InteractiveMode == ExecInteractiveNever {
		return false, nil
	}
	f, ok := p.stdin().(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	if !tty && p.cfg.InteractiveMode == ExecInteractiveAlways {
		return false, &authError{msg: fmt.Sprintf("exec plugin %q: interactiveMode is Always but standard input is not a terminal", p.command)}
	}
	return tty, nil
}

func (p *execProvider) stdin() io.Reader {
	if p.cfg.Stdin != nil {
		return p.cfg.Stdin
	}
	return os.Stdin
}

func (p *execProvider) stderr() io.Writer {
	if p.cfg.Stderr != nil {
		return p.cfg.Stderr
	}
	return os.Stderr
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	max int
	buf bytes.Buffer
}

// Write keeps what fits and reports everything written.
func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// suffix formats the plugin's stderr for an error message.
func (b *limitedBuffer) suffix() string {
	s := strings.TrimSpace(b.buf.String())
	if s == "" {
		return " (no output on stderr)"
	}
	return "; stderr: " + Snippet([]byte(s), 1024)
}
