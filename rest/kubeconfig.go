package rest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// Kubeconfig is one parsed kubeconfig file (kind Config, apiVersion v1),
// reduced to what a client needs. Names map to entries; a name defined twice
// in one file is an error, as in kubectl.
type Kubeconfig struct {
	CurrentContext string
	Clusters       map[string]*KubeconfigCluster
	Users          map[string]*KubeconfigUser
	Contexts       map[string]*KubeconfigContext
}

// KubeconfigCluster is a kubeconfig "cluster" entry; each field is the key
// in its json tag.
type KubeconfigCluster struct {
	Server                   string `json:"server,omitempty"`
	TLSServerName            string `json:"tls-server-name,omitempty"`
	InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify,omitempty"`
	CertificateAuthority     string `json:"certificate-authority,omitempty"`
	CertificateAuthorityData []byte `json:"certificate-authority-data,omitempty"`
	ProxyURL                 string `json:"proxy-url,omitempty"`
	DisableCompression       bool   `json:"disable-compression,omitempty"`
	Extensions               []struct {
		Name      string          `json:"name"`
		Extension json.RawMessage `json:"extension"`
	} `json:"extensions,omitempty"`
}

// KubeconfigUser is a kubeconfig "user" (AuthInfo) entry; each field is the
// key in its json tag. AuthProvider is read only to refuse it.
type KubeconfigUser struct {
	ClientCertificate     string              `json:"client-certificate,omitempty"`
	ClientCertificateData []byte              `json:"client-certificate-data,omitempty"`
	ClientKey             string              `json:"client-key,omitempty"`
	ClientKeyData         []byte              `json:"client-key-data,omitempty"`
	Token                 string              `json:"token,omitempty"`
	TokenFile             string              `json:"tokenFile,omitempty"`
	As                    string              `json:"as,omitempty"`
	AsUID                 string              `json:"as-uid,omitempty"`
	AsGroups              []string            `json:"as-groups,omitempty"`
	AsUserExtra           map[string][]string `json:"as-user-extra,omitempty"`
	Username              string              `json:"username,omitempty"`
	Password              string              `json:"password,omitempty"`
	AuthProvider          *struct {
		Name string `json:"name"`
	} `json:"auth-provider,omitempty"`
	Exec *KubeconfigExec `json:"exec,omitempty"`
}

// KubeconfigExec is a user's "exec" credential plugin stanza; see
// [ExecConfig] for the meaning of each field.
type KubeconfigExec struct {
	Command            string       `json:"command"`
	Args               []string     `json:"args,omitempty"`
	Env                []ExecEnvVar `json:"env,omitempty"`
	APIVersion         string       `json:"apiVersion,omitempty"`
	InstallHint        string       `json:"installHint,omitempty"`
	ProvideClusterInfo bool         `json:"provideClusterInfo,omitempty"`
	InteractiveMode    string       `json:"interactiveMode,omitempty"`
}

// KubeconfigContext is a kubeconfig "context" entry: which cluster and
// user, and the default namespace.
type KubeconfigContext struct {
	Cluster   string `json:"cluster"`
	User      string `json:"user"`
	Namespace string `json:"namespace,omitempty"`
}

// execClusterExtension names the cluster extension passed to exec plugins.
const execClusterExtension = "client.authentication.k8s.io/exec"

type kubeconfigWire struct {
	APIVersion     string `json:"apiVersion"`
	Kind           string `json:"kind"`
	CurrentContext string `json:"current-context"`
	Clusters       []struct {
		Name    string             `json:"name"`
		Cluster *KubeconfigCluster `json:"cluster"`
	} `json:"clusters"`
	Users []struct {
		Name string          `json:"name"`
		User *KubeconfigUser `json:"user"`
	} `json:"users"`
	Contexts []struct {
		Name    string             `json:"name"`
		Context *KubeconfigContext `json:"context"`
	} `json:"contexts"`
}

// ParseKubeconfig parses a kubeconfig file's contents (YAML or JSON). Empty
// input is an empty config. Relative file paths in it are resolved against
// dir, the directory of the file ("" leaves them as they are): the cluster's
// certificate-authority, the user's client-certificate, client-key and
// tokenFile, and an exec command that contains a path separator (a bare
// command name is looked up in PATH).
func ParseKubeconfig(data []byte, dir string) (*Kubeconfig, error) {
	kc := &Kubeconfig{Clusters: map[string]*KubeconfigCluster{}, Users: map[string]*KubeconfigUser{}, Contexts: map[string]*KubeconfigContext{}}
	if len(strings.TrimSpace(string(data))) == 0 {
		return kc, nil
	}
	var w kubeconfigWire
	if err := yaml.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("parse kubeconfig: %w", err)
	}
	if w.Kind != "" && w.Kind != "Config" {
		return nil, fmt.Errorf("parse kubeconfig: kind is %q, want Config", w.Kind)
	}
	if w.APIVersion != "" && w.APIVersion != "v1" {
		return nil, fmt.Errorf("parse kubeconfig: apiVersion is %q, want v1", w.APIVersion)
	}
	kc.CurrentContext = w.CurrentContext
	for _, c := range w.Clusters {
		if err := addEntry(kc.Clusters, "cluster", c.Name, c.Cluster); err != nil {
			return nil, err
		}
	}
	for _, u := range w.Users {
		if err := addEntry(kc.Users, "user", u.Name, u.User); err != nil {
			return nil, err
		}
	}
	for _, c := range w.Contexts {
		if err := addEntry(kc.Contexts, "context", c.Name, c.Context); err != nil {
			return nil, err
		}
	}
	if dir != "" {
		kc.resolvePaths(dir)
	}
	return kc, nil
}

func addEntry[T any](m map[string]*T, what, name string, v *T) error {
	if _, dup := m[name]; dup {
		return fmt.Errorf("parse kubeconfig: %s %q is defined twice", what, name)
	}
	if v == nil {
		v = new(T)
	}
	m[name] = v
	return nil
}

// resolvePaths makes relative file references absolute against dir.
func (kc *Kubeconfig) resolvePaths(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for _, c := range kc.Clusters {
		abs(&c.CertificateAuthority)
	}
	for _, u := range kc.Users {
		abs(&u.ClientCertificate)
		abs(&u.ClientKey)
		abs(&u.TokenFile)
		if u.Exec != nil && strings.ContainsRune(u.Exec.Command, filepath.Separator) {
			abs(&u.Exec.Command)
		}
	}
}

// mergeKubeconfigs merges files in precedence order, as kubectl does: the
// first file to define a cluster, user or context name wins that whole
// entry, and the first non-empty current-context wins.
func mergeKubeconfigs(files []*Kubeconfig) *Kubeconfig {
	out := &Kubeconfig{Clusters: map[string]*KubeconfigCluster{}, Users: map[string]*KubeconfigUser{}, Contexts: map[string]*KubeconfigContext{}}
	for _, kc := range files {
		if out.CurrentContext == "" {
			out.CurrentContext = kc.CurrentContext
		}
		mergeFirst(out.Clusters, kc.Clusters)
		mergeFirst(out.Users, kc.Users)
		mergeFirst(out.Contexts, kc.Contexts)
	}
	return out
}

func mergeFirst[T any](dst, src map[string]*T) {
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
}
