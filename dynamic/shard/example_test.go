package shard_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/dynamic/shard"
)

func ExampleSplit() {
	for i, r := range shard.Split(4) {
		fmt.Println(i, r)
	}
	// Output:
	// 0 [0x0000000000000000, 0x4000000000000000)
	// 1 [0x4000000000000000, 0x8000000000000000)
	// 2 [0x8000000000000000, 0xc000000000000000)
	// 3 [0xc000000000000000, 0x10000000000000000)
}

func ExampleAssign() {
	shares := shard.Assign([]string{"replica-b", "replica-a"})
	fmt.Println(shares["replica-a"])
	fmt.Println(shares["replica-b"])
	// Output:
	// [0x0000000000000000, 0x8000000000000000)
	// [0x8000000000000000, 0x10000000000000000)
}

func ExampleSelector_ShardSelector() {
	sel, err := shard.NewSelector(shard.KeyUID, shard.Ranges{shard.Split(2)[1]})
	if err != nil {
		panic(err)
	}
	s, err := sel.ShardSelector()
	if err != nil {
		panic(err)
	}
	fmt.Println(s)
	// Output: shardRange(object.metadata.uid, '0x8000000000000000', '0x10000000000000000')
}

func ExampleSelector_Matches() {
	sel, _ := shard.NewSelector(shard.KeyNamespace, shard.Ranges{shard.Split(2)[0]})
	for _, ns := range []string{"default", "kube-system", "web"} {
		obj := &unstructured.Unstructured{Object: map[string]any{}}
		obj.SetNamespace(ns)
		fmt.Printf("%s 0x%016x %v\n", ns, shard.Hash(ns), sel.Matches(obj))
	}
	// Output:
	// default 0xebada5168620c5fe false
	// kube-system 0xdf65c7bc1d82b35e false
	// web 0x5ea0e11948721ef1 true
}

// The server echoes the selector it applied in metadata.shardInfo.selector,
// in its own normalised form; EchoedBy compares the two after normalising
// both. No echo means the server ignored the selector (the feature gate is
// off): filter on the client with Matches instead.
func ExampleSelector_EchoedBy() {
	sel, _ := shard.NewSelector(shard.KeyUID, shard.Ranges{shard.Split(2)[0]})
	fmt.Println(sel.EchoedBy("shardRange(object.metadata.uid, '0x0', '0x8000000000000000')"))
	fmt.Println(sel.EchoedBy(""))
	// Output:
	// true
	// false
}

// A controller replica joins its group and follows the ranges it owns.
// OnChange must stop work on ranges that left before it returns.
func ExampleNew() {
	var dc *dynamic.Client // from dynamic.New
	pod, _ := os.Hostname()
	m, err := shard.New(shard.Config{
		Client: dc, Namespace: "kube-system", Group: "my-controller", Identity: pod,
		ReleaseOnCancel: true, // hand the ranges over at once on SIGTERM
		OnChange: func(rs shard.Ranges) {
			sel, _ := shard.NewSelector(shard.KeyUID, rs)
			if s, err := sel.ShardSelector(); err == nil {
				_ = metav1.ListOptions{ShardSelector: s} // list and watch only these
			}
			// else: owns nothing; hold nothing.
		},
	}, slog.Default())
	if err != nil {
		panic(err)
	}
	_ = m.Run(context.Background())
}
