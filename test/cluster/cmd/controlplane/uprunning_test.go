package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kubedyn/kubedyn/test/cluster"
)

func TestUpVerdict(t *testing.T) {
	v136 := runningServer{PID: 7, Kubeconfig: "/k", Version: "v1.36.3", GatesKnown: true}
	v137 := runningServer{PID: 7, Kubeconfig: "/k", Version: "v1.37.2", GatesKnown: true}
	v137Gated := runningServer{PID: 7, Kubeconfig: "/k", Version: "v1.37.2", FeatureGates: "CBORServingAndStorage=true", GatesKnown: true}
	old137 := runningServer{PID: 7, Kubeconfig: "/k", Version: "v1.37.2"} // state from before versions were recorded
	cbor := map[string]bool{"CBORServingAndStorage": true}
	tests := []struct {
		name      string
		running   runningServer
		asked     cluster.ServerChoice
		wantReuse bool
		wantMsg   []string // each in the message
		notInMsg  []string
	}{
		{
			name: "the same server", running: v137, asked: cluster.ServerChoice{Version: "v1.37.2"}, wantReuse: true,
			wantMsg: []string{"pid 7", "Kubernetes v1.37.2 with no feature gates, the one asked for"},
		},
		{
			name: "the default, asked by omission", running: v137, asked: cluster.ServerChoice{}, wantReuse: true,
			wantMsg: []string{"Kubernetes " + cluster.DefaultVersion + " with no feature gates, the one asked for"},
		},
		{
			name: "asked by minor", running: v136, asked: cluster.ServerChoice{Version: "1.36", FeatureGates: map[string]bool{}}, wantReuse: true,
			wantMsg: []string{"v1.36.3"},
		},
		{
			name: "another version runs", running: v136, asked: cluster.ServerChoice{Version: "v1.37.2"},
			wantMsg:  []string{"pid 7, kubeconfig /k", "Kubernetes v1.36.3 with no feature gates;", "the asked Kubernetes v1.37.2 with no feature gates is not running", "controlplane down"},
			notInMsg: []string{"the one asked for"},
		},
		{
			name: "other gates run", running: v137Gated, asked: cluster.ServerChoice{Version: "v1.37.2"},
			wantMsg: []string{"Kubernetes v1.37.2 with feature gates CBORServingAndStorage=true;", "the asked Kubernetes v1.37.2 with no feature gates is not running"},
		},
		{
			name: "gates asked, none run", running: v137, asked: cluster.ServerChoice{Version: "1.37", FeatureGates: cbor},
			wantMsg: []string{"Kubernetes v1.37.2 with no feature gates;", "the asked Kubernetes v1.37.2 with feature gates CBORServingAndStorage=true is not running"},
		},
		{
			name: "gates off is not gates unset", running: v137Gated, asked: cluster.ServerChoice{FeatureGates: map[string]bool{"CBORServingAndStorage": false}},
			wantMsg: []string{"the asked Kubernetes v1.37.2 with feature gates CBORServingAndStorage=false is not running"},
		},
		{
			name: "unrecorded gates, none asked", running: old137, asked: cluster.ServerChoice{}, wantReuse: true,
			wantMsg: []string{"its feature gates were not recorded"},
		},
		{
			name: "unrecorded gates, some asked", running: old137, asked: cluster.ServerChoice{FeatureGates: cbor},
			wantMsg: []string{"its feature gates were not recorded", "feature gates CBORServingAndStorage=true is not running"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reuse, msg := upVerdict(tc.running, tc.asked)
			if reuse != tc.wantReuse {
				t.Errorf("reuse = %v, want %v (%s)", reuse, tc.wantReuse, msg)
			}
			var missing, unwanted []string
			for _, w := range tc.wantMsg {
				if !strings.Contains(msg, w) {
					missing = append(missing, w)
				}
			}
			for _, w := range tc.notInMsg {
				if strings.Contains(msg, w) {
					unwanted = append(unwanted, w)
				}
			}
			if d := cmp.Diff([]string(nil), append(missing, unwanted...)); d != "" {
				t.Errorf("message %q: missing or unwanted parts (-want +got):\n%s", msg, d)
			}
		})
	}
}
