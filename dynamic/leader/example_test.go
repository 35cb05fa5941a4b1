package leader_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/leader"
	"github.com/kubedyn/kubedyn/rest"
)

// leaseServer stands in for an API server in the examples: it stores one
// Lease and enforces resourceVersion preconditions as the real server does.
// Real programs use rest.Load and a real server.
func leaseServer() (*dynamic.Client, func()) {
	var mu sync.Mutex
	var lease map[string]any
	rv := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		status := func(code int, reason string) {
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":%q,"code":%d}`, reason, code)
		}
		var in map[string]any
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			json.Unmarshal(b, &in)
		}
		switch r.Method {
		case http.MethodGet:
			if lease == nil {
				status(404, "NotFound")
				return
			}
		case http.MethodPost:
			if lease != nil {
				status(409, "AlreadyExists")
				return
			}
			lease = in
		case http.MethodPut:
			md, _ := in["metadata"].(map[string]any)
			if lease == nil || md["resourceVersion"] != strconv.Itoa(rv) {
				status(409, "Conflict")
				return
			}
			lease = in
		}
		if r.Method != http.MethodGet {
			rv++
			lease["metadata"].(map[string]any)["resourceVersion"] = strconv.Itoa(rv)
		}
		json.NewEncoder(w).Encode(lease)
	}))
	rc, err := rest.NewClient(&rest.Config{Host: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		panic(err)
	}
	dc, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		panic(err)
	}
	return dc, srv.Close
}

func ExampleElector_Run() {
	dc, stop := leaseServer()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	el, err := leader.New(leader.Config{
		Client: dc, Namespace: "kube-system", Name: "my-controller", Identity: "pod-a",
		LeaseDuration: 3 * time.Second, RenewDeadline: 2 * time.Second, RetryPeriod: 100 * time.Millisecond,
		ReleaseOnCancel: true,
		Callbacks: leader.Callbacks{
			OnNewLeader: func(id string) { fmt.Println("leader is", id) },
			OnStartedLeading: func(ctx context.Context) {
				fmt.Println("leading")
				cancel() // the controller's work would run here until ctx is done
			},
			OnStoppedLeading: func() { fmt.Println("stopped leading") },
		},
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = el.Run(ctx) // nil: ctx ended, and the lease was released
	fmt.Println("Run:", err, "- holder now:", fmt.Sprintf("%q", el.Leader()))
	// Output:
	// leader is pod-a
	// leading
	// stopped leading
	// Run: <nil> - holder now: ""
}

func ExampleParseRecord() {
	dc, stop := leaseServer()
	defer stop()
	el, _ := leader.New(leader.Config{Client: dc, Namespace: "ns", Name: "l", Identity: "pod-a",
		LeaseDuration: 3 * time.Second, RenewDeadline: 2 * time.Second, RetryPeriod: 100 * time.Millisecond,
		Callbacks: leader.Callbacks{OnStartedLeading: func(context.Context) {}}}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	el.Run(ctx) // leads until ctx ends; not released
	u, err := dc.Resource(leader.Leases).Namespace("ns").Get(context.Background(), "l", metav1.GetOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := leader.ParseRecord(u)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.HolderIdentity, rec.LeaseDurationSeconds, rec.LeaseTransitions, !rec.RenewTime.Before(rec.AcquireTime))
	// Output: pod-a 3 0 true
}

func ExampleNew() {
	dc, stop := leaseServer()
	defer stop()
	_, err := leader.New(leader.Config{
		Client: dc, Namespace: "kube-system", Name: "my-controller", Identity: "pod-a",
		LeaseDuration: 10 * time.Second, RenewDeadline: 15 * time.Second,
	}, nil)
	fmt.Println(err)
	// Output: leader: invalid Config for lease kube-system/my-controller: RenewDeadline 15s must be shorter than LeaseDuration 10s
}
