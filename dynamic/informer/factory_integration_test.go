package informer

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubedyn/kubedyn/test/cluster"
)

// TestIntegrationFactoryShares gives three consumers of ConfigMaps, one of
// PodTemplates and two of ConfigMaps' metadata one informer each, so one
// initial request and one watch per resource and view, all of which see
// the same changes.
func TestIntegrationFactoryShares(t *testing.T) {
	env := cluster.Get(t)
	ctx, cancel := waitTimeout()
	defer cancel()
	ns := env.Namespace(t)
	c, wire, _ := testClient(t, env, false)
	cms := c.Resource(configMapsGVR).Namespace(ns)
	if _, err := cms.Create(ctx, configMap(ns, "before", map[string]string{"app": "web"}, nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	f := NewFactory(c, FactoryOptions{Namespace: ns, Options: Options[*unstructured.Unstructured]{Lean: true}, MetadataOptions: Options[*metav1.PartialObjectMetadata]{Lean: true}})
	var logs []*changeLog
	for range 3 {
		l := &changeLog{per: map[string][]change{}}
		f.ForResource(configMapsGVR).AddHandler(l.handler())
		logs = append(logs, l)
	}
	f.ForResource(podTemplatesGVR)
	meta := f.ForMetadata(configMapsGVR)
	if f.ForMetadata(configMapsGVR) != meta || f.ForResource(configMapsGVR) != f.ForResource(configMapsGVR) {
		t.Fatal("the factory made two informers for one resource")
	}
	var metaSeen []string
	metaDone := make(chan struct{})
	var once sync.Once
	meta.AddHandler(HandlerFuncs[*metav1.PartialObjectMetadata]{UpdateFunc: func(_, m *metav1.PartialObjectMetadata) {
		if m.Name == "before" && m.Labels["app"] == "api" {
			once.Do(func() {
				metaSeen = append(metaSeen, m.Kind, m.Labels["app"])
				close(metaDone)
			})
		}
	}})
	f.Start(ctx)
	t.Cleanup(f.Shutdown)
	if err := f.WaitForCacheSync(ctx); err != nil {
		t.Fatal(err)
	}
	// A consumer that comes after Start shares the running informer.
	late := &changeLog{per: map[string][]change{}}
	f.ForResource(configMapsGVR).AddHandler(late.handler())
	logs = append(logs, late)

	created, err := cms.Create(ctx, configMap(ns, "after", nil, nil), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before, err := cms.Get(ctx, "before", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before.SetLabels(map[string]string{"app": "api"})
	if _, err := cms.Update(ctx, before, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	for n, l := range logs {
		eventually(t, "every consumer to see the new ConfigMap", func() bool { return len(l.get(ns+"/after")) == 1 })
		if got := l.get(ns + "/after"); got[0] != (change{"add", created.GetResourceVersion()}) {
			t.Errorf("consumer %d saw %v, want one add at %s", n, got, created.GetResourceVersion())
		}
	}
	select {
	case <-metaDone:
	case <-ctx.Done():
		t.Fatal("the metadata informer never saw the label change")
	}
	if d := cmp.Diff([]string{"PartialObjectMetadata", "api"}, metaSeen); d != "" {
		t.Errorf("metadata update (-want +got):\n%s", d)
	}
	m, ok := meta.Lister().Namespace(ns).Get("before")
	if !ok || m.ManagedFields != nil {
		t.Errorf("metadata cache: %v, %v; want the object without managedFields (lean)", m, ok)
	}
	if got := meta.Lister().List(labels.SelectorFromSet(labels.Set{"app": "api"})); len(got) != 1 {
		t.Errorf("metadata lister by label found %d objects, want 1", len(got))
	}

	counts := map[string]int{}
	for _, kind := range []string{"configmaps", "configmaps (metadata)", "podtemplates"} {
		path, view := "/api/v1/namespaces/"+ns+"/"+kind, ""
		if kind == "configmaps (metadata)" {
			path, view = "/api/v1/namespaces/"+ns+"/configmaps", " (metadata)"
		}
		// A server without streaming lists (1.29 by default) refuses the
		// first stream, once; the informer then lists and watches.
		refused := wire.count("refused stream " + path + view)
		if refused > 1 {
			t.Errorf("%s: %d refused streaming lists, want at most one (then List)", kind, refused)
		}
		streams := wire.count("stream "+path+view) - refused
		counts[kind+" initial"] = streams + wire.count("list "+path+view)
		counts[kind+" watch"] = streams + wire.count("watch "+path+view)
	}
	want := map[string]int{
		"configmaps initial": 1, "configmaps watch": 1,
		"configmaps (metadata) initial": 1, "configmaps (metadata) watch": 1,
		"podtemplates initial": 1, "podtemplates watch": 1,
	}
	if d := cmp.Diff(want, counts); d != "" {
		t.Errorf("requests per resource (-want +got):\n%s\nall requests: %v", d, wire.all())
	}
}
