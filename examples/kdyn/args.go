package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
)

// resourceArgs is a command line's resources, read as kubectl reads
// "RESOURCE[,RESOURCE...] [NAME...]" or "TYPE/NAME [TYPE/NAME...]".
type resourceArgs struct {
	// Resources is the comma list of the first form ("" in the second).
	Resources string
	// Names are the names of the first form.
	Names []string
	// Pairs are the TYPE/NAME arguments of the second form.
	Pairs []typeName
}

// named reports whether the arguments name objects (either form), rather
// than only resources.
func (ra resourceArgs) named() bool { return len(ra.Names) > 0 || len(ra.Pairs) > 0 }

type typeName struct{ Type, Name string }

// parseResourceArgs splits args without consulting the server, with
// kubectl's messages for the mistakes it refuses.
func parseResourceArgs(args []string) (resourceArgs, error) {
	if len(args) == 0 {
		return resourceArgs{}, errors.New("you must specify the type of resource to get. Use \"kdyn api-resources\" for a complete list of supported resources")
	}
	slashed := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashed++
		}
	}
	if slashed == 0 {
		if args[0] == "" || strings.HasPrefix(args[0], ",") || strings.HasSuffix(args[0], ",") {
			return resourceArgs{}, fmt.Errorf("invalid resource %q", args[0])
		}
		return resourceArgs{Resources: args[0], Names: args[1:]}, nil
	}
	if slashed != len(args) {
		return resourceArgs{}, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kdyn get resource/<resource_name>' instead of 'kdyn get resource resource/<resource_name>')")
	}
	var out resourceArgs
	for _, a := range args {
		t, n, _ := strings.Cut(a, "/")
		if t == "" || n == "" || strings.Contains(n, "/") {
			return resourceArgs{}, fmt.Errorf("arguments in resource/name form must have a single resource and name: %q", a)
		}
		out.Pairs = append(out.Pairs, typeName{Type: t, Name: n})
	}
	return out, nil
}

// target is one request: a resource, and a name or none (a list).
type target struct {
	mapping *meta.RESTMapping
	name    string
}

// resolveTargets maps parsed arguments to requests, resource-major as
// kubectl orders them. With names there must be one resource.
func (s *session) resolveTargets(ctx context.Context, ra resourceArgs) ([]target, error) {
	var out []target
	if len(ra.Pairs) > 0 {
		for _, p := range ra.Pairs {
			m, err := s.mapper.Resolve(ctx, p.Type)
			if err != nil {
				return nil, mappingError(p.Type, err)
			}
			out = append(out, target{mapping: m, name: p.Name})
		}
		return out, nil
	}
	ms, err := s.mapper.ResolveAll(ctx, ra.Resources)
	if err != nil {
		return nil, mappingError(ra.Resources, err)
	}
	if len(ra.Names) == 0 {
		for _, m := range ms {
			out = append(out, target{mapping: m})
		}
		return out, nil
	}
	if len(ms) > 1 {
		return nil, errors.New("you must specify only one resource")
	}
	for _, n := range ra.Names {
		out = append(out, target{mapping: ms[0], name: n})
	}
	return out, nil
}

// mappingError words a failed resource lookup as kubectl does.
func mappingError(arg string, err error) error {
	if meta.IsNoMatchError(err) {
		return fmt.Errorf("the server doesn't have a resource type %q", arg)
	}
	return fmt.Errorf("resolve resource %q: %w", arg, err)
}
