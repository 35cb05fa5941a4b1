package restmapper

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// invalidatingSource is a countingSource that records Invalidate calls and
// can fail group lookups.
type invalidatingSource struct {
	countingSource
	mu          sync.Mutex
	invalidated []string
	failGroup   error
}

func (s *invalidatingSource) Invalidate(groups ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated = append(s.invalidated, strings.Join(groups, ","))
}

func (s *invalidatingSource) ServerGroupAndResources(ctx context.Context, group string) (*metav1.APIGroup, []*metav1.APIResourceList, error) {
	if s.failGroup != nil {
		s.group.Add(1)
		return nil, nil, s.failGroup
	}
	return s.countingSource.ServerGroupAndResources(ctx, group)
}

func TestRefreshGroup(t *testing.T) {
	full := loadRecorded(t)
	const g = "rmtest.example.com"
	tests := []struct {
		name    string
		before  StaticSource // what the mapper first discovers (nil Groups: no discovery before)
		after   StaticSource // what the server serves when RefreshGroup is called
		prime   []string     // lookups before the change
		fail    error        // group lookups fail with it
		wantErr string
		// after RefreshGroup: does "widgets.<g>" resolve (as a hit, with no
		// discovery call), and the source's counts and invalidations.
		wantResolves              bool
		wantFull, wantGroupLookup int64
		wantInvalidated           []string
	}{
		{
			name: "a new group is published", before: without(full, g), after: full,
			prime:        []string{"pods"},
			wantResolves: true, wantFull: 1, wantGroupLookup: 1, wantInvalidated: []string{g},
		},
		{
			name: "a missing kind remembered as missing is forgotten", before: without(full, g), after: full,
			prime:        []string{"pods", "widgets." + g},
			wantResolves: true, wantFull: 1, wantGroupLookup: 1, wantInvalidated: []string{g},
		},
		{
			name: "a group the server dropped is removed", before: full, after: without(full, g),
			prime:        []string{"widgets." + g},
			wantResolves: false, wantFull: 1, wantGroupLookup: 1, wantInvalidated: []string{g},
		},
		{
			name: "before the first discovery nothing is published", before: StaticSource{}, after: full,
			wantResolves: true, wantFull: 0, wantGroupLookup: 0, wantInvalidated: []string{g},
		},
		{
			name: "a failed lookup keeps the index and says why", before: full, after: without(full, g),
			prime: []string{"pods"}, fail: errors.New("connection refused"),
			wantErr:      `restmapper: refreshing group "rmtest.example.com": connection refused`,
			wantResolves: true, wantFull: 1, wantGroupLookup: 1, wantInvalidated: []string{g},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			src := &invalidatingSource{countingSource: countingSource{src: tc.before}}
			m := New(src, Options{MinRefreshInterval: time.Hour, NegativeTTL: time.Hour})
			for _, arg := range tc.prime {
				m.Resolve(ctx, arg)
			}
			src.set(tc.after)
			src.failGroup = tc.fail
			src.mu.Lock()
			src.invalidated = nil
			src.mu.Unlock()
			src.group.Store(0)

			err := m.RefreshGroup(ctx, g)
			if gotErr := errString(err); gotErr != tc.wantErr {
				t.Fatalf("RefreshGroup error = %q, want %q", gotErr, tc.wantErr)
			}
			src.failGroup = nil
			if len(tc.before.Groups) == 0 {
				// The first lookup runs discovery, which now serves the group.
				if _, err := m.Resolve(ctx, "widgets."+g); err != nil {
					t.Fatalf("first lookup: %v", err)
				}
				tc.wantFull++
			} else if tc.wantResolves {
				// A hit: no negative entry left, no discovery call.
				if _, err := m.Resolve(ctx, "widgets."+g); err != nil {
					t.Errorf("Resolve(widgets.%s) after RefreshGroup: %v", g, err)
				}
			} else {
				idx, err := m.Index(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := idx.Resolve("widgets." + g); !meta.IsNoMatchError(err) {
					t.Errorf("index resolves widgets.%s with error %v, want a no-match error", g, err)
				}
			}
			src.mu.Lock()
			got := []any{src.full.Load(), src.group.Load(), src.invalidated}
			src.mu.Unlock()
			want := []any{tc.wantFull, tc.wantGroupLookup, tc.wantInvalidated}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("[full runs, group lookups, invalidations] (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRefreshGroupAfterResetPublishesNothing(t *testing.T) {
	full := loadRecorded(t)
	src := &countingSource{src: full}
	m := New(src, fastOpts)
	ctx := context.Background()
	if _, err := m.Resolve(ctx, "pods"); err != nil {
		t.Fatal(err)
	}
	m.Reset()
	if err := m.RefreshGroup(ctx, "rmtest.example.com"); err != nil {
		t.Fatal(err)
	}
	if n := src.group.Load(); n != 0 {
		t.Errorf("RefreshGroup on a stale mapper made %d group lookups, want 0 (the next lookup rediscovers)", n)
	}
	if _, err := m.Resolve(ctx, "pods"); err != nil {
		t.Fatal(err)
	}
	if n := src.full.Load(); n != 2 {
		t.Errorf("full runs = %d, want 2 (Reset still honoured)", n)
	}
}

func TestRefreshGroupWithoutSource(t *testing.T) {
	err := New(nil, Options{}).RefreshGroup(context.Background(), "x")
	if err == nil || !strings.Contains(err.Error(), "no Source") {
		t.Fatalf("err = %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
