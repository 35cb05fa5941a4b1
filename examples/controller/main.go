package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/follow"
	"github.com/kubedyn/kubedyn/dynamic/informer"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the controller could not run
	exitUsage = 2 // bad command line
)

// run is the whole program: it parses args, connects, and reconciles until
// ctx ends (a signal), then drains its queue, releases its lease and
// returns exitOK.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	switch {
	case errors.Is(err, errHelp):
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "controller: %v\n", err)
		return exitUsage
	}
	log := o.logger(stderr)
	st, err := connect(o, log)
	if err != nil {
		log.Error("cannot start", "err", err)
		return exitError
	}
	stopMetrics, err := serveMetrics(o.metricsAddr, st.metrics, log)
	if err != nil {
		log.Error("cannot start", "err", err)
		return exitError
	}
	defer stopMetrics()
	if err := st.run(ctx); err != nil {
		log.Error("stopped with an error", "err", err)
		return exitError
	}
	log.Info("shut down cleanly")
	return exitOK
}

// stack is the set of clients every part of the controller shares: one
// REST client, cached discovery with a REST mapper on it, the dynamic
// client, and a Follower that keeps discovery and the mapper in step with
// CRD events and tells informers (through bcast) when a group changes.
type stack struct {
	opts      *options
	log       *slog.Logger
	cfg       *rest.Config
	disco     *discovery.Client // uncached: the truth about what is served now
	cached    *discovery.Cached // what the mapper reads; the follower invalidates it
	mapper    *restmapper.Mapper
	dyn       *dynamic.Client
	follower  *follow.Follower
	bcast     *informer.Broadcaster
	anyChange chan struct{} // a signal (buffer 1) after any group changed
	metrics   *metrics      // the observer of every client above, for /metrics
	shards    *shards       // --shards: the ranges owned and the informer told (shards.go)
	// shutdown is the process's context: done on SIGINT/SIGTERM. Work
	// stopped because it is done drains its queue; work stopped because
	// leadership was lost does not.
	shutdown context.Context
}

// connect loads the kubeconfig and builds the stack. It does no I/O but
// reading files.
func connect(o *options, log *slog.Logger) (*stack, error) {
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: o.kubeconfig, Context: o.context})
	if err != nil {
		return nil, err
	}
	cfg.UserAgent = "kubedyn-controller/v0 (kubedyn)"
	m := newMetrics()
	cfg.Observer = m
	cfg.WarningHandler = rest.WarningHandlerFunc(func(w rest.Warning) {
		log.Warn("server warning", "text", w.Text)
	})
	rc, err := rest.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", cfg.Host, err)
	}
	s := &stack{opts: o, log: log, cfg: cfg, bcast: informer.NewBroadcaster(), anyChange: make(chan struct{}, 1), metrics: m}
	s.disco = discovery.New(rc, discovery.Options{})
	s.cached = discovery.NewCached(s.disco, discovery.CacheOptions{})
	var warned sync.Map // each distinct warning of the mapper is logged once
	s.mapper = restmapper.New(s.cached, restmapper.Options{
		Observer: m,
		Warn: func(msg string) {
			if _, seen := warned.LoadOrStore(msg, true); !seen {
				log.Warn("resource name", "warning", msg)
			}
		},
	})
	if s.dyn, err = dynamic.New(rc, dynamic.Options{Mapper: s.mapper, Schemas: s.cached}); err != nil {
		return nil, err
	}
	s.follower, err = follow.New(follow.Options{
		Client: s.dyn, Cache: s.cached, Mapper: s.mapper,
		Logger: log.With("component", "follow"),
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// run follows discovery for the whole life of the process and reconciles,
// under leader election when asked, until ctx ends.
func (s *stack) run(ctx context.Context) error {
	s.shutdown = ctx
	fctx, cancelFollow := context.WithCancel(ctx)
	followDone := make(chan struct{})
	go func() {
		defer close(followDone)
		_ = s.follower.Run(fctx) // returns nil when fctx ends
	}()
	defer func() { cancelFollow(); <-followDone }()
	unsubscribe := s.follower.Subscribe(func(c follow.Change) {
		s.bcast.Notify(c.Group)
		select {
		case s.anyChange <- struct{}{}:
		default:
		}
		s.log.Debug("discovery changed", "group", c.Group, "reason", string(c.Reason), "object", c.Object)
	})
	defer unsubscribe()
	if s.opts.leaderElect {
		return s.runElected(ctx)
	}
	if s.opts.shards {
		return s.runSharded(ctx)
	}
	return s.supervise(ctx)
}
