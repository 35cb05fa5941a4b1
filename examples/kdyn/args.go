package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
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
// kubectl's messages for the mistakes it refuses. Every argument is checked
// here, before the first request: an empty, blank or otherwise invalid name
// or resource fails the whole command line, so that a valid name beside an
// invalid one is not acted on either.
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
		if err := validateResourceList(args[0]); err != nil {
			return resourceArgs{}, err
		}
		for _, n := range args[1:] {
			if err := validateName(n); err != nil {
				return resourceArgs{}, err
			}
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
		if strings.TrimSpace(t) == "" {
			return resourceArgs{}, fmt.Errorf("invalid resource %q in %q", t, a)
		}
		if err := validateName(n); err != nil {
			return resourceArgs{}, err
		}
		out.Pairs = append(out.Pairs, typeName{Type: t, Name: n})
	}
	return out, nil
}

// validateResourceList refuses a resource list with an empty or blank
// entry ("", " ", "cm,", "cm,,secrets").
func validateResourceList(list string) error {
	for _, r := range strings.Split(list, ",") {
		if strings.TrimSpace(r) == "" {
			return fmt.Errorf("invalid resource %q", list)
		}
	}
	return nil
}

// validateName refuses what cannot be one object's name, as kubectl's
// resource builder does: an empty name (kubectl's message), a blank one,
// and what apimachinery's path-segment rules refuse ("." and "..", a "/"
// or "%"). The server may refuse more (most kinds need a DNS subdomain);
// these are the names that could be read as something other than one
// object.
func validateName(name string) error {
	if name == "" {
		return errors.New("resource name may not be empty")
	}
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("resource name may not be blank: %q", name)
	}
	if msgs := path.IsValidPathSegmentName(name); len(msgs) > 0 {
		return fmt.Errorf("invalid resource name %q: %s", name, strings.Join(msgs, "; "))
	}
	return nil
}

// validateSelector refuses a label or field selector that was given but is
// blank (the server reads spaces as "every object") or that does not parse.
// An empty selector is no selector; commands that need one say so.
func validateSelector(flag, sel string, parse func(string) error) error {
	if sel == "" {
		return nil
	}
	if strings.TrimSpace(sel) == "" {
		return fmt.Errorf("%s may not be blank: %q (it would select every object)", flag, sel)
	}
	if err := parse(sel); err != nil {
		return fmt.Errorf("invalid %s %q: %w", flag, sel, err)
	}
	return nil
}

// labelSelector and fieldSelector parse a selector only to check it.
func labelSelector(s string) error { _, err := labels.Parse(s); return err }
func fieldSelector(s string) error { _, err := fields.ParseSelector(s); return err }

// target is one request: one named object, or the whole collection (every
// object the command's selectors pick). The two are apart so that no value
// of name can stand for "all of them".
type target struct {
	mapping *meta.RESTMapping
	// name is the object's name when !collection, checked by validateName.
	name string
	// collection says the target is every object of the resource that
	// the selectors pick; name is then unused.
	collection bool
}

// objectTarget is the target of one named object.
func objectTarget(m *meta.RESTMapping, name string) (target, error) {
	if err := validateName(name); err != nil {
		return target{}, err
	}
	return target{mapping: m, name: name}, nil
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
			tg, err := objectTarget(m, p.Name)
			if err != nil {
				return nil, err
			}
			out = append(out, tg)
		}
		return out, nil
	}
	ms, err := s.mapper.ResolveAll(ctx, ra.Resources)
	if err != nil {
		return nil, mappingError(ra.Resources, err)
	}
	if len(ra.Names) == 0 {
		for _, m := range ms {
			out = append(out, target{mapping: m, collection: true})
		}
		return out, nil
	}
	if len(ms) > 1 {
		return nil, errors.New("you must specify only one resource")
	}
	for _, n := range ra.Names {
		tg, err := objectTarget(ms[0], n)
		if err != nil {
			return nil, err
		}
		out = append(out, tg)
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
