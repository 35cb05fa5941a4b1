package rest

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Every type of this package that holds a credential formats itself with the
// credential replaced, for every fmt verb (%v, %+v, %#v, %s, %q, %x, ...),
// through a pointer or a value, alone or inside an exported field of
// another value: Format redacts a copy and prints it as a plain struct of the
// same fields (a "plain" type with no methods, renamed back in %#v). Secrets
// that are set print as "--- REDACTED ---", unset ones as empty, so a
// printed Config still shows which credentials it has.
//
// fmt cannot call methods of a value it reaches through an unexported
// field: a struct holding a Config (by value, or by pointer with a verb
// other than %v) in an unexported field prints it by reflection, secrets
// and all. Keep a *Client there instead: a Client prints only its host,
// and its own fields hold the configuration behind pointers, which fmt
// prints as addresses.

const (
	redacted  = "--- REDACTED ---"
	truncated = "--- TRUNCATED ---"
)

type (
	plainConfig            Config
	plainTLSConfig         TLSConfig
	plainExecConfig        ExecConfig
	plainExecEnvVar        ExecEnvVar
	plainKubeconfigUser    KubeconfigUser
	plainKubeconfigExec    KubeconfigExec
	plainKubeconfigCluster KubeconfigCluster
)

// formatPlain prints v, a plain copy whose %#v type name is plain, under
// the name public.
func formatPlain(f fmt.State, verb rune, v any, plain, public string) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), v)
	if verb == 'v' && f.Flag('#') {
		s = strings.Replace(s, "rest."+plain+"{", "rest."+public+"{", 1)
	}
	_, _ = io.WriteString(f, s)
}

func redactString(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

func redactBytes(b []byte, with string) []byte {
	if len(b) == 0 {
		return b
	}
	return []byte(with)
}

func redactStrings(ss []string) []string {
	if len(ss) == 0 {
		return ss
	}
	return []string{redacted}
}

// Format prints c with its bearer token, password, client key and exec
// plugin arguments and environment values redacted, for every verb.
func (c Config) Format(f fmt.State, verb rune) {
	c.BearerToken = redactString(c.BearerToken)
	c.Password = redactString(c.Password)
	c.Host = maskURLString(c.Host)
	c.ProxyURL = maskURLString(c.ProxyURL)
	formatPlain(f, verb, plainConfig(c), "plainConfig", "Config")
}

// String returns c as %+v prints it, credentials redacted.
func (c Config) String() string { return fmt.Sprintf("%+v", c) }

// GoString returns c as %#v prints it, credentials redacted.
func (c Config) GoString() string { return fmt.Sprintf("%#v", c) }

// LogValue makes log/slog print c redacted, with text and JSON handlers alike.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format prints the client as rest.Client{Host: ...}, for every verb: its
// configuration holds credentials.
func (c Client) Format(f fmt.State, verb rune) {
	host := "<nil>"
	if c.base != nil {
		host = maskURL(c.base)
	}
	type plainClient struct{ Host string }
	formatPlain(f, verb, plainClient{Host: host}, "plainClient", "Client")
}

// Format prints t with its client key redacted and certificate data cut,
// for every verb.
func (t TLSConfig) Format(f fmt.State, verb rune) {
	t.KeyData = redactBytes(t.KeyData, redacted)
	t.CertData = redactBytes(t.CertData, truncated)
	formatPlain(f, verb, plainTLSConfig(t), "plainTLSConfig", "TLSConfig")
}

// String returns t as %+v prints it, the key redacted.
func (t TLSConfig) String() string { return fmt.Sprintf("%+v", t) }

// GoString returns t as %#v prints it, the key redacted.
func (t TLSConfig) GoString() string { return fmt.Sprintf("%#v", t) }

// Format prints e with its arguments, environment values and cluster
// configuration redacted (any of them may carry a credential), for every
// verb.
func (e ExecConfig) Format(f fmt.State, verb rune) {
	e.Args = redactStrings(e.Args)
	e.Env = redactEnv(e.Env)
	if len(e.ClusterConfig) > 0 {
		e.ClusterConfig = json.RawMessage(`"` + redacted + `"`)
	}
	formatPlain(f, verb, plainExecConfig(e), "plainExecConfig", "ExecConfig")
}

// String returns e as %+v prints it, redacted.
func (e ExecConfig) String() string { return fmt.Sprintf("%+v", e) }

// GoString returns e as %#v prints it, redacted.
func (e ExecConfig) GoString() string { return fmt.Sprintf("%#v", e) }

func redactEnv(env []ExecEnvVar) []ExecEnvVar {
	if len(env) == 0 {
		return env
	}
	out := make([]ExecEnvVar, len(env))
	for i, v := range env {
		out[i] = ExecEnvVar{Name: v.Name, Value: redactString(v.Value)}
	}
	return out
}

// Format prints v with its value redacted, for every verb.
func (v ExecEnvVar) Format(f fmt.State, verb rune) {
	v.Value = redactString(v.Value)
	formatPlain(f, verb, plainExecEnvVar(v), "plainExecEnvVar", "ExecEnvVar")
}

// Format prints u with its token, password and client key redacted, for
// every verb.
func (u KubeconfigUser) Format(f fmt.State, verb rune) {
	u.Token = redactString(u.Token)
	u.Password = redactString(u.Password)
	u.ClientKeyData = redactBytes(u.ClientKeyData, redacted)
	u.ClientCertificateData = redactBytes(u.ClientCertificateData, truncated)
	formatPlain(f, verb, plainKubeconfigUser(u), "plainKubeconfigUser", "KubeconfigUser")
}

// Format prints e with its arguments and environment values redacted, for
// every verb.
func (e KubeconfigExec) Format(f fmt.State, verb rune) {
	e.Args = redactStrings(e.Args)
	e.Env = redactEnv(e.Env)
	formatPlain(f, verb, plainKubeconfigExec(e), "plainKubeconfigExec", "KubeconfigExec")
}

// Format prints c with its CA data cut (not a secret, but long), for every
// verb. A server URL with credentials in it is refused by [NewClient];
// here its userinfo and query values are masked too.
func (c KubeconfigCluster) Format(f fmt.State, verb rune) {
	c.CertificateAuthorityData = redactBytes(c.CertificateAuthorityData, truncated)
	c.Server = maskURLString(c.Server)
	c.ProxyURL = maskURLString(c.ProxyURL)
	formatPlain(f, verb, plainKubeconfigCluster(c), "plainKubeconfigCluster", "KubeconfigCluster")
}
