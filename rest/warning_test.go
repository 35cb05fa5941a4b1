package rest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseWarningHeader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Warning
		wantErr bool
	}{
		{name: "api server form", in: `299 - "apps/v1beta1 Deployment is deprecated"`, want: []Warning{{299, "-", "apps/v1beta1 Deployment is deprecated"}}},
		{name: "escaped quotes", in: `299 - "unknown field \"spec.foo\""`, want: []Warning{{299, "-", `unknown field "spec.foo"`}}},
		{name: "with date", in: `299 kube "text" "Sat, 25 Aug 2012 23:34:45 GMT"`, want: []Warning{{299, "kube", "text"}}},
		{name: "two in one value", in: `299 - "a", 299 - "b, c"`, want: []Warning{{299, "-", "a"}, {299, "-", "b, c"}}},
		{name: "empty", in: ``},
		{name: "no code", in: `- "x"`, wantErr: true},
		{name: "unterminated", in: `299 - "x`, want: nil, wantErr: true},
		{name: "junk after", in: `299 - "x" junk`, want: []Warning{{299, "-", "x"}}, wantErr: true},
		{name: "second bad", in: `299 - "a", 2x9 - "b"`, want: []Warning{{299, "-", "a"}}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseWarningHeader(tc.in)
			if (err != nil) != tc.wantErr {
				t.Errorf("error = %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseWarningHeader(f *testing.F) {
	for _, s := range []string{`299 - "a"`, `299 - "a\"b", 299 x "c" "date"`, `299 - "`, `,,,`, `299 - "\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ws, err := ParseWarningHeader(s)
		if err == nil && strings.TrimLeft(s, " \t,") != "" && len(ws) == 0 {
			t.Fatalf("%q: no warnings and no error", s)
		}
		for _, w := range ws {
			if w.Code < 0 || w.Code > 999 || w.Agent == "" {
				t.Fatalf("%q: bad warning %+v", s, w)
			}
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header string
		want   time.Duration
		ok     bool
	}{
		{name: "seconds", header: "3", want: 3 * time.Second, ok: true},
		{name: "zero", header: "0", want: 0, ok: true},
		{name: "date", header: now.Add(2 * time.Second).Format(http.TimeFormat), want: 2 * time.Second, ok: true},
		{name: "date in the past", header: now.Add(-time.Hour).Format(http.TimeFormat), want: 0, ok: true},
		{name: "absent", header: ""},
		{name: "negative", header: "-1"},
		{name: "garbage", header: "soon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.header != "" {
				h.Set("Retry-After", tc.header)
			}
			got, ok := retryAfter(h, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.header, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestBackoffJitterAndCap(t *testing.T) {
	for attempt := range 40 {
		d := backoff(attempt)
		limit := min(backoffBase<<min(attempt, 16), backoffMax)
		if d < limit/2 || d >= limit {
			t.Fatalf("backoff(%d) = %v, want in [%v, %v)", attempt, d, limit/2, limit)
		}
	}
}
