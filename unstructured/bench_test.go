package unstructured

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	k8su "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

func k8sEncode(b *bytes.Buffer, obj runtime.Unstructured) error {
	return k8su.UnstructuredJSONScheme.Encode(obj, b)
}

// benchPod is a realistic pod as the server returns it in a list (no
// apiVersion/kind), with managedFields and status.
const benchPod = `{"metadata":{"name":"web-NAME","generateName":"web-7c9f8d6b5-","namespace":"default","uid":"3f2b8c1e-9a4d-4e7b-8c2a-NAME","resourceVersion":"RV","creationTimestamp":"2026-11-23T10:00:00Z","labels":{"app":"web","pod-template-hash":"7c9f8d6b5","tier":"frontend"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-20T09:00:00Z"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7c9f8d6b5","uid":"a1b2c3d4-0000-4000-8000-000000000001","controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2026-11-23T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{},"f:tier":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"a1b2c3d4-0000-4000-8000-000000000001\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}},{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-11-23T10:00:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:containerStatuses":{},"f:hostIP":{},"f:phase":{},"f:podIP":{},"f:podIPs":{".":{},"k:{\"ip\":\"10.244.1.NAME\"}":{".":{},"f:ip":{}}},"f:startTime":{}}},"subresource":"status"}]},"spec":{"volumes":[{"name":"kube-api-access-x7k2p","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}],"containers":[{"name":"nginx","image":"nginx:1.27.3","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"volumeMounts":[{"name":"kube-api-access-x7k2p","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"node-3","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-23T10:00:05Z"}],"hostIP":"192.168.1.3","podIP":"10.244.1.NAME","podIPs":[{"ip":"10.244.1.NAME"}],"startTime":"2026-11-23T10:00:00Z","containerStatuses":[{"name":"nginx","state":{"running":{"startedAt":"2026-11-23T10:00:04Z"}},"lastState":{},"ready":true,"restartCount":0,"image":"docker.io/library/nginx:1.27.3","imageID":"docker.io/library/nginx@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a","containerID":"containerd://4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d","started":true}],"qosClass":"Burstable"}}`

// podList synthesizes a PodList of n pods in the server's shape.
func podList(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"123456"},"items":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		p := strings.ReplaceAll(benchPod, "NAME", fmt.Sprint(i))
		b.WriteString(strings.ReplaceAll(p, "RV", fmt.Sprint(100000+i)))
	}
	b.WriteString("]}")
	return b.Bytes()
}

func BenchmarkDecodePodList(b *testing.B) {
	data := podList(1000)
	b.Run("kubedyn", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kubedyn-stream", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			n := 0
			if _, err := NewDecoder(bytes.NewReader(data)).DecodeListFunc(func(*k8su.Unstructured) error { n++; return nil }); err != nil || n != 1000 {
				b.Fatal(err, n)
			}
		}
	})
	b.Run("apimachinery", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := reference(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMarshalPod(b *testing.B) {
	obj, err := Decode(bytes.NewReader(podList(1)))
	if err != nil {
		b.Fatal(err)
	}
	item := &obj.(*k8su.UnstructuredList).Items[0]
	b.Run("kubedyn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Marshal(item); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("apimachinery", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			if err := k8sEncode(&buf, item); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPodListDecodes keeps the benchmark data honest.
func TestPodListDecodes(t *testing.T) {
	data := podList(3)
	checkSame(t, data, bytes.NewReader(data))
}
