package memserver

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// builtinDefaults are the few type-specific defaults of built-ins that
// memserver copies from kube-apiserver (SetDefaults_* in k8s.io/kubernetes),
// because tests look at them most: Deployments and pod specs. Other
// built-ins get no type-specific defaults.
var builtinDefaults = map[schema.GroupResource]func(object){
	{Group: "apps", Resource: "deployments"}: defaultDeployment,
	{Resource: "pods"}:                       func(o object) { defaultPodSpec(child(o, "spec")) },
	{Resource: "podtemplates"}:               func(o object) { defaultPodSpec(child(child(o, "template"), "spec")) },
}

// child returns o[k] as an object, nil when absent or not an object.
func child(o object, k string) object {
	if o == nil {
		return nil
	}
	c, _ := o[k].(object)
	return c
}

func setDefault(o object, k string, v any) {
	if o == nil {
		return
	}
	if _, ok := o[k]; !ok {
		o[k] = v
	}
}

func defaultDeployment(o object) {
	spec := child(o, "spec")
	if spec == nil {
		return
	}
	setDefault(spec, "replicas", int64(1))
	setDefault(spec, "revisionHistoryLimit", int64(10))
	setDefault(spec, "progressDeadlineSeconds", int64(600))
	setDefault(spec, "strategy", object{})
	strategy := child(spec, "strategy")
	setDefault(strategy, "type", "RollingUpdate")
	if strategy["type"] == "RollingUpdate" {
		setDefault(strategy, "rollingUpdate", object{})
		ru := child(strategy, "rollingUpdate")
		setDefault(ru, "maxUnavailable", "25%")
		setDefault(ru, "maxSurge", "25%")
	}
	defaultPodSpec(child(child(spec, "template"), "spec"))
}

func defaultPodSpec(spec object) {
	if spec == nil {
		return
	}
	setDefault(spec, "dnsPolicy", "ClusterFirst")
	setDefault(spec, "restartPolicy", "Always")
	setDefault(spec, "schedulerName", "default-scheduler")
	setDefault(spec, "securityContext", object{})
	setDefault(spec, "terminationGracePeriodSeconds", int64(30))
	for _, key := range []string{"initContainers", "containers"} {
		cs, _ := spec[key].([]any)
		for _, c := range cs {
			if cm, ok := c.(object); ok {
				defaultContainer(cm)
			}
		}
	}
}

func defaultContainer(c object) {
	if c == nil {
		return
	}
	image, _ := c["image"].(string)
	policy := "IfNotPresent"
	if tag := imageTag(image); tag == "" || tag == "latest" {
		policy = "Always"
	}
	setDefault(c, "imagePullPolicy", policy)
	setDefault(c, "resources", object{})
	setDefault(c, "terminationMessagePath", "/dev/termination-log")
	setDefault(c, "terminationMessagePolicy", "File")
	ports, _ := c["ports"].([]any)
	for _, p := range ports {
		if pm, ok := p.(object); ok {
			setDefault(pm, "protocol", "TCP")
		}
	}
}

// imageTag is the tag of an image reference ("" without one; digests
// count as a tag).
func imageTag(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		return image[i+1:]
	}
	name := image[strings.LastIndex(image, "/")+1:]
	if i := strings.LastIndex(name, ":"); i >= 0 {
		return name[i+1:]
	}
	return ""
}

// applyBuiltinDefaults sets the type-specific defaults memserver knows.
func applyBuiltinDefaults(res *resource, obj object) {
	if res.crd != nil {
		return
	}
	if f := builtinDefaults[res.groupResource()]; f != nil {
		f(obj)
	}
}

// typeDefaulter is the field manager's defaulter: after an apply merges,
// the result gets the type's defaults, which then belong to no manager.
type typeDefaulter struct {
	s   *Server
	res *resource
}

func (d typeDefaulter) Default(obj runtime.Object) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return
	}
	if d.res.crd != nil {
		s, models := d.s.kindSchema(d.res)
		if s != nil {
			w := &schemaWalker{models: models, deflt: true}
			w.walkRoot(u.Object, s, models[objectMetaModel])
		}
		return
	}
	applyBuiltinDefaults(d.res, u.Object)
}
