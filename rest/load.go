package rest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
)

// LoadOptions says where [Load] looks and what it overrides, like kubectl's
// --kubeconfig, --context, --cluster, --user and --namespace flags.
type LoadOptions struct {
	// KubeconfigPath, when set, is the only kubeconfig read; a missing file
	// is an error (KUBECONFIG and ~/.kube/config are not consulted). A file
	// that names no server still falls back to in-cluster configuration, as
	// "kubectl --kubeconfig=/dev/null" does in a pod.
	KubeconfigPath string
	// Context replaces the kubeconfig's current-context. It must exist.
	Context string
	// Cluster and User replace the context's cluster and user. They must exist.
	Cluster, User string
	// Namespace replaces the context's namespace in Config.Namespace.
	Namespace string
	// Getenv reads KUBECONFIG, HOME, POD_NAMESPACE and
	// KUBERNETES_SERVICE_HOST/PORT; nil means os.Getenv.
	Getenv func(string) string
	// ServiceAccountDir holds the in-cluster token, ca.crt and namespace
	// files; "" means /var/run/secrets/kubernetes.io/serviceaccount.
	ServiceAccountDir string
}

// DefaultServiceAccountDir is where a pod's service-account files are mounted.
const DefaultServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// ErrNoConfig is wrapped by the error [Load] returns when no source yields a
// server; the message lists every source tried and why each failed.
var ErrNoConfig = errors.New("no Kubernetes configuration found")

// noServerError says a kubeconfig names no server, the one case in which
// Load falls back to in-cluster configuration. It matches ErrNoConfig.
type noServerError struct{ msg string }

func (e *noServerError) Error() string        { return e.msg }
func (e *noServerError) Is(target error) bool { return target == ErrNoConfig }

// Load returns the Config kubectl would use, with kubectl's precedence:
//
//  1. opts.KubeconfigPath alone, when set (a missing file is an error);
//  2. otherwise every file in $KUBECONFIG (a path list), merged: the first
//     file to define a cluster, user or context name wins that entry, the
//     first non-empty current-context wins, missing files are skipped;
//  3. otherwise ~/.kube/config, if it exists;
//  4. only when the kubeconfig files yield no server (none exist, or they
//     name no cluster with a server), in-cluster configuration ([InCluster]),
//     as client-go's deferred loader does.
//
// A file that exists but does not parse is an error, never skipped. Relative
// paths in a file resolve against that file's directory. The chosen context's
// namespace becomes Config.Namespace. When nothing yields a server, the error
// wraps [ErrNoConfig] and lists every source tried and why each failed.
func Load(opts LoadOptions) (*Config, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	files, source, err := kubeconfigPaths(opts, getenv)
	if err != nil {
		return nil, err
	}
	kcs, tried, err := readKubeconfigs(files, opts.KubeconfigPath != "")
	if err != nil {
		return nil, err
	}
	merged := mergeKubeconfigs(kcs)
	cfg, err := merged.Config(opts)
	if err == nil {
		return cfg, nil
	}
	var noServer *noServerError
	if !errors.As(err, &noServer) {
		return nil, fmt.Errorf("kubeconfig from %s: %w", source, err)
	}
	if len(kcs) > 0 {
		tried = append(tried, fmt.Sprintf("%s: %v", source, err))
	}
	cfg, icErr := inCluster(getenv, opts.ServiceAccountDir)
	if icErr == nil {
		if opts.Namespace != "" {
			cfg.Namespace = opts.Namespace
		}
		return cfg, nil
	}
	tried = append(tried, "in-cluster: "+icErr.Error())
	return nil, fmt.Errorf("%w; tried:\n  - %s", ErrNoConfig, strings.Join(tried, "\n  - "))
}

// kubeconfigPaths returns the files to read in precedence order, and a
// description of where they came from.
func kubeconfigPaths(opts LoadOptions, getenv func(string) string) ([]string, string, error) {
	if opts.KubeconfigPath != "" {
		return []string{opts.KubeconfigPath}, opts.KubeconfigPath, nil
	}
	if env := getenv("KUBECONFIG"); env != "" {
		var files []string
		seen := map[string]bool{}
		for _, f := range filepath.SplitList(env) {
			if f != "" && !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
		return files, "KUBECONFIG=" + env, nil
	}
	home := getenv("HOME")
	if home == "" && opts.Getenv == nil {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return nil, "~/.kube/config", nil
	}
	p := filepath.Join(home, ".kube", "config")
	return []string{p}, p, nil
}

// readKubeconfigs reads and parses files. Missing files are skipped (and
// noted in tried) unless explicit.
func readKubeconfigs(files []string, explicit bool) ([]*Kubeconfig, []string, error) {
	var kcs []*Kubeconfig
	var tried []string
	if len(files) == 0 {
		tried = append(tried, "~/.kube/config: HOME is not set")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			tried = append(tried, f+": does not exist")
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read kubeconfig: %w", err)
		}
		dir, err := filepath.Abs(filepath.Dir(f))
		if err != nil {
			return nil, nil, fmt.Errorf("kubeconfig %s: %w", f, err)
		}
		kc, err := ParseKubeconfig(data, dir)
		if err != nil {
			return nil, nil, fmt.Errorf("kubeconfig %s: %w", f, err)
		}
		kcs = append(kcs, kc)
	}
	return kcs, tried, nil
}

// Config returns the Config of a context of kc: opts.Context, else kc's
// current-context, with opts' Cluster, User and Namespace overrides (its
// other fields are ignored). Use it for a kubeconfig that is not a file, such
// as one read from a Secret. When the context names no cluster with a
// server, the error wraps [ErrNoConfig].
func (kc *Kubeconfig) Config(opts LoadOptions) (*Config, error) {
	name, ctx, cl, clusterName, userName, err := kc.selectEntries(opts)
	if err != nil {
		return nil, err
	}
	switch {
	case cl != nil && cl.Server != "":
	case name == "" && clusterName == "":
		return nil, &noServerError{"no current-context"}
	case cl == nil || reflect.ValueOf(*cl).IsZero():
		return nil, &noServerError{fmt.Sprintf("context %q names cluster %q, which is not defined", name, clusterName)}
	default:
		return nil, fmt.Errorf("cluster %q has no server", clusterName)
	}
	cfg, err := clusterConfig(cl)
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", clusterName, err)
	}
	if u := kc.Users[userName]; u != nil {
		if err := applyUser(cfg, u); err != nil {
			return nil, fmt.Errorf("user %q: %w", userName, err)
		}
	}
	if cfg.Exec != nil {
		for _, ext := range cl.Extensions {
			if ext.Name == execClusterExtension {
				cfg.Exec.ClusterConfig = ext.Extension
			}
		}
	}
	cfg.Namespace = ctx.Namespace
	if opts.Namespace != "" {
		cfg.Namespace = opts.Namespace
	}
	return cfg, nil
}

// selectEntries picks the context, cluster and user names opts select, and
// the cluster entry (nil if undefined).
func (kc *Kubeconfig) selectEntries(opts LoadOptions) (name string, ctx KubeconfigContext, cl *KubeconfigCluster, clusterName, userName string, err error) {
	name = opts.Context
	if name == "" {
		name = kc.CurrentContext
	}
	if name != "" {
		c, ok := kc.Contexts[name]
		if !ok {
			return "", ctx, nil, "", "", fmt.Errorf("context %q not found (contexts: %s)", name, keys(kc.Contexts))
		}
		ctx = *c
	}
	clusterName, userName = ctx.Cluster, ctx.User
	if opts.Cluster != "" {
		if kc.Clusters[opts.Cluster] == nil {
			return "", ctx, nil, "", "", fmt.Errorf("cluster %q not found (clusters: %s)", opts.Cluster, keys(kc.Clusters))
		}
		clusterName = opts.Cluster
	}
	if opts.User != "" {
		if kc.Users[opts.User] == nil {
			return "", ctx, nil, "", "", fmt.Errorf("user %q not found (users: %s)", opts.User, keys(kc.Users))
		}
		userName = opts.User
	}
	return name, ctx, kc.Clusters[clusterName], clusterName, userName, nil
}

func clusterConfig(cl *KubeconfigCluster) (*Config, error) {
	cfg := &Config{
		Host:               cl.Server,
		ProxyURL:           cl.ProxyURL,
		DisableCompression: cl.DisableCompression,
		TLS: TLSConfig{
			CAFile: cl.CertificateAuthority, CAData: cl.CertificateAuthorityData,
			ServerName: cl.TLSServerName, Insecure: cl.InsecureSkipTLSVerify,
		},
	}
	if cfg.TLS.Insecure && (cfg.TLS.CAFile != "" || len(cfg.TLS.CAData) > 0) {
		return nil, errors.New("insecure-skip-tls-verify cannot be combined with a certificate authority")
	}
	return cfg, nil
}

func applyUser(cfg *Config, u *KubeconfigUser) error {
	if u.AuthProvider != nil {
		return fmt.Errorf("auth-provider %q is not supported (it was removed from kubectl); use an exec credential plugin", u.AuthProvider.Name)
	}
	if u.Token != "" && (u.Username != "" || u.Password != "") {
		return errors.New("more than one authentication method (token and username/password); only one is allowed")
	}
	if u.As == "" && (u.AsUID != "" || len(u.AsGroups) > 0 || len(u.AsUserExtra) > 0) {
		return errors.New("as-uid, as-groups or as-user-extra without as (a user to impersonate)")
	}
	cfg.TLS.CertFile, cfg.TLS.CertData = u.ClientCertificate, u.ClientCertificateData
	cfg.TLS.KeyFile, cfg.TLS.KeyData = u.ClientKey, u.ClientKeyData
	cfg.BearerToken, cfg.BearerTokenFile = u.Token, u.TokenFile
	cfg.Username, cfg.Password = u.Username, u.Password
	cfg.Impersonate = Impersonation{UserName: u.As, UID: u.AsUID, Groups: u.AsGroups, Extra: u.AsUserExtra}
	if e := u.Exec; e != nil {
		cfg.Exec = &ExecConfig{
			Command: e.Command, Args: e.Args, Env: e.Env, APIVersion: e.APIVersion, InstallHint: e.InstallHint,
			ProvideClusterInfo: e.ProvideClusterInfo, InteractiveMode: e.InteractiveMode,
		}
	}
	return nil
}

func keys[T any](m map[string]*T) string {
	if len(m) == 0 {
		return "none"
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, fmt.Sprintf("%q", k))
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}
