package compact

import (
	"fmt"
	"strings"
)

// ProjectionAnnotation is the annotation a projected object carries when it
// is turned into a tree: its value is the projection's paths, joined with
// ",", for example "spec.replicas,status.conditions". Anything that finds
// it knows the object is not whole.
const ProjectionAnnotation = "kubedyn.io/projection"

// ProjectedMetadata are the metadata fields a projection always keeps,
// besides apiVersion and kind.
var ProjectedMetadata = []string{
	"name", "namespace", "uid", "resourceVersion", "labels", "annotations",
	"ownerReferences", "generation", "deletionTimestamp", "finalizers",
}

// Options says what a Builder keeps of each object.
type Options struct {
	// KeepManagedFields keeps metadata.managedFields, which are dropped by
	// default.
	KeepManagedFields bool
	// Project, when not empty, keeps only apiVersion, kind, the metadata
	// fields in ProjectedMetadata and these field paths: dot-separated
	// object keys such as "spec.replicas" or "status.conditions" (a path
	// does not go into arrays). The value at a path is kept whole; the
	// objects on the way to it are kept even when the path ends in none of
	// their fields. Paths into metadata add to what it keeps.
	Project []string
	// UncompressedStrings stores every string value as it is. By default
	// each string value of 256 bytes or more (a config file, a script, a
	// certificate) is stored Huffman-coded when that saves at least a
	// quarter of it, and decoded on each read that includes it, at about
	// 2–3 ns per byte of string (see doc.go); building it costs a count
	// of its bytes and, when it is coded, a pass to code them. Set it
	// when the cache's long strings are read far more often than they
	// change and their memory does not matter.
	UncompressedStrings bool
}

// node says what to keep of an object's members: the members named in kids
// as their node says (a nil node drops the member), the others whole when
// rest is set, else not at all. A value that is not an object is kept whole
// when its node's rest is set and dropped otherwise.
type node struct {
	rest bool
	kids map[string]*node
}

var all = &node{rest: true}

// Plan is a compiled Options, shared by the Builders and objects that use it.
type Plan struct {
	root    *node
	project []string // the projection's paths, nil for whole objects
	joined  string   // project joined with ","
	pack    bool     // long strings are Huffman-coded (zip.go)
}

// NewPlan checks opts and compiles them. A path that is empty or has an
// empty segment ("spec..replicas", ".spec") is an error.
func NewPlan(opts Options) (*Plan, error) {
	if len(opts.Project) == 0 {
		md := &node{rest: true, kids: map[string]*node{}}
		if !opts.KeepManagedFields {
			md.kids["managedFields"] = nil
		}
		return &Plan{root: &node{rest: true, kids: map[string]*node{"metadata": md}}, pack: !opts.UncompressedStrings}, nil
	}
	md := &node{kids: map[string]*node{}}
	for _, f := range ProjectedMetadata {
		md.kids[f] = all
	}
	if opts.KeepManagedFields {
		md.kids["managedFields"] = all
	}
	root := &node{kids: map[string]*node{"apiVersion": all, "kind": all, "metadata": md}}
	for _, p := range opts.Project {
		if err := root.add(p); err != nil {
			return nil, err
		}
	}
	paths := append([]string(nil), opts.Project...)
	return &Plan{root: root, project: paths, joined: strings.Join(paths, ","), pack: !opts.UncompressedStrings}, nil
}

// add makes n keep the value at path p.
func (n *node) add(p string) error {
	segs := strings.Split(p, ".")
	for _, s := range segs {
		if s == "" {
			return fmt.Errorf("compact: projection path %q has an empty segment", p)
		}
	}
	for i, s := range segs {
		if n == all {
			return nil // an ancestor is already kept whole
		}
		if i == len(segs)-1 {
			n.kids[s] = all
			return nil
		}
		k, ok := n.kids[s]
		if !ok || k == nil {
			k = &node{kids: map[string]*node{}}
			n.kids[s] = k
		}
		n = k
	}
	return nil
}

// Projection returns the plan's paths, nil when it keeps whole objects.
func (p *Plan) Projection() []string { return p.project }

// child returns the node for member k of an object kept by n, or nil when
// the member is dropped.
func (n *node) child(k []byte) *node {
	if n.kids == nil {
		return all
	}
	c, ok := n.kids[string(k)]
	if !ok {
		if n.rest {
			return all
		}
		return nil
	}
	return c
}
