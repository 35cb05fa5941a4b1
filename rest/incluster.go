package rest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// InCluster returns the Config of a program running in a pod: the API server
// from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, and the
// service-account token, ca.crt and namespace files under
// [DefaultServiceAccountDir]. The token file is re-read when it changes
// (bound service-account tokens rotate hourly). Config.Namespace is
// $POD_NAMESPACE, else the namespace file's contents.
func InCluster() (*Config, error) {
	return inCluster(os.Getenv, "")
}

func inCluster(getenv func(string) string, dir string) (*Config, error) {
	if dir == "" {
		dir = DefaultServiceAccountDir
	}
	host, port := getenv("KUBERNETES_SERVICE_HOST"), getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, errors.New("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod)")
	}
	token := filepath.Join(dir, "token")
	if _, err := os.Stat(token); err != nil {
		return nil, fmt.Errorf("service-account token: %w", err)
	}
	cfg := &Config{Host: "https://" + net.JoinHostPort(host, port), BearerTokenFile: token}
	if ca := filepath.Join(dir, "ca.crt"); fileExists(ca) {
		cfg.TLS.CAFile = ca
	}
	cfg.Namespace = getenv("POD_NAMESPACE")
	if cfg.Namespace == "" {
		if data, err := os.ReadFile(filepath.Join(dir, "namespace")); err == nil {
			cfg.Namespace = strings.TrimSpace(string(data))
		}
	}
	return cfg, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
