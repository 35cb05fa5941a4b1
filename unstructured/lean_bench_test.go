package unstructured

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// leanPods is the number of pods BenchmarkLeanMemory keeps in memory.
const leanPods = 10000

// heapAfterGC returns the live heap after two full collections.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// recordedPodList makes a PodList of n copies of the pod recorded from the
// control plane (testdata/pod.json), each with its own name, uid and
// resourceVersion.
func recordedPodList(b *testing.B, n int) []byte {
	pod := recordedPod(b)
	var buf bytes.Buffer
	buf.WriteString(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"999999"},"items":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		for path, v := range map[string]string{"metadata.name": fmt.Sprintf("pod-%05d", i), "metadata.uid": fmt.Sprintf("da6532b3-a14e-4404-abb3-%012d", i), "metadata.resourceVersion": fmt.Sprint(1000 + i)} {
			if err := Set(pod.Object, path, v); err != nil {
				b.Fatal(err)
			}
		}
		item, err := Marshal(pod)
		if err != nil {
			b.Fatal(err)
		}
		buf.Write(item)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// BenchmarkLeanMemory reports the live heap per object ("B/obj", measured
// with runtime.ReadMemStats after GC) that 10,000 pods hold in a cache,
// decoded by apimachinery or by this package, as they are or made lean.
// Two sets: "server" is benchPod, a pod in the shape a real cluster returns
// (managedFields of two managers, status from a kubelet, owner,
// tolerations); "recorded" is the pod recorded from the test control plane
// (testdata/pod.json, which has no kubelet and so a thin status). Run it
// with -benchtime=1x: one iteration decodes 10,000 pods per case.
func BenchmarkLeanMemory(b *testing.B) {
	for _, set := range []struct {
		name string
		data []byte
	}{{"server", podList(leanPods)}, {"recorded", recordedPodList(b, leanPods)}} {
		b.Run(set.name, func(b *testing.B) { leanMemory(b, set.data) })
	}
}

func leanMemory(b *testing.B, data []byte) {
	cases := []struct {
		name  string
		build func(b *testing.B) any // returns what the cache would hold
	}{
		{name: "apimachinery", build: func(b *testing.B) any {
			obj, err := reference(data)
			if err != nil {
				b.Fatal(err)
			}
			return obj
		}},
		{name: "apimachinery+Lean", build: func(b *testing.B) any {
			obj, err := reference(data)
			if err != nil {
				b.Fatal(err)
			}
			items := obj.(*k8su.UnstructuredList).Items
			out := make([]*k8su.Unstructured, len(items))
			for i := range items {
				out[i] = Lean(&items[i])
			}
			return out
		}},
		{name: "apimachinery+LeanInPlace", build: func(b *testing.B) any {
			obj, err := reference(data)
			if err != nil {
				b.Fatal(err)
			}
			list := obj.(*k8su.UnstructuredList)
			for i := range list.Items {
				LeanInPlace(&list.Items[i])
			}
			return list
		}},
		{name: "kubedyn", build: func(b *testing.B) any {
			obj, err := Decode(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			return obj
		}},
		{name: "kubedyn-managedFields", build: func(b *testing.B) any { // the saving without interning
			out := make([]*k8su.Unstructured, 0, leanPods)
			_, err := NewDecoder(bytes.NewReader(data)).DecodeListFunc(func(u *k8su.Unstructured) error {
				delete(u.Object["metadata"].(map[string]any), "managedFields")
				out = append(out, u)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			return out
		}},
		{name: "kubedyn+Lean", build: func(b *testing.B) any {
			out := make([]*k8su.Unstructured, 0, leanPods)
			_, err := NewDecoder(bytes.NewReader(data)).DecodeListFunc(func(u *k8su.Unstructured) error {
				out = append(out, Lean(u))
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			return out
		}},
		{name: "kubedyn+LeanInPlace", build: func(b *testing.B) any {
			out := make([]*k8su.Unstructured, 0, leanPods)
			_, err := NewDecoder(bytes.NewReader(data)).DecodeListFunc(func(u *k8su.Unstructured) error {
				LeanInPlace(u)
				out = append(out, u)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			return out
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				base := heapAfterGC()
				kept := tc.build(b)
				after := heapAfterGC()
				runtime.KeepAlive(kept)
				b.ReportMetric(float64(after-base)/leanPods, "B/obj")
			}
		})
	}
}

// BenchmarkLean measures making one decoded pod lean.
func BenchmarkLean(b *testing.B) {
	list, err := DecodeList(bytes.NewReader(podList(1)))
	if err != nil {
		b.Fatal(err)
	}
	pod := &list.Items[0]
	b.Run("Lean", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			runtime.KeepAlive(Lean(pod))
		}
	})
	b.Run("LeanInPlace", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			u := pod.DeepCopy()
			b.StartTimer()
			LeanInPlace(u)
		}
	})
}
