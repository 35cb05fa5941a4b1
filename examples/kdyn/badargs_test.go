package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/restmapper"
)

// writeCall is one write kdyn asked its writer for.
type writeCall struct {
	Verb, Resource, Namespace, Name string
}

// recordingWriter is the seam's test side: it records each write and
// sends nothing.
type recordingWriter struct {
	mu    sync.Mutex // guards calls
	calls []writeCall
}

func (r *recordingWriter) record(verb string, h *dynamic.ResourceHandle, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, writeCall{Verb: verb, Resource: h.GroupVersionResource().Resource, Namespace: h.NamespaceName(), Name: name})
}

func (r *recordingWriter) Create(_ context.Context, h *dynamic.ResourceHandle, obj *unstructured.Unstructured, _ metav1.CreateOptions) (*unstructured.Unstructured, error) {
	r.record("create", h, obj.GetName())
	return obj, nil
}

func (r *recordingWriter) Patch(_ context.Context, h *dynamic.ResourceHandle, name string, _ types.PatchType, _ []byte, _ metav1.PatchOptions, _ ...string) (*unstructured.Unstructured, error) {
	r.record("patch", h, name)
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name}, "data": map[string]any{"patched": "yes"}}}, nil
}

func (r *recordingWriter) Apply(_ context.Context, h *dynamic.ResourceHandle, name string, obj *unstructured.Unstructured, _ metav1.ApplyOptions) (*unstructured.Unstructured, error) {
	r.record("apply", h, name)
	return obj, nil
}

func (r *recordingWriter) Delete(_ context.Context, h *dynamic.ResourceHandle, name string, _ metav1.DeleteOptions) error {
	r.record("delete", h, name)
	return nil
}

func (r *recordingWriter) take() []writeCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

// readServer answers kdyn's reads for the seam tests: a GET of a
// collection lists one ConfigMap "x1", a GET of a name returns that object.
// It refuses every other method, so a write that bypassed the seam fails.
// It returns a client of the server, shared by the sessions of one test.
func readServer(t testing.TB) *rest.Client {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodGet {
			t.Errorf("a write bypassed the writer: %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		last := path.Base(r.URL.Path)
		if last == "configmaps" || last == "namespaces" {
			fmt.Fprint(w, `{"apiVersion":"v1","kind":"List","metadata":{},"items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x1","namespace":"ns"}}]}`)
			return
		}
		obj := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": last, "namespace": "ns"}}
		json.NewEncoder(w).Encode(obj) //nolint:errcheck // test server
	}))
	t.Cleanup(srv.Close)
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// seamSession returns a session connected through rc, with a static mapper of
// configmaps and namespaces, whose writes go to rec.
func seamSession(t testing.TB, rc *rest.Client, rec *recordingWriter, stdin string) (*session, *strings.Builder, *strings.Builder) {
	var stdout, stderr strings.Builder
	s := newSession(strings.NewReader(stdin), &stdout, &stderr)
	s.writes = rec
	all := []string{"get", "list", "watch", "create", "update", "patch", "delete"}
	s.mapper = restmapper.New(restmapper.StaticSource{
		Groups: []metav1.APIGroup{{Name: "", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "v1", Version: "v1"}}},
		Resources: []*metav1.APIResourceList{{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "configmaps", SingularName: "configmap", ShortNames: []string{"cm"}, Namespaced: true, Kind: "ConfigMap", Verbs: all},
			{Name: "namespaces", SingularName: "namespace", ShortNames: []string{"ns"}, Kind: "Namespace", Verbs: all},
		}}},
	}, restmapper.Options{MinRefreshInterval: time.Nanosecond}) // a miss need not wait: the source is static
	var err error
	s.dyn, err = dynamic.New(rc, dynamic.Options{Mapper: s.mapper, DefaultNamespace: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	s.rc, s.namespace = rc, "ns"
	s.once.Do(func() {}) // connected: connect must not load a kubeconfig
	return s, &stdout, &stderr
}

// TestBadArgumentsReachNoWrite runs each destructive-looking mistake
// through the command line and checks that it fails with its message and
// that no write was asked for — not even of the valid names beside it.
func TestBadArgumentsReachNoWrite(t *testing.T) {
	srv := readServer(t)
	for _, tc := range []struct {
		name    string
		args    []string
		stdin   string
		wantErr string
	}{
		{name: "delete empty name", args: []string{"delete", "cm", ""}, wantErr: "error: resource name may not be empty"},
		{name: "delete valid and empty", args: []string{"delete", "cm", "c1", ""}, wantErr: "error: resource name may not be empty"},
		{name: "delete empty then valid", args: []string{"delete", "cm", "", "c1"}, wantErr: "error: resource name may not be empty"},
		{name: "delete blank name", args: []string{"delete", "cm", " "}, wantErr: `error: resource name may not be blank: " "`},
		{name: "delete tab name", args: []string{"delete", "cm", "c1", "\t"}, wantErr: "may not be blank"},
		{name: "delete dot-dot", args: []string{"delete", "cm", ".."}, wantErr: `error: invalid resource name "..": may not be '..'`},
		{name: "delete percent", args: []string{"delete", "cm", "a%2F"}, wantErr: `invalid resource name "a%2F"`},
		{name: "delete slash only", args: []string{"delete", "/"}, wantErr: "must have a single resource and name"},
		{name: "delete type slash", args: []string{"delete", "cm/"}, wantErr: "must have a single resource and name"},
		{name: "delete type slash blank", args: []string{"delete", "cm/c1", "cm/ "}, wantErr: "may not be blank"},
		{name: "delete slash name", args: []string{"delete", "/c1"}, wantErr: "must have a single resource and name"},
		{name: "delete two slashes", args: []string{"delete", "cm/a/b"}, wantErr: "must have a single resource and name"},
		{name: "delete mixed forms", args: []string{"delete", "cm", "c1", "cm/"}, wantErr: "no need to specify a resource type"},
		{name: "delete empty resource", args: []string{"delete", "", "c1"}, wantErr: `error: invalid resource ""`},
		{name: "delete blank resource", args: []string{"delete", " ", "c1"}, wantErr: `error: invalid resource " "`},
		{name: "delete empty resource in list", args: []string{"delete", "cm,,ns", "c1"}, wantErr: "invalid resource"},
		{name: "delete namespace empty", args: []string{"delete", "ns", ""}, wantErr: "may not be empty"},
		{name: "delete all namespaces empty", args: []string{"delete", "cm", "", "-A"}, wantErr: "may not be empty"},
		{name: "delete blank selector", args: []string{"delete", "cm", "-l", " "}, wantErr: "label selector (-l) may not be blank"},
		{name: "delete blank selector all namespaces", args: []string{"delete", "cm", "-l", "  ", "-A"}, wantErr: "may not be blank"},
		{name: "delete empty selector", args: []string{"delete", "cm", "-l", ""}, wantErr: "no name or label selector"},
		{name: "delete bad selector", args: []string{"delete", "cm", "-l", "a b"}, wantErr: "invalid label selector"},
		{name: "delete nothing", args: []string{"delete", "cm"}, wantErr: "no name or label selector"},
		{name: "patch empty name", args: []string{"patch", "cm", "", "--type", "merge", "-p", "{}"}, wantErr: "may not be empty"},
		{name: "patch blank name", args: []string{"patch", "cm", " ", "--type", "merge", "-p", "{}"}, wantErr: "may not be blank"},
		{name: "patch valid and empty", args: []string{"patch", "cm", "c1", "", "--type", "merge", "-p", "{}"}, wantErr: "may not be empty"},
		{name: "patch type slash", args: []string{"patch", "cm/", "--type", "merge", "-p", "{}"}, wantErr: "must have a single resource and name"},
		{name: "patch no name", args: []string{"patch", "cm", "--type", "merge", "-p", "{}"}, wantErr: "you must specify the name"},
		{name: "patch empty resource", args: []string{"patch", "", "c1", "--type", "merge", "-p", "{}"}, wantErr: "invalid resource"},
		{name: "get empty name", args: []string{"get", "cm", ""}, wantErr: "may not be empty"},
		{name: "get blank field selector", args: []string{"get", "cm", "--field-selector", " "}, wantErr: "field selector (--field-selector) may not be blank"},
		{name: "get blank label selector", args: []string{"get", "cm", "-l", "\t"}, wantErr: "may not be blank"},
		{name: "apply empty name", args: []string{"apply", "-f", "-", "--server-side"},
			stdin: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":""}}`, wantErr: "no metadata.name"},
		{name: "apply blank name", args: []string{"apply", "-f", "-", "--server-side"},
			stdin: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":" "}}`, wantErr: "may not be blank"},
		{name: "apply slash name", args: []string{"apply", "-f", "-"},
			stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a/b}\n", wantErr: `invalid resource name "a/b"`},
		{name: "apply blank namespace", args: []string{"apply", "-f", "-", "--server-side"},
			stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ' '}\n", wantErr: "the namespace of"},
		{name: "apply nothing", args: []string{"apply", "-f", "-"}, stdin: "", wantErr: "no objects passed to apply"},
		{name: "diff blank name", args: []string{"diff", "-f", "-", "--server-side"},
			stdin: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":" "}}`, wantErr: "may not be blank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingWriter{}
			s, stdout, stderr := seamSession(t, srv, rec, tc.stdin)
			code := runSession(context.Background(), s, tc.args)
			if code == 0 || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("exit %d, stderr %q, stdout %q; want a failure with %q", code, stderr.String(), stdout.String(), tc.wantErr)
			}
			if calls := rec.take(); len(calls) != 0 {
				t.Errorf("writes asked for: %+v", calls)
			}
		})
	}
}

// TestValidArgumentsReachTheWriter checks the seam itself: the writes of
// valid command lines are the ones recorded.
func TestValidArgumentsReachTheWriter(t *testing.T) {
	srv := readServer(t)
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  []writeCall
	}{
		{name: "delete names", args: []string{"delete", "cm", "c1", "c2"},
			want: []writeCall{{"delete", "configmaps", "ns", "c1"}, {"delete", "configmaps", "ns", "c2"}}},
		{name: "delete by selector", args: []string{"delete", "cm", "-l", "app=x"}, want: []writeCall{{"delete", "configmaps", "ns", "x1"}}},
		{name: "patch", args: []string{"patch", "cm/c1", "--type", "merge", "-p", `{"data":{"a":"b"}}`}, want: []writeCall{{"patch", "configmaps", "ns", "c1"}}},
		{name: "apply", args: []string{"apply", "-f", "-", "--server-side"}, stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
			want: []writeCall{{"apply", "configmaps", "ns", "a"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingWriter{}
			s, _, stderr := seamSession(t, srv, rec, tc.stdin)
			if code := runSession(context.Background(), s, tc.args); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := rec.take(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("writes %+v, want %+v", got, tc.want)
			}
		})
	}
}

// FuzzArgsNeverWidenAWrite builds delete, patch and apply command lines
// from fuzzed names, resources and selectors and runs them through the
// seam: a command line with an invalid argument must fail without asking
// for any write, and every write asked for names a valid object the
// command line (or the listed collection, for a selector) named.
func FuzzArgsNeverWidenAWrite(f *testing.F) {
	for _, seed := range []struct {
		verb, form       uint8
		res, n1, n2, sel string
	}{
		{0, 0, "cm", "c1", "", ""}, {0, 0, "cm", "", "c1", ""}, {0, 1, "cm", "c1", " ", ""}, {0, 2, "cm", "", "", " "},
		{0, 2, "configmaps", "", "", "app=x"}, {1, 0, "cm", "c1", "..", ""}, {1, 1, "ns", "/", "c1", ""},
		{2, 0, "cm", " ", "", ""}, {2, 0, "cm", "a", "", ""}, {0, 0, "", "c1", "", ""}, {0, 0, "cm,", "c1", "", ""},
		{0, 1, "", "c1", "", ""}, {0, 0, "ns", "a%2f", "", ""}, {0, 2, "cm", "", "", "\t\n"},
	} {
		f.Add(seed.verb, seed.form, seed.res, seed.n1, seed.n2, seed.sel)
	}
	srv := readServer(f)
	f.Fuzz(func(t *testing.T, verb, form uint8, res, n1, n2, sel string) {
		// A manifest carries UTF-8 only: compare names as kdyn reads them.
		n1, n2 = strings.ToValidUTF8(n1, "\uFFFD"), strings.ToValidUTF8(n2, "\uFFFD")
		args, stdin, invalid := fuzzCommandLine(verb, form, res, n1, n2, sel)
		rec := &recordingWriter{}
		s, _, stderr := seamSession(t, srv, rec, stdin)
		code := runSession(context.Background(), s, args)
		calls := rec.take()
		if invalid && (code == 0 || len(calls) > 0) {
			t.Fatalf("%q (invalid): exit %d, writes %+v, stderr %q", args, code, calls, stderr)
		}
		for _, c := range calls {
			if !plausibleName(c.Name) || (c.Name != n1 && c.Name != n2 && c.Name != "x1") {
				t.Fatalf("%q: a write of %q, which the command line did not name", args, c.Name)
			}
		}
	})
}

// fuzzCommandLine builds one command line, and says, independently of
// kdyn's own checks, whether it holds an argument that must be refused.
func fuzzCommandLine(verb, form uint8, res, n1, n2, sel string) (args []string, stdin string, invalid bool) {
	switch verb % 3 {
	case 0:
		args = []string{"delete"}
	case 1:
		args = []string{"patch", "--type", "merge", "-p", `{"data":{"a":"b"}}`}
	default:
		name, _ := json.Marshal(n1)
		stdin = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":` + string(name) + `}}`
		return []string{"apply", "-f", "-", "--server-side"}, stdin, !plausibleName(n1)
	}
	badRes := strings.TrimSpace(res) == "" || strings.Contains(res, ",,") || strings.HasPrefix(res, ",") || strings.HasSuffix(res, ",")
	switch form % 3 {
	case 0: // RESOURCE NAME NAME, the names as a shell passes "$A" "$B"
		return append(args, "--", res, n1, n2), "", badRes || !plausibleName(n1) || !plausibleName(n2)
	case 1: // TYPE/NAME TYPE/NAME
		return append(args, "--", res+"/"+n1, res+"/"+n2), "", badRes || !plausibleName(n1) || !plausibleName(n2)
	default: // RESOURCE -l SELECTOR
		blank := sel != "" && strings.TrimSpace(sel) == ""
		return append(args, "-l", sel, "--", res), "", badRes || blank || (verb%3 == 0 && sel == "")
	}
}

// plausibleName is the fuzz oracle's own idea of a name that can only mean
// one object.
func plausibleName(n string) bool {
	return strings.TrimSpace(n) != "" && n != "." && n != ".." && !strings.ContainsAny(n, "/%")
}

func TestParseRequestTimeout(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "5", want: 5 * time.Second},
		{in: "5s", want: 5 * time.Second},
		{in: "1m", want: time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "250ms", want: 250 * time.Millisecond},
		{in: "0s", want: 0},
		{in: "-1", wantErr: true},
		{in: "-5s", wantErr: true},
		{in: "", wantErr: true},
		{in: "five", wantErr: true},
		{in: "99999999999999999999", wantErr: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseRequestTimeout(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseRequestTimeout(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}
