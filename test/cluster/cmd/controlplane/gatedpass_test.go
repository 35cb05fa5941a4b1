package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatchingTests(t *testing.T) {
	tests := []struct {
		name    string
		tests   map[string][]string
		run     string
		want    map[string][]string
		wantErr bool
	}{
		{
			name:  "keeps the matching names and drops packages left empty",
			tests: map[string][]string{"m/a": {"TestShardSplit", "TestList"}, "m/b": {"TestWatch"}, "m/c": {"TestSelectorOnTheServer"}},
			run:   "Shard|OnTheServer",
			want:  map[string][]string{"m/a": {"TestShardSplit"}, "m/c": {"TestSelectorOnTheServer"}},
		},
		{
			name:  "nothing matches",
			tests: map[string][]string{"m/a": {"TestList"}},
			run:   "Shard",
			want:  map[string][]string{},
		},
		{name: "bad pattern", tests: map[string][]string{"m/a": {"TestList"}}, run: "(", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := matchingTests(tc.tests, tc.run)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error: %v", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.want, got); !tc.wantErr && d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestGatedPasses checks the passes' definitions: a name, gates, a -run
// pattern that compiles and selects some integration tests of every
// package of the pass that has any, and module directories that exist
// (from the repository's top, where the test command runs).
func TestGatedPasses(t *testing.T) {
	top := filepath.Join("..", "..", "..", "..")
	for _, p := range gatedPasses {
		if p.name == "" || p.gates == "" || len(p.suites) == 0 {
			t.Errorf("pass %+v: name, gates and suites are required", p)
		}
		if _, err := regexp.Compile(p.run); err != nil {
			t.Errorf("pass %s: -run %q: %v", p.name, p.run, err)
		}
		for _, s := range p.suites {
			dir := filepath.Join(top, s.dir)
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil || len(s.pkgs) == 0 {
				t.Errorf("pass %s: suite %s: no module there (%v) or no packages %v", p.name, s.dir, err, s.pkgs)
				continue
			}
			if p.run == "" {
				continue
			}
			// A pattern that selects no integration test of a package
			// would make the pass prove nothing there.
			tests, err := integrationTests(context.Background(), dir, s.pkgs)
			if err != nil {
				t.Fatal(err)
			}
			matched, _ := matchingTests(tests, p.run)
			for pkg := range tests {
				if len(matched[pkg]) == 0 {
					t.Errorf("pass %s: -run %q selects none of the integration tests of %s: %v", p.name, p.run, pkg, tests[pkg])
				}
			}
		}
	}
}
