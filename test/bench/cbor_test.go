package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	kdunstructured "github.com/kubedyn/kubedyn/unstructured"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/cbor"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	restclientwatch "k8s.io/client-go/rest/watch"
)

// The CBOR fixtures are the JSON fixtures (podListJSON, watchStreamJSON)
// transcoded once per run by apimachinery's CBOR serializer, as a
// kube-apiserver with the CBORServingAndStorage gate writes them: each
// body, and each watch event with its object embedded, self-described
// (tag 55799).

// unstructuredCBOR is the CBOR serializer client-go's dynamic client uses
// for unstructured objects.
var unstructuredCBOR = cbor.NewSerializer(nil, nil)

// watchEnvelopeCBOR decodes metav1.WatchEvent envelopes from CBOR,
// leaving the embedded object CBOR (no transcoding to JSON), as client-go's
// dynamic client does.
var watchEnvelopeCBOR = func() runtime.Decoder {
	scheme := runtime.NewScheme()
	metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
	return cbor.NewSerializer(scheme, scheme, cbor.Transcode(false))
}()

// podListCBOR transcodes podListJSON(n) to CBOR.
func podListCBOR(tb testing.TB, n int) []byte {
	tb.Helper()
	list, err := clientGoDecodeList(podListJSON(tb, n))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := unstructuredCBOR.Encode(list, &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// watchStreamCBOR transcodes watchStreamJSON(n) to an application/cbor-seq
// stream: one self-described WatchEvent per event, its object embedded.
func watchStreamCBOR(tb testing.TB, n int) []byte {
	tb.Helper()
	dec := kdunstructured.NewDecoder(bytes.NewReader(watchStreamJSON(tb, n)))
	var buf bytes.Buffer
	for {
		typ, obj, err := dec.NextEventObject()
		if errors.Is(err, io.EOF) {
			return buf.Bytes()
		}
		if err != nil {
			tb.Fatal(err)
		}
		var raw bytes.Buffer
		if err := unstructuredCBOR.Encode(obj, &raw); err != nil {
			tb.Fatal(err)
		}
		ev := &metav1.WatchEvent{Type: typ, Object: runtime.RawExtension{Raw: raw.Bytes()}}
		if err := unstructuredCBOR.Encode(ev, &buf); err != nil {
			tb.Fatal(err)
		}
	}
}

// clientGoDecodeListCBOR decodes a CBOR list as client-go's dynamic client
// does with its ClientsAllowCBOR gate.
func clientGoDecodeListCBOR(data []byte) (*k8su.UnstructuredList, error) {
	obj, _, err := unstructuredCBOR.Decode(data, nil, &k8su.UnstructuredList{})
	if err != nil {
		return nil, err
	}
	return obj.(*k8su.UnstructuredList), nil
}

// unstructuredDecoder decodes each embedded object into a new Unstructured,
// as client-go's dynamic client's unstructured creater does.
type unstructuredDecoder struct{ runtime.Decoder }

func (d unstructuredDecoder) Decode(data []byte, gvk *schema.GroupVersionKind, _ runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	return d.Decoder.Decode(data, gvk, &k8su.Unstructured{})
}

// clientGoWatchObjectsCBOR decodes a cbor-seq watch stream as client-go
// does: CBOR framer, WatchEvent envelopes, embedded objects.
func clientGoWatchObjectsCBOR(data []byte) ([]*k8su.Unstructured, error) {
	fr := cbor.NewFramer().NewFrameReader(io.NopCloser(bytes.NewReader(data)))
	dec := restclientwatch.NewDecoder(streaming.NewDecoder(fr, watchEnvelopeCBOR), unstructuredDecoder{unstructuredCBOR})
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

func kubedynWatchObjectsCBOR(data []byte) ([]*k8su.Unstructured, error) {
	dec := kdunstructured.NewCBORDecoder(bytes.NewReader(data))
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

func kubedynDecodeListJSON(data []byte) (*k8su.UnstructuredList, error) {
	return kdunstructured.DecodeList(bytes.NewReader(data))
}

func kubedynDecodeListCBOR(data []byte) (*k8su.UnstructuredList, error) {
	return kdunstructured.DecodeCBORList(bytes.NewReader(data))
}

// BenchmarkCBORListDecode decodes the same 10,000 pods as JSON and as CBOR,
// with client-go's decoders and kubedyn's; wire-B/op is the body's size.
func BenchmarkCBORListDecode(b *testing.B) {
	const n = 10000
	bodies := map[string][]byte{"json": podListJSON(b, n), "cbor": podListCBOR(b, n)}
	rows := []struct {
		format, lib string
		decode      func([]byte) (*k8su.UnstructuredList, error)
	}{
		{"json", "client-go", clientGoDecodeList},
		{"json", "kubedyn", kubedynDecodeListJSON},
		{"cbor", "client-go", clientGoDecodeListCBOR},
		{"cbor", "kubedyn", kubedynDecodeListCBOR},
	}
	for _, r := range rows {
		data := bodies[r.format]
		b.Run(fmt.Sprintf("pods=%d/format=%s/lib=%s", n, r.format, r.lib), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := r.decode(data)
				if err != nil || len(l.Items) != n {
					b.Fatalf("%s %s: %v", r.format, r.lib, err)
				}
			}
			b.ReportMetric(float64(len(data)), "wire-B/op")
		})
	}
}

// BenchmarkCBORWatchDecode decodes the same 20,000 watch events as a JSON
// stream and as a cbor-seq stream.
func BenchmarkCBORWatchDecode(b *testing.B) {
	bodies := map[string][]byte{"json": watchStreamJSON(b, watchEvents), "cbor": watchStreamCBOR(b, watchEvents)}
	rows := []struct {
		format, lib string
		decode      func([]byte) ([]*k8su.Unstructured, error)
	}{
		{"json", "client-go", clientGoWatchObjects},
		{"json", "kubedyn", kubedynWatchObjects},
		{"cbor", "client-go", clientGoWatchObjectsCBOR},
		{"cbor", "kubedyn", kubedynWatchObjectsCBOR},
	}
	for _, r := range rows {
		data := bodies[r.format]
		b.Run(fmt.Sprintf("events=%d/format=%s/lib=%s", watchEvents, r.format, r.lib), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				objs, err := r.decode(data)
				if err != nil || len(objs) != watchEvents {
					b.Fatalf("%s %s decoded %d events: %v", r.format, r.lib, len(objs), err)
				}
			}
			b.ReportMetric(float64(len(data)), "wire-B/op")
			b.ReportMetric(float64(watchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestEqualCBORDecode: kubedyn's CBOR decoding of the fixtures equals
// client-go's CBOR decoding and kubedyn's JSON decoding of the same objects.
func TestEqualCBORDecode(t *testing.T) {
	list, err := kubedynDecodeListJSON(podListJSON(t, 50))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := clientGoDecodeListCBOR(podListCBOR(t, 50))
	if err != nil {
		t.Fatalf("client-go CBOR: %v", err)
	}
	kl, err := kubedynDecodeListCBOR(podListCBOR(t, 50))
	if err != nil {
		t.Fatalf("kubedyn CBOR: %v", err)
	}
	if diff := cmp.Diff(list, kl); diff != "" {
		t.Errorf("pod list (-JSON +CBOR):\n%s", diff)
	}
	if diff := cmp.Diff(cl, kl); diff != "" {
		t.Errorf("pod list (-client-go +kubedyn):\n%s", diff)
	}
	events, err := kubedynWatchObjects(watchStreamJSON(t, 50))
	if err != nil {
		t.Fatal(err)
	}
	ce, err := clientGoWatchObjectsCBOR(watchStreamCBOR(t, 50))
	if err != nil {
		t.Fatalf("client-go CBOR watch: %v", err)
	}
	ke, err := kubedynWatchObjectsCBOR(watchStreamCBOR(t, 50))
	if err != nil {
		t.Fatalf("kubedyn CBOR watch: %v", err)
	}
	if diff := cmp.Diff(events, ke); diff != "" {
		t.Errorf("watch (-JSON +CBOR):\n%s", diff)
	}
	if diff := cmp.Diff(ce, ke); diff != "" {
		t.Errorf("watch (-client-go +kubedyn):\n%s", diff)
	}
}
