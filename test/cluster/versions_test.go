package cluster

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolveVersion(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{name: "empty is the default", in: "", want: DefaultVersion},
		{name: "minor", in: "1.29", want: "v1.29.6"},
		{name: "minor with v", in: "v1.30", want: "v1.30.14"},
		{name: "previous minor", in: "1.36", want: "v1.36.3"},
		{name: "newest minor", in: "1.37", want: "v1.37.2"},
		{name: "full version", in: "v1.31.0", want: "v1.31.0"},
		{name: "full version without v", in: "1.34.2", want: "v1.34.2"},
		{name: "spaces", in: " 1.35 ", want: "v1.35.4"},
		{name: "minor not pinned", in: "1.28", wantErr: "no pinned version for minor 1.28"},
		{name: "garbage", in: "latest", wantErr: "want a minor like 1.29"},
		{name: "major 2", in: "2.0.1", wantErr: "want a minor like 1.29"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ResolveVersion(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ResolveVersion(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ResolveVersion(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestPinnedVersionsOnePerMinor(t *testing.T) {
	var minors []int
	for _, v := range PinnedVersions() {
		m, err := MinorOf(v)
		if err != nil {
			t.Fatal(err)
		}
		minors = append(minors, m)
	}
	if d := cmp.Diff([]int{29, 30, 31, 32, 33, 34, 35, 36, 37}, minors); d != "" {
		t.Errorf("pinned minors (-want +got):\n%s", d)
	}
	if got := PinnedVersions()[len(PinnedVersions())-1]; got != DefaultVersion {
		t.Errorf("newest pinned version %s is not DefaultVersion %s", got, DefaultVersion)
	}
}

func TestParseFeatureGates(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]bool
		wantErr string
	}{
		{name: "empty", in: "", want: map[string]bool{}},
		{name: "two", in: "A=true, B=false", want: map[string]bool{"A": true, "B": false}},
		{name: "trailing comma", in: "WatchList=true,", want: map[string]bool{"WatchList": true}},
		{name: "no value", in: "A", wantErr: `"A" is not Name=true`},
		{name: "bad value", in: "A=maybe", wantErr: "gate A"},
		{name: "no name", in: "=true", wantErr: "is not Name=true"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseFeatureGates(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseFeatureGates(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestOptionsFromEnv(t *testing.T) {
	tests := []struct {
		name       string
		version    string
		gates      string
		aggregated string
		want       Options
		wantErr    string
	}{
		{name: "nothing set is the default server", want: Options{Build: BuildOptions{Version: DefaultVersion}}},
		{name: "a minor", version: "1.29", want: Options{Build: BuildOptions{Version: "v1.29.6"}}},
		{
			name: "aggregated discovery off", version: "1.29", aggregated: "false",
			want: Options{Build: BuildOptions{Version: "v1.29.6"}, ExtraAPIServerArgs: []string{"--feature-gates=AggregatedDiscoveryEndpoint=false"}},
		},
		{name: "aggregated discovery on adds nothing", aggregated: "true", want: Options{Build: BuildOptions{Version: DefaultVersion}}},
		{
			name: "gates merged and sorted", version: "v1.30.14", gates: "WatchList=true", aggregated: "0",
			want: Options{Build: BuildOptions{Version: "v1.30.14"}, ExtraAPIServerArgs: []string{"--feature-gates=AggregatedDiscoveryEndpoint=false,WatchList=true"}},
		},
		{name: "bad version", version: "1.2", wantErr: VersionEnv},
		{name: "bad gates", gates: "X", wantErr: FeatureGatesEnv},
		{name: "bad aggregated", aggregated: "nope", wantErr: AggregatedDiscoveryEnv},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(VersionEnv, tc.version)
			t.Setenv(FeatureGatesEnv, tc.gates)
			t.Setenv(AggregatedDiscoveryEnv, tc.aggregated)
			got, err := OptionsFromEnv()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("OptionsFromEnv() = %+v, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestServerChoice(t *testing.T) {
	base := ServerChoice{Version: "1.29", FeatureGates: map[string]bool{"WatchList": true}}
	legacy := base.WithoutAggregatedDiscovery()
	tests := []struct {
		name           string
		choice         ServerChoice
		wantString     string
		wantAggregated bool
	}{
		{name: "default", choice: ServerChoice{}, wantString: DefaultVersion, wantAggregated: true},
		{name: "with a gate", choice: base, wantString: "v1.29.6 WatchList=true", wantAggregated: true},
		{name: "legacy", choice: legacy, wantString: "v1.29.6 AggregatedDiscoveryEndpoint=false,WatchList=true", wantAggregated: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.choice.String(); got != tc.wantString {
				t.Errorf("String() = %q, want %q", got, tc.wantString)
			}
			if got := tc.choice.AggregatedDiscovery(); got != tc.wantAggregated {
				t.Errorf("AggregatedDiscovery() = %v, want %v", got, tc.wantAggregated)
			}
		})
	}
	if _, set := base.FeatureGates["AggregatedDiscoveryEndpoint"]; set {
		t.Error("WithoutAggregatedDiscovery changed the ServerChoice it was called on")
	}
}
