package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

// globalFlags are the flags every command takes, as kubectl's.
type globalFlags struct {
	kubeconfig string
	context    string
	namespace  string
	cacheDir   string
	// requestTimeout is --request-timeout as given, read by
	// parseRequestTimeout.
	requestTimeout string
	// verbosity is -v/--v, kubectl's log level: 6 logs each request, 7
	// its headers, 8 its bodies (credentials redacted), on stderr.
	verbosity int
}

func (g *globalFlags) addFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&g.kubeconfig, "kubeconfig", "", "Path to the kubeconfig file to use (default: $KUBECONFIG, else ~/.kube/config)")
	f.StringVar(&g.context, "context", "", "The name of the kubeconfig context to use")
	f.StringVarP(&g.namespace, "namespace", "n", "", "If present, the namespace scope for this request (default: the context's namespace, else \"default\")")
	f.StringVar(&g.cacheDir, "cache-dir", defaultCacheDir(), "Directory of the discovery cache (\"\" disables it)")
	f.StringVar(&g.requestTimeout, "request-timeout", "0", "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h); a bare integer is seconds. A value of zero means don't timeout requests. It does not end a watch (-w).")
	f.IntVarP(&g.verbosity, "v", "v", 0, "Number for the log level verbosity: 6 logs each request (method, URL, status, latency), 7 its headers, 8 its bodies truncated; tokens, keys and Secret data never appear")
}

// parseRequestTimeout reads --request-timeout as kubectl does: a bare
// non-negative integer is seconds ("0" is none), anything else a Go
// duration ("5s", "1m", "1h30m"); a negative value is refused.
func parseRequestTimeout(v string) (time.Duration, error) {
	if i, err := strconv.ParseInt(v, 10, 64); err == nil && i >= 0 && i <= math.MaxInt64/int64(time.Second) {
		return time.Duration(i) * time.Second, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, nil
	}
	return 0, fmt.Errorf("invalid --request-timeout %q: the timeout must be a single non-negative integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)", v)
}

// requestLogger returns the logger of -v=N: nil (no logging) below 6,
// else text lines on w at rest.VerbosityLevel(v).
func requestLogger(w io.Writer, v int) *slog.Logger {
	if v < 6 {
		return nil
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: rest.VerbosityLevel(v), ReplaceAttr: levelName}))
}

// levelName names the request levels as kubectl's -v values (level=V6
// rather than slog's DEBUG-2).
func levelName(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 || a.Key != slog.LevelKey {
		return a
	}
	switch a.Value.Any() {
	case rest.LevelRequests:
		a.Value = slog.StringValue("V6")
	case rest.LevelHeaders:
		a.Value = slog.StringValue("V7")
	case rest.LevelBodies:
		a.Value = slog.StringValue("V8")
	}
	return a
}

// defaultCacheDir is ~/.kube/cache/kdyn, beside kubectl's own cache.
func defaultCacheDir() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".kube", "cache", "kdyn")
}

// session holds one command's streams and, once connect has run, its
// clients. The clients are built lazily so that flag errors come first.
type session struct {
	flags       *globalFlags
	in          io.Reader
	out, errOut io.Writer

	once       sync.Once
	connectErr error
	cfg        *rest.Config
	rc         *rest.Client
	disc       *discovery.Cached
	mapper     *restmapper.Mapper
	dyn        *dynamic.Client
	// namespace is the namespace of namespaced requests: -n, else the
	// context's, else "default". explicitNS says -n was given.
	namespace  string
	explicitNS bool
	schemas    schemaCache
	// writes makes every write; handleWriter unless a test records them.
	writes writer
}

// newSession returns the session of one command line, with the writer
// that sends.
func newSession(stdin io.Reader, stdout, stderr io.Writer) *session {
	return &session{flags: &globalFlags{}, in: stdin, out: stdout, errOut: stderr, writes: handleWriter{}}
}

// connect loads the configuration and builds the clients once.
func (s *session) connect() error {
	s.once.Do(func() { s.connectErr = s.connectOnce() })
	return s.connectErr
}

func (s *session) connectOnce() error {
	timeout, err := parseRequestTimeout(s.flags.requestTimeout)
	if err != nil {
		return err
	}
	if s.flags.namespace != "" {
		if err := rest.ValidateNamespace(s.flags.namespace); err != nil {
			return fmt.Errorf("invalid --namespace %q: %w", s.flags.namespace, err)
		}
	}
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: s.flags.kubeconfig, Context: s.flags.context})
	if err != nil {
		return err
	}
	// Config.Timeout bounds each request, retries included, and never
	// cuts a watch: kubectl's --request-timeout.
	cfg.Timeout = timeout
	cfg.UserAgent = "kdyn/v0 (kubedyn)"
	cfg.WarningHandler = rest.NewWarningWriter(s.errOut, true)
	cfg.Logger = requestLogger(s.errOut, s.flags.verbosity)
	rc, err := rest.NewClient(cfg)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", cfg.Host, err)
	}
	s.cfg, s.rc = cfg, rc
	s.disc = discovery.NewCached(discovery.New(rc, discovery.Options{}), discovery.CacheOptions{Dir: s.flags.cacheDir})
	s.mapper = restmapper.New(s.disc, restmapper.Options{
		Warn: func(msg string) { fmt.Fprintf(s.errOut, "Warning: %s\n", msg) },
	})
	s.namespace, s.explicitNS = s.flags.namespace, s.flags.namespace != ""
	if s.namespace == "" {
		s.namespace = cfg.Namespace
	}
	if s.namespace == "" {
		s.namespace = "default"
	}
	s.dyn, err = dynamic.New(rc, dynamic.Options{Mapper: s.mapper, DefaultNamespace: s.namespace, Schemas: s.disc})
	return err
}

// handle returns the handle for mapping in namespace ns ("" for all
// namespaces); cluster-scoped resources ignore ns.
func (s *session) handle(m *meta.RESTMapping, ns string) *dynamic.ResourceHandle {
	h := s.dyn.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace && ns != "" {
		h = h.Namespace(ns)
	}
	return h
}

// namespaced reports whether mapping is of a namespaced resource.
func namespaced(m *meta.RESTMapping) bool { return m.Scope.Name() == meta.RESTScopeNameNamespace }

// progress writes transient progress lines to stderr when it is a
// terminal, and nothing otherwise.
type progress struct {
	w       io.Writer
	enabled bool
	shown   bool
}

func (s *session) progress() *progress {
	f, ok := s.errOut.(*os.File)
	return &progress{w: s.errOut, enabled: ok && term.IsTerminal(int(f.Fd()))}
}

// Printf replaces the progress line.
func (p *progress) Printf(format string, args ...any) {
	if !p.enabled {
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[K"+format, args...)
	p.shown = true
}

// Done clears the progress line. A nil progress does nothing.
func (p *progress) Done() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// cmdContext returns the command's context.
func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
