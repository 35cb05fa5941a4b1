package compact_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kdu "github.com/kubedyn/kubedyn/unstructured"
)

// recordedObjects returns every object recorded from the real server in
// ../testdata (list items on their own, with their list's kind), as JSON.
func recordedObjects(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded objects in ../testdata: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if !strings.Contains(name, "list") {
			out[name] = data
			continue
		}
		l, err := kdu.DecodeList(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("decode %s: %v", f, err)
		}
		for i := range l.Items {
			out[fmt.Sprintf("%s/%d", name, i)] = mustJSON(t, l.Items[i].Object)
		}
	}
	return out
}

// serverPod returns pod i as a server returns one made by a ReplicaSet: the
// recorded pod grown with labels, annotations, an owner, env, volumes,
// status and a kubelet managedFields entry, with distinct values per pod.
func serverPod(t testing.TB, i int) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/pod.json")
	if err != nil {
		t.Fatal(err)
	}
	var pod map[string]any
	if err := json.Unmarshal(data, &pod); err != nil {
		t.Fatal(err)
	}
	md := pod["metadata"].(map[string]any)
	md["name"] = fmt.Sprintf("web-7d9f8b6c5d-%05d", i)
	md["uid"] = fmt.Sprintf("6f1c2a3e-0000-4000-8000-%012d", i)
	md["resourceVersion"] = fmt.Sprint(100000 + i)
	md["labels"] = map[string]any{"app.kubernetes.io/name": "web", "pod-template-hash": "7d9f8b6c5d", "shard": fmt.Sprint(i % 7)}
	md["annotations"] = map[string]any{"prometheus.io/scrape": "true", "trace-id": fmt.Sprintf("%032x", i*7919)}
	md["ownerReferences"] = []any{map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9f8b6c5d", "uid": "0b5e1f7a-1111-4222-8333-444455556666", "controller": true}}
	spec := pod["spec"].(map[string]any)
	spec["nodeName"] = fmt.Sprintf("node-%02d", i%5)
	spec["priority"] = int64(i - 3)
	pod["status"] = map[string]any{
		"phase": "Running", "podIP": fmt.Sprintf("10.244.%d.%d", i/250, i%250), "startTime": "2026-11-23T09:00:00Z",
		"conditions": []any{
			map[string]any{"type": "Ready", "status": "True", "lastProbeTime": nil, "lastTransitionTime": "2026-11-23T09:00:05Z"},
		},
		"containerStatuses": []any{map[string]any{"name": "web", "ready": true, "restartCount": int64(i % 3), "started": true, "containerID": fmt.Sprintf("containerd://%064x", i), "state": map[string]any{"running": map[string]any{"startedAt": "2026-11-23T09:00:04Z"}}}},
		"ratio":             0.25 + float64(i),
	}
	return mustJSON(t, pod)
}

// serverConfigMap returns configmap i with about 1 KB of data of its own.
func serverConfigMap(t testing.TB, i int) []byte {
	t.Helper()
	var props strings.Builder
	for n := range 16 {
		fmt.Fprintf(&props, "key.%02d=%08x-%d\n", n, uint32(i*2654435761+n), i)
	}
	cm := map[string]any{
		"kind": "ConfigMap", "apiVersion": "v1",
		"metadata": map[string]any{
			"name": fmt.Sprintf("settings-%05d", i), "namespace": "bench", "uid": fmt.Sprintf("2c9e1f7a-0000-4000-8000-%012d", i),
			"resourceVersion": fmt.Sprint(300000 + i), "creationTimestamp": "2026-11-23T09:00:00Z",
			"labels":        map[string]any{"app": "web", "shard": fmt.Sprint(i % 16)},
			"managedFields": []any{map[string]any{"manager": "kubectl", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:data": map[string]any{".": map[string]any{}}}}},
		},
		"data": map[string]any{"app.properties": props.String(), "replica": fmt.Sprint(i), "escaped \"\u00e9\"": "line\nbreak\t\u2028"},
	}
	return mustJSON(t, cm)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// longStrings returns object i with long string values, stored compressed
// or not: a shell script and a properties file (which compress), a
// certificate of random bytes and random binary (which do not save a
// quarter), values of 255 and 256 bytes either side of the threshold, a
// long escaped value, and long label and annotation values (read in
// place).
func longStrings(t testing.TB, i int) []byte {
	t.Helper()
	rnd := rand.New(rand.NewPCG(uint64(i), 7))
	random := make([]byte, 900)
	for n := range random {
		random[n] = byte(rnd.Uint32())
	}
	var script strings.Builder
	for n := range 30 {
		fmt.Fprintf(&script, "if [ -f /etc/app/conf.d/%02d-%d.conf ]; then\n  . /etc/app/conf.d/%02d-%d.conf\nfi\n", n, i, n, i)
	}
	cert := "-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString(random) + "\n-----END CERTIFICATE-----\n"
	obj := map[string]any{
		"kind": "ConfigMap", "apiVersion": "v1",
		"metadata": map[string]any{
			"name": fmt.Sprintf("long-%d", i), "namespace": "bench", "resourceVersion": fmt.Sprint(i),
			"labels":      map[string]any{"long": strings.Repeat("ab", 150+i)},
			"annotations": map[string]any{"kubectl.kubernetes.io/last-applied-configuration": strings.Repeat(`{"a":"b"},`, 40+i)},
		},
		"data": map[string]any{
			"run.sh": script.String(), "tls.crt": cert, "random": string(random),
			"edge255": strings.Repeat("x", 255), "edge256": strings.Repeat("y", 256),
			"escaped": strings.Repeat("é\"\\\n\t\u2028\U0001F600", 60),
		},
		"binaryData": map[string]any{"blob": base64.StdEncoding.EncodeToString(random)},
	}
	return mustJSON(t, obj)
}
