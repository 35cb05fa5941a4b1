package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	kddynamic "github.com/kubedyn/kubedyn/dynamic"
	kdunstructured "github.com/kubedyn/kubedyn/unstructured"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	cgjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	"k8s.io/apimachinery/pkg/util/framer"
	cgdynamic "k8s.io/client-go/dynamic"
	restclientwatch "k8s.io/client-go/rest/watch"
)

var podsGVR = schema.GroupVersionResource{Version: "v1", Resource: "pods"}

var listSizes = []int{1000, 10000}

// clientGoDecodeList decodes a list as client-go's dynamic client does.
func clientGoDecodeList(data []byte) (*k8su.UnstructuredList, error) {
	obj, err := runtime.Decode(k8su.UnstructuredJSONScheme, data)
	if err != nil {
		return nil, err
	}
	l, ok := obj.(*k8su.UnstructuredList)
	if !ok {
		return nil, fmt.Errorf("decoded %T, want *UnstructuredList", obj)
	}
	return l, nil
}

func BenchmarkListDecode(b *testing.B) {
	for _, n := range listSizes {
		data := podListJSON(b, n)
		b.Run(fmt.Sprintf("pods=%d/lib=client-go", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := clientGoDecodeList(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("pods=%d/lib=kubedyn", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := kdunstructured.DecodeList(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	for _, n := range listSizes {
		data := podListJSON(b, n)
		fs := newFixtureServer(b, nil, false, map[string][]byte{"/api/v1/pods": data})
		b.Run(fmt.Sprintf("pods=%d/lib=client-go", n), func(b *testing.B) {
			b.ReportAllocs()
			dc, err := cgdynamic.NewForConfig(clientGoConfig(fs))
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := dc.Resource(podsGVR).List(ctx, metav1.ListOptions{}); err != nil {
					b.Fatalf("client-go List: %v", err)
				}
			}
		})
		b.Run(fmt.Sprintf("pods=%d/lib=kubedyn", n), func(b *testing.B) {
			b.ReportAllocs()
			dc, err := kddynamic.New(kubedynClient(b, fs), kddynamic.Options{})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := dc.Resource(podsGVR).List(ctx, metav1.ListOptions{}); err != nil {
					b.Fatalf("kubedyn List: %v", err)
				}
			}
		})
	}
}

// watchEnvelopeSerializer decodes metav1.WatchEvent envelopes as client-go's
// dynamic client does (a JSON serializer over a scheme holding WatchEvent).
var watchEnvelopeSerializer = func() runtime.Decoder {
	scheme := runtime.NewScheme()
	metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
	return cgjson.NewSerializerWithOptions(cgjson.DefaultMetaFactory, scheme, scheme, cgjson.SerializerOptions{})
}()

// clientGoWatchObjects decodes a watch stream as client-go's watch does.
func clientGoWatchObjects(data []byte) ([]*k8su.Unstructured, error) {
	fr := framer.NewJSONFramedReader(io.NopCloser(bytes.NewReader(data)))
	dec := restclientwatch.NewDecoder(streaming.NewDecoder(fr, watchEnvelopeSerializer), k8su.UnstructuredJSONScheme)
	var out []*k8su.Unstructured
	for {
		_, obj, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, obj.(*k8su.Unstructured))
	}
}

func kubedynWatchObjects(data []byte) ([]*k8su.Unstructured, error) {
	dec := kdunstructured.NewDecoder(bufio.NewReader(bytes.NewReader(data)))
	var out []*k8su.Unstructured
	for {
		_, obj, err := dec.NextEventObject()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, obj)
	}
}

const watchEvents = 20000

func BenchmarkWatchDecode(b *testing.B) {
	data := watchStreamJSON(b, watchEvents)
	libs := []struct {
		name   string
		decode func([]byte) ([]*k8su.Unstructured, error)
	}{
		{name: "client-go", decode: clientGoWatchObjects},
		{name: "kubedyn", decode: kubedynWatchObjects},
	}
	for _, lib := range libs {
		b.Run(fmt.Sprintf("events=%d/lib=%s", watchEvents, lib.name), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				objs, err := lib.decode(data)
				if err != nil || len(objs) != watchEvents {
					b.Fatalf("%s decoded %d events: %v", lib.name, len(objs), err)
				}
			}
			b.ReportMetric(float64(watchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestEqualDecode checks that kubedyn decodes every fixture to objects
// deeply equal to client-go's.
func TestEqualDecode(t *testing.T) {
	list := podListJSON(t, 50)
	watchData := watchStreamJSON(t, 50)
	t.Run("pod list", func(t *testing.T) {
		want, err := clientGoDecodeList(list)
		if err != nil {
			t.Fatalf("client-go: %v", err)
		}
		got, err := kdunstructured.DecodeList(bytes.NewReader(list))
		if err != nil {
			t.Fatalf("kubedyn: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pod list (-client-go +kubedyn):\n%s", diff)
		}
	})
	t.Run("watch stream", func(t *testing.T) {
		want, err := clientGoWatchObjects(watchData)
		if err != nil {
			t.Fatalf("client-go: %v", err)
		}
		got, err := kubedynWatchObjects(watchData)
		if err != nil {
			t.Fatalf("kubedyn: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("watch events (-client-go +kubedyn):\n%s", diff)
		}
	})
	t.Run("dynamic List over HTTP/2", func(t *testing.T) {
		fs := newFixtureServer(t, nil, false, map[string][]byte{"/api/v1/pods": list})
		cg, err := cgdynamic.NewForConfig(clientGoConfig(fs))
		if err != nil {
			t.Fatal(err)
		}
		want, err := cg.Resource(podsGVR).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatalf("client-go List: %v", err)
		}
		kd, err := kddynamic.New(kubedynClient(t, fs), kddynamic.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := kd.Resource(podsGVR).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatalf("kubedyn List: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("List (-client-go +kubedyn):\n%s", diff)
		}
	})
}
