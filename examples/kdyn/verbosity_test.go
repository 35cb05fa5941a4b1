package main

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubedyn/kubedyn/rest"
)

// TestRequestLogger: -v below 6 logs nothing (no logger at all), 6 the
// request lines, 7 the headers too, 8 and more the bodies too, each
// labelled with its kubectl level.
func TestRequestLogger(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    int
		want []string // the level= of each line logged
	}{
		{name: "default", v: 0},
		{name: "debug levels", v: 5},
		{name: "requests", v: 6, want: []string{"V6"}},
		{name: "headers", v: 7, want: []string{"V6", "V7"}},
		{name: "bodies", v: 8, want: []string{"V6", "V7", "V8"}},
		{name: "beyond", v: 10, want: []string{"V6", "V7", "V8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := requestLogger(&buf, tc.v)
			if (log == nil) != (tc.want == nil) {
				t.Fatalf("requestLogger(%d) = %v", tc.v, log)
			}
			if log == nil {
				return
			}
			for _, l := range []slog.Level{rest.LevelRequests, rest.LevelHeaders, rest.LevelBodies} {
				log.Log(context.Background(), l, "m")
			}
			var got []string
			for _, m := range regexp.MustCompile(`level=(\S+) msg=m`).FindAllStringSubmatch(buf.String(), -1) {
				got = append(got, m[1])
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("levels logged at -v=%d (-want +got):\n%s", tc.v, d)
			}
		})
	}
}
