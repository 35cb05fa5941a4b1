package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Options configure Start.
type Options struct {
	Build BuildOptions // which binaries; built if missing
	// ExtraAPIServerArgs are appended to kube-apiserver's flags (e.g. feature gates).
	ExtraAPIServerArgs []string
	// Progress receives progress lines; os.Stderr when nil.
	Progress io.Writer
}

// ControlPlane is a running etcd and kube-apiserver. Stop it when done.
type ControlPlane struct {
	env    *Env
	dir    string
	record string // run record path, removed at Stop

	mu       sync.Mutex // guards children and stopped
	children []*child
	stopped  bool
}

// User names, groups and contexts of the three users every control plane has.
const (
	AdminContext        = "admin"
	CertUserContext     = "cert-user"
	RestrictedContext   = "restricted"
	CertUserName        = "kubedyn-cert-user"
	CertUserGroup       = "kubedyn:cert-users"
	RestrictedUserName  = "kubedyn-restricted"
	RestrictedNamespace = "kubedyn-readonly"
	ReadOnlyClusterRole = "kubedyn-read-only" // get, list, watch on everything; bound to Restricted in RestrictedNamespace
)

// Start builds (if needed) and starts etcd and kube-apiserver on free loopback
// ports with data in a fresh temp dir, waits for /readyz, sets up RBAC for the
// three users and writes a kubeconfig. Stale runs left by crashed processes are
// swept first.
func Start(ctx context.Context, opts Options) (*ControlPlane, error) {
	if opts.Progress == nil {
		opts.Progress = os.Stderr
	}
	if opts.Build.Progress == nil {
		opts.Build.Progress = opts.Progress
	}
	if swept := sweepStale(); len(swept) > 0 {
		fmt.Fprintf(opts.Progress, "kubedyn: swept leftovers of crashed control planes: %v\n", swept)
	}
	bins, err := EnsureBinaries(ctx, opts.Build)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		cp, err := startOnce(ctx, bins, opts)
		if err == nil {
			return cp, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func startOnce(ctx context.Context, bins Binaries, opts Options) (cp *ControlPlane, err error) {
	dir, err := os.MkdirTemp("", "kubedyn-cp-")
	if err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	cp = &ControlPlane{dir: dir}
	started := cp // every "return nil, err" below clears cp
	defer func() {
		if err != nil {
			started.Stop()
		}
	}()
	ports, err := freePorts(3)
	if err != nil {
		return nil, fmt.Errorf("start control plane: find free ports: %w", err)
	}
	etcdPort, peerPort, apiPort := ports[0], ports[1], ports[2]
	p, err := newPKI(CertUserName, CertUserGroup)
	if err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	files, err := p.write(dir)
	if err != nil {
		return nil, fmt.Errorf("start control plane: write certificates: %w", err)
	}
	adminToken, restrictedToken := randomToken(), randomToken()
	tokens := filepath.Join(dir, "tokens.csv")
	tokenCSV := fmt.Sprintf("%s,kubedyn-admin,kubedyn-admin,\"system:masters\"\n%s,%s,%s,\"kubedyn:restricted\"\n",
		adminToken, restrictedToken, RestrictedUserName, RestrictedUserName)
	if err := os.WriteFile(tokens, []byte(tokenCSV), 0o600); err != nil {
		return nil, err
	}

	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	etcd, err := startChild("etcd", bins.Etcd, filepath.Join(dir, "etcd.log"), []string{
		"--name=kubedyn", "--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + etcdURL, "--advertise-client-urls=" + etcdURL,
		"--listen-peer-urls=" + peerURL, "--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=kubedyn=" + peerURL, "--log-level=warn",
		"--quota-backend-bytes=4294967296", "--unsafe-no-fsync",
	})
	if err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	cp.addChild(etcd)

	args := apiServerArgs(files, tokens, etcdURL, apiPort, dir)
	args = append(args, opts.ExtraAPIServerArgs...)
	api, err := startChild("kube-apiserver", bins.KubeAPIServer, filepath.Join(dir, "kube-apiserver.log"), args)
	if err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	cp.addChild(api)
	cp.record, _ = writeRunRecord(runRecord{
		OwnerPID: os.Getpid(), Dir: dir,
		PIDs:     []int{etcd.cmd.Process.Pid, api.cmd.Process.Pid},
		Binaries: []string{bins.Etcd, bins.KubeAPIServer},
	})

	env := &Env{
		Server: "https://127.0.0.1:" + strconv.Itoa(apiPort), CAFile: files.CA, CAData: p.caCert,
		Admin:               User{Context: AdminContext, Name: "kubedyn-admin", Token: adminToken},
		CertUser:            User{Context: CertUserContext, Name: CertUserName, CertFile: files.CertUser, KeyFile: files.CertUserKey, CertData: p.certUserCert, KeyData: p.certUserKey},
		Restricted:          User{Context: RestrictedContext, Name: RestrictedUserName, Token: restrictedToken},
		RestrictedNamespace: RestrictedNamespace,
		Kubeconfig:          filepath.Join(dir, "kubeconfig"),
		Dir:                 dir,
		Etcd:                etcdURL,
		Binaries:            bins,
	}
	cp.env = env
	if err := waitReady(ctx, env, etcd, api); err != nil {
		return nil, err
	}
	if err := bootstrapRBAC(ctx, env); err != nil {
		return nil, fmt.Errorf("start control plane: set up RBAC: %w", err)
	}
	if err := env.writeFiles(); err != nil {
		return nil, fmt.Errorf("start control plane: write kubeconfig: %w", err)
	}
	return cp, nil
}

func apiServerArgs(f pkiFiles, tokens, etcdURL string, port int, dir string) []string {
	return []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(dir, "certs"),
		"--tls-cert-file=" + f.Serving, "--tls-private-key-file=" + f.ServingKey,
		"--client-ca-file=" + f.CA,
		"--token-auth-file=" + tokens,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + f.SAPub,
		"--service-account-signing-key-file=" + f.SAKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--requestheader-client-ca-file=" + f.FrontProxyCA,
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file=" + f.ProxyClient, "--proxy-client-key-file=" + f.ProxyClientKey,
		"--enable-aggregator-routing=true",
		// No controller-manager maintains the kubernetes Service's
		// endpoints, and from 1.37 the default reconciler refuses a
		// loopback advertise address outright.
		"--endpoint-reconciler-type=none",
		"--storage-media-type=application/json",
		// PodTemplates and CRDs are watched straight from etcd, so tests can
		// expire a resourceVersion for real with Env.CompactEtcd (the watch
		// cache would keep serving it from memory).
		"--watch-cache-sizes=podtemplates#0,customresourcedefinitions.apiextensions.k8s.io#0",
		// No compaction but the tests' own (Env.CompactEtcd): the default
		// every 5 minutes would expire a slow watch mid-test at random, and
		// a test of connection cuts would see a relist it did not cause.
		"--etcd-compaction-interval=0",
	}
}

func (cp *ControlPlane) addChild(c *child) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.children = append(cp.children, c)
}

// Env describes the running control plane to tests and tools.
func (cp *ControlPlane) Env() *Env { return cp.env }

// Stop stops kube-apiserver then etcd and removes the temp dir. It is safe to
// call more than once.
func (cp *ControlPlane) Stop() {
	cp.mu.Lock()
	if cp.stopped {
		cp.mu.Unlock()
		return
	}
	cp.stopped = true
	children := cp.children
	cp.mu.Unlock()
	for i := len(children) - 1; i >= 0; i-- {
		children[i].stop(10 * time.Second)
	}
	if cp.dir != "" {
		os.RemoveAll(cp.dir)
	}
	if cp.record != "" {
		os.Remove(cp.record)
	}
}

// PIDs returns the process IDs of etcd and kube-apiserver.
func (cp *ControlPlane) PIDs() []int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	var pids []int
	for _, c := range cp.children {
		pids = append(pids, c.cmd.Process.Pid)
	}
	return pids
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
