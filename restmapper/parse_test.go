package restmapper

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseResourceString(t *testing.T) {
	tests := []struct {
		in      string
		want    ResourceString
		wantErr bool
	}{
		{in: "pods", want: ResourceString{Partial: gvr("", "", "pods")}},
		{in: "deploy.apps", want: ResourceString{Partial: gvr("apps", "", "deploy")}},
		{in: "deployments.v1.apps", want: ResourceString{HasFull: true, Full: gvr("apps", "v1", "deployments"), Partial: gvr("v1.apps", "", "deployments")}},
		{in: "Widgets.example.com", want: ResourceString{HasFull: true, Full: gvr("com", "example", "Widgets"), Partial: gvr("example.com", "", "Widgets")}},
		{in: "a..b", want: ResourceString{HasFull: true, Full: gvr("b", "", "a"), Partial: gvr(".b", "", "a")}},
		{in: "hpa.autoscal", want: ResourceString{Partial: gvr("autoscal", "", "hpa")}},
		{in: "", wantErr: true},
		{in: "deployments/scale", wantErr: true},
		{in: "pods,svc", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseResourceString(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseResourceString(%q) error = %v; want error %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseResourceString(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// FuzzParseResourceString checks that parsing never panics, that both
// readings put the string back together exactly, and that resolving any
// string against the recorded discovery never panics or refreshes.
func FuzzParseResourceString(f *testing.F) {
	for _, tc := range kubectlCases {
		f.Add(tc.arg)
	}
	for _, s := range []string{"", ".", "..", "a.", ".a", "a/b", "a,b", "ÄÖ.Ü", "x.v1.", "\x00"} {
		f.Add(s)
	}
	src := &countingSource{src: loadRecorded(f)}
	m := New(src, Options{NegativeTTL: 1 << 62})
	if err := m.Refresh(context.Background()); err != nil {
		f.Fatal(err)
	}
	idx, _ := m.Index(context.Background())
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseResourceString(s)
		if err != nil {
			return
		}
		p := rs.Partial
		joined := p.Resource
		if strings.Contains(s, ".") {
			joined += "." + p.Group
		}
		if p.Version != "" || joined != s {
			t.Errorf("Partial reading of %q = %+v", s, p)
		}
		if rs.HasFull != (strings.Count(s, ".") >= 2) {
			t.Errorf("HasFull(%q) = %v", s, rs.HasFull)
		}
		if rs.HasFull && rs.Full.Resource+"."+rs.Full.Version+"."+rs.Full.Group != s {
			t.Errorf("Full reading of %q = %+v", s, rs.Full)
		}
		_, _ = idx.Resolve(s)
	})
}
