package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedyn/kubedyn/discovery"
	"github.com/kubedyn/kubedyn/dynamic/informer"
	"github.com/kubedyn/kubedyn/dynamic/workqueue"
	"github.com/kubedyn/kubedyn/examples/controller/internal/desired"
	"github.com/kubedyn/kubedyn/unstructured/compact"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantErr  string // a substring of the error; "" for none
		wantSpec desired.Spec
		check    func(t *testing.T, o *options)
	}{
		{
			name: "defaults",
			args: []string{"widgets.example.com"},
			wantSpec: desired.Spec{
				LabelKey: "kubedyn.io/reconciled", LabelValue: "true",
				GenerationAnnotation: "kubedyn.io/observed-generation",
				ConditionType:        "Reconciled", ConditionReason: "Reconciled",
				ConditionMessage: "reconciled by kubedyn-controller",
			},
			check: func(t *testing.T, o *options) {
				if o.resource != "widgets.example.com" || o.workers != 2 || o.namespace != "" || o.leaderElect {
					t.Errorf("options = %+v", o)
				}
			},
		},
		{
			name: "every flag",
			args: []string{"-n", "shop", "--kubeconfig", "/k", "--context", "c", "-l", "app=web", "--workers", "8",
				"--label", "example.com/done=yes", "--annotation", "example.com/gen", "--condition-type", "Done",
				"--field-manager", "me", "--leader-elect", "--leader-elect-lease-name", "l1", "deploy"},
			wantSpec: desired.Spec{
				LabelKey: "example.com/done", LabelValue: "yes", GenerationAnnotation: "example.com/gen",
				ConditionType: "Done", ConditionReason: "Reconciled", ConditionMessage: "reconciled by me",
			},
			check: func(t *testing.T, o *options) {
				got := []any{o.resource, o.namespace, o.kubeconfig, o.context, o.selector, o.workers, o.leaderElect, o.leaseName}
				want := []any{"deploy", "shop", "/k", "c", "app=web", 8, true, "l1"}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("options (-want +got):\n%s", diff)
				}
			},
		},
		{name: "no resource", args: nil, wantErr: "exactly one RESOURCE"},
		{name: "two resources", args: []string{"a", "b"}, wantErr: "exactly one RESOURCE"},
		{name: "zero workers", args: []string{"--workers", "0", "cm"}, wantErr: "--workers must be at least 1"},
		{name: "label without value", args: []string{"--label", "x", "cm"}, wantErr: "want key=value"},
		{name: "bad label key", args: []string{"--label", "a b=c", "cm"}, wantErr: "--label key"},
		{name: "bad label value", args: []string{"--label", "a=b c", "cm"}, wantErr: "--label value"},
		{name: "bad annotation", args: []string{"--annotation", "/x", "cm"}, wantErr: "--annotation"},
		{name: "bad lease name", args: []string{"--leader-elect-lease-name", "Bad_Name", "cm"}, wantErr: "--leader-elect-lease-name"},
		{
			name:    "renew deadline not below lease duration",
			args:    []string{"--leader-elect", "--leader-elect-renew-deadline", "20s", "cm"},
			wantErr: "must be shorter",
		},
		{name: "bad log level", args: []string{"--log-level", "loud", "cm"}, wantErr: "--log-level"},
		{name: "bad log format", args: []string{"--log-format", "xml", "cm"}, wantErr: "--log-format"},
		{name: "unknown flag", args: []string{"--nope", "cm"}, wantErr: "unknown flag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			o, err := parseOptions(tc.args, &stderr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			spec, err := o.spec()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantSpec, spec); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
			tc.check(t, o)
		})
	}
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		want      int
		wantInErr string
	}{
		{name: "help", args: []string{"--help"}, want: exitOK, wantInErr: "Usage: controller"},
		{name: "bad flag", args: []string{"--workers", "-1", "cm"}, want: exitUsage, wantInErr: "--workers"},
		{name: "missing kubeconfig", args: []string{"--kubeconfig", "/nonexistent/kubeconfig", "cm"}, want: exitError, wantInErr: "cannot start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got := run(context.Background(), tc.args, &stderr)
			if got != tc.want {
				t.Errorf("exit code %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantInErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantInErr, stderr.String())
			}
		})
	}
}

func TestLeaseNameFor(t *testing.T) {
	tests := []struct {
		name, resource, want string
	}{
		{name: "group resource", resource: "widgets.example.com", want: "kubedyn-controller-widgets.example.com"},
		{name: "short name", resource: "deploy", want: "kubedyn-controller-deploy"},
		{name: "upper case and odd characters", resource: "Widgets_V1/x.", want: "kubedyn-controller-widgets-v1-x"},
		{name: "too long", resource: strings.Repeat("a", 300), want: "kubedyn-controller-" + strings.Repeat("a", 253-len("kubedyn-controller-"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, leaseNameFor(tc.resource)); diff != "" {
				t.Errorf("leaseNameFor(%q) (-want +got):\n%s", tc.resource, diff)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	b := backoff{next: time.Second, max: 5 * time.Second}
	var got []time.Duration
	for range 5 {
		got = append(got, b.step())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestGVRString(t *testing.T) {
	tests := []struct {
		name string
		gvr  schema.GroupVersionResource
		want string
	}{
		{name: "core", gvr: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, want: "configmaps.v1"},
		{name: "group", gvr: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, want: "deployments.v1.apps"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, gvrString(tc.gvr)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestWhatWeRead checks what the controller's projection keeps of an
// object (the informer keeps it in compact form with the same Plan).
func TestWhatWeRead(t *testing.T) {
	obj := func() *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "x/v1", "kind": "W",
			"metadata": map[string]any{"name": "a"},
			"spec":     map[string]any{"big": "data"},
			"status":   map[string]any{"phase": "Up", "conditions": []any{map[string]any{"type": "Ready"}}},
		}}
	}
	tests := []struct {
		name      string
		hasStatus bool
		want      map[string]any
	}{
		{
			name: "metadata only",
			want: map[string]any{"apiVersion": "x/v1", "kind": "W", "metadata": map[string]any{"name": "a",
				"annotations": map[string]any{compact.ProjectionAnnotation: "metadata.generation"}}},
		},
		{
			name:      "with status conditions",
			hasStatus: true,
			want: map[string]any{"apiVersion": "x/v1", "kind": "W", "metadata": map[string]any{"name": "a",
				"annotations": map[string]any{compact.ProjectionAnnotation: "status.conditions"}},
				"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready"}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &controller{t: target{hasStatus: tc.hasStatus}}
			plan, err := compact.NewPlan(compact.Options{Project: c.whatWeRead()})
			if err != nil {
				t.Fatal(err)
			}
			kept, err := compact.NewBuilder(compact.NewTable(), plan).FromUnstructured(obj())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, kept.Unstructured().Object); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckVerbs(t *testing.T) {
	tests := []struct {
		name    string
		verbs   []string
		wantErr string
	}{
		{name: "all", verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"}},
		{name: "create only", verbs: []string{"create"}, wantErr: "the server does not offer list, watch, patch on it (verbs: create)"},
		{name: "no patch", verbs: []string{"get", "list", "watch"}, wantErr: "the server does not offer patch on it (verbs: get, list, watch)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkVerbs(discovery.Capabilities{Identity: discovery.Identity{Plural: "x"}, Verbs: tc.verbs})
			got := ""
			if err != nil {
				got = err.Error()
				if !errors.Is(err, errUnsupported) {
					t.Errorf("error %v does not wrap errUnsupported", err)
				}
			}
			want := ""
			if tc.wantErr != "" {
				want = "cannot be reconciled: " + tc.wantErr
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestFailed checks how reconcile sorts write errors: a vanished object is
// done with (nil), a conflict and anything else are returned, so the queue
// retries the key with backoff.
func TestFailed(t *testing.T) {
	gr := schema.GroupResource{Group: "example.com", Resource: "widgets"}
	tests := []struct {
		name      string
		err       error
		wantRetry bool
	}{
		{name: "not found", err: apierrors.NewNotFound(gr, "w"), wantRetry: false},
		{name: "conflict", err: apierrors.NewConflict(gr, "w", errors.New("the object has been modified")), wantRetry: true},
		{name: "server error", err: apierrors.NewInternalError(errors.New("etcd down")), wantRetry: true},
		{name: "transport", err: errors.New("connection refused"), wantRetry: true},
	}
	var logs bytes.Buffer
	c := &controller{queue: workqueue.New[informer.Key](workqueue.Options{})}
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.failed(log, informer.Key{Name: "w"}, "patch metadata", tc.err)
			if (got != nil) != tc.wantRetry {
				t.Errorf("failed(%v) = %v, want retry %v", tc.err, got, tc.wantRetry)
			}
		})
	}
	for _, want := range []string{`level=DEBUG msg="patch metadata: conflict; requeued"`, `level=WARN msg="patch metadata failed; requeued with backoff"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}

func TestSuperseded(t *testing.T) {
	s := newSuperseded()
	k := informer.Key{Namespace: "ns", Name: "a"}
	steps := []struct {
		op   string // "stale", "replaced" or "forget"
		rv   string
		want bool // for stale
	}{
		{op: "stale", rv: "1", want: false},
		{op: "replaced", rv: "1"},
		{op: "replaced", rv: "2"},
		{op: "stale", rv: "1", want: true},
		{op: "stale", rv: "2", want: true},
		{op: "stale", rv: "3", want: false}, // our write's event: forgets 1 and 2
		{op: "stale", rv: "1", want: false},
		{op: "replaced", rv: "3"},
		{op: "forget"},
		{op: "stale", rv: "3", want: false},
	}
	for i, st := range steps {
		switch st.op {
		case "stale":
			if got := s.stale(k, st.rv); got != st.want {
				t.Fatalf("step %d: stale(%s) = %v, want %v", i, st.rv, got, st.want)
			}
		case "replaced":
			s.replaced(k, st.rv)
		case "forget":
			s.forget(k)
		}
	}
	if len(s.rvs) != 0 {
		t.Errorf("entries left: %v", s.rvs)
	}
}
