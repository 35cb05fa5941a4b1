package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubedyn/kubedyn/examples/controller/internal/desired"
)

// options are the command line, parsed.
type options struct {
	resource string // the RESOURCE argument, as kubectl reads it

	kubeconfig, context, namespace string
	selector                       string

	workers         int
	label           string // key=value
	annotation      string
	conditionType   string
	fieldManager    string
	resync          time.Duration
	shutdownTimeout time.Duration

	leaderElect   bool
	shards        bool   // --shards: automatic membership, the objects split
	shardKey      string // uid or namespace
	leaseName     string
	leaseNS       string
	identity      string
	leaseDuration time.Duration
	renewDeadline time.Duration
	retryPeriod   time.Duration

	logFormat string
	logLevel  string

	metricsAddr string // --metrics-bind-address; metricsOff serves none
}

// errHelp is returned by parseOptions for -h/--help: usage was printed.
var errHelp = pflag.ErrHelp

// parseOptions reads the command line (without the program name). Usage
// and errors go to stderr.
func parseOptions(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := pflag.NewFlagSet("controller", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: controller [flags] RESOURCE\n\n"+
			"Reconciles every object of RESOURCE (any form kubectl accepts: widgets.example.com, deploy, cm):\n"+
			"sets a label, records metadata.generation in an annotation and, where the resource\n"+
			"has a status subresource, sets a status condition.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)")
	fs.StringVar(&o.context, "context", "", "The kubeconfig context to use")
	fs.StringVarP(&o.namespace, "namespace", "n", "", "Only reconcile objects in this namespace (default: all namespaces)")
	fs.StringVarP(&o.selector, "selector", "l", "", "Only reconcile objects matching this label selector")
	fs.IntVar(&o.workers, "workers", 2, "Number of objects reconciled at once")
	fs.StringVar(&o.label, "label", "kubedyn.io/reconciled=true", "The label (key=value) set on every object")
	fs.StringVar(&o.annotation, "annotation", "kubedyn.io/observed-generation", "The annotation that records the observed metadata.generation")
	fs.StringVar(&o.conditionType, "condition-type", "Reconciled", "The type of the status condition (resources with a status subresource)")
	fs.StringVar(&o.fieldManager, "field-manager", "kubedyn-controller", "The field manager named in every write")
	fs.DurationVar(&o.resync, "resync", 0, "Reconcile every cached object again at this period (0: never)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 30*time.Second, "How long a shutdown waits for queued objects to be reconciled")
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "Only reconcile while holding a coordination.k8s.io Lease (for several replicas)")
	fs.BoolVar(&o.shards, "shards", false, "Split the objects between the replicas, each reconciling its hash range of them (membership on coordination.k8s.io Leases; the --leader-elect-* flags set its lease namespace, identity and durations; excludes --leader-elect)")
	fs.StringVar(&o.shardKey, "shard-key", "uid", "With --shards, what places an object: uid (even spread) or namespace (a namespace's objects together)")
	fs.StringVar(&o.leaseName, "leader-elect-lease-name", "", "Name of the Lease (default: kubedyn-controller-<resource>)")
	fs.StringVar(&o.leaseNS, "leader-elect-namespace", "", "Namespace of the Lease (default: --namespace, else the context's, else default)")
	fs.StringVar(&o.identity, "leader-elect-identity", "", "This replica's identity in the election (default: hostname_<random>)")
	fs.DurationVar(&o.leaseDuration, "leader-elect-lease-duration", 15*time.Second, "How long others wait after the last renewal before taking the Lease over")
	fs.DurationVar(&o.renewDeadline, "leader-elect-renew-deadline", 10*time.Second, "How long the leader retries renewing before it stops leading")
	fs.DurationVar(&o.retryPeriod, "leader-elect-retry-period", 2*time.Second, "The wait between attempts to acquire or renew the Lease")
	fs.StringVar(&o.logFormat, "log-format", "text", "Log format on stderr: text or json")
	fs.StringVar(&o.logLevel, "log-level", "info", "Log level: debug, info, warn or error")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", metricsOff, "Address (host:port) to serve Prometheus metrics on at /metrics, e.g. :8080 (\"0\": none)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, fmt.Errorf("exactly one RESOURCE argument is required, got %d", fs.NArg())
	}
	o.resource = fs.Arg(0)
	return o, o.validate()
}

// validate checks what the server would refuse later, so that mistakes
// fail at start with a clear message.
func (o *options) validate() error {
	var errs []error
	if o.workers < 1 {
		errs = append(errs, fmt.Errorf("--workers must be at least 1, got %d", o.workers))
	}
	if _, err := o.spec(); err != nil {
		errs = append(errs, err)
	}
	if o.shutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--shutdown-timeout must be positive, got %s", o.shutdownTimeout))
	}
	if o.leaseName != "" {
		for _, msg := range validation.IsDNS1123Subdomain(o.leaseName) {
			errs = append(errs, fmt.Errorf("--leader-elect-lease-name %q: %s", o.leaseName, msg))
		}
	}
	if o.leaderElect && o.shards {
		errs = append(errs, errors.New("--leader-elect and --shards exclude each other: one active replica, or the objects split between all"))
	}
	if o.shardKey != "uid" && o.shardKey != "namespace" {
		errs = append(errs, fmt.Errorf("--shard-key must be uid or namespace, got %q", o.shardKey))
	}
	if (o.leaderElect || o.shards) && o.renewDeadline >= o.leaseDuration {
		errs = append(errs, fmt.Errorf("--leader-elect-renew-deadline (%s) must be shorter than --leader-elect-lease-duration (%s)", o.renewDeadline, o.leaseDuration))
	}
	if _, err := o.level(); err != nil {
		errs = append(errs, err)
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format must be text or json, got %q", o.logFormat))
	}
	return errors.Join(errs...)
}

// spec is what every object should carry, from the flags.
func (o *options) spec() (desired.Spec, error) {
	key, value, ok := strings.Cut(o.label, "=")
	if !ok {
		return desired.Spec{}, fmt.Errorf("--label %q: want key=value", o.label)
	}
	var errs []error
	for _, msg := range validation.IsQualifiedName(key) {
		errs = append(errs, fmt.Errorf("--label key %q: %s", key, msg))
	}
	for _, msg := range validation.IsValidLabelValue(value) {
		errs = append(errs, fmt.Errorf("--label value %q: %s", value, msg))
	}
	for _, msg := range validation.IsQualifiedName(o.annotation) {
		errs = append(errs, fmt.Errorf("--annotation %q: %s", o.annotation, msg))
	}
	for _, msg := range validation.IsQualifiedName(o.conditionType) {
		errs = append(errs, fmt.Errorf("--condition-type %q: %s", o.conditionType, msg))
	}
	return desired.Spec{
		LabelKey:             key,
		LabelValue:           value,
		GenerationAnnotation: o.annotation,
		ConditionType:        o.conditionType,
		ConditionReason:      "Reconciled",
		ConditionMessage:     "reconciled by " + o.fieldManager,
	}, errors.Join(errs...)
}

// level is --log-level as a slog.Level.
func (o *options) level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(o.logLevel)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	return l, nil
}

// logger is the structured logger the flags ask for, writing to w.
func (o *options) logger(w io.Writer) *slog.Logger {
	l, _ := o.level()
	ho := &slog.HandlerOptions{Level: l}
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, ho))
	}
	return slog.New(slog.NewTextHandler(w, ho))
}

// leaseNameFor is the default Lease name for a resource argument: a DNS
// subdomain made of "kubedyn-controller-" and the argument, lowercased,
// with every other character than [a-z0-9.-] turned into '-'.
func leaseNameFor(resource string) string {
	var b strings.Builder
	b.WriteString("kubedyn-controller-")
	for _, r := range strings.ToLower(resource) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.TrimRight(b.String(), ".-")
	if len(s) > validation.DNS1123SubdomainMaxLength {
		s = strings.TrimRight(s[:validation.DNS1123SubdomainMaxLength], ".-")
	}
	return s
}

// defaultIdentity is hostname_<8 random hex digits>: unique per process,
// readable in the Lease.
func defaultIdentity() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "controller"
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return host + "_" + hex.EncodeToString(b[:])
}
