package cluster

import (
	"strings"
	"testing"
)

func TestIntegrationWanted(t *testing.T) {
	tests := []struct {
		name       string
		kubeconfig string
		flag       string
		want       bool
		wantErr    string
	}{
		{name: "nothing set skips", want: false},
		{name: "a kubeconfig runs", kubeconfig: "/tmp/kc", want: true},
		{name: "a kubeconfig runs whatever the switch", kubeconfig: "/tmp/kc", flag: "0", want: true},
		{name: "switch 1", flag: "1", want: true},
		{name: "switch true", flag: " True ", want: true},
		{name: "switch 0", flag: "0", want: false},
		{name: "switch off", flag: "off", want: false},
		{name: "blank kubeconfig is unset", kubeconfig: "  ", want: false},
		{name: "switch garbage fails", flag: "please", wantErr: `$KUBEDYN_INTEGRATION="please"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := integrationWanted(tc.kubeconfig, tc.flag)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("integrationWanted(%q, %q) = %v, %v; want error containing %q", tc.kubeconfig, tc.flag, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("integrationWanted(%q, %q) = %v, %v; want %v", tc.kubeconfig, tc.flag, got, err, tc.want)
			}
		})
	}
}
