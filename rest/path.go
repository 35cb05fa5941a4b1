package rest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ResourcePath names a resource, a collection or a subresource on the API
// server. Build turns it into the absolute URL path; it does no I/O.
//
//	ResourcePath{Group: "apps", Version: "v1", Namespace: "ns", Resource: "deployments", Name: "web", Subresource: []string{"scale"}}
//	→ /apis/apps/v1/namespaces/ns/deployments/web/scale
type ResourcePath struct {
	Group, Version string   // "" group is the core group ("/api/v1")
	Namespace      string   // "" = cluster-scoped resource, or all namespaces
	Resource       string   // plural resource name, e.g. "deployments"; "" = the group version itself
	Name           string   // object name; "" = the collection
	Subresource    []string // path segments after the name, e.g. {"status"}, {"scale"}
}

// ErrInvalidName is wrapped by every error [ValidateName], [ValidateNamespace]
// and [ResourcePath.Build] return, so errors.Is(err, ErrInvalidName) tells bad
// input apart from server errors.
var ErrInvalidName = errors.New("invalid name")

// Build validates p and returns its absolute URL path, unescaped (the client
// escapes it when sending). Every name and namespace is checked with
// [ValidateName] and [ValidateNamespace], so a user-supplied name can never
// climb out of its collection ("..", "a/b", "%2F").
func (p ResourcePath) Build() (string, error) {
	if p.Version == "" {
		return "", fmt.Errorf("build path for %s: %w: empty API version", p.describe(), ErrInvalidName)
	}
	if err := validateSegment("API group", p.Group, true); err != nil {
		return "", fmt.Errorf("build path for %s: %w", p.describe(), err)
	}
	if err := validateSegment("API version", p.Version, false); err != nil {
		return "", fmt.Errorf("build path for %s: %w", p.describe(), err)
	}
	if p.Resource == "" && (p.Namespace != "" || p.Name != "" || len(p.Subresource) > 0) {
		return "", fmt.Errorf("build path for %s: %w: empty resource", p.describe(), ErrInvalidName)
	}
	if err := p.validateParts(); err != nil {
		return "", fmt.Errorf("build path for %s: %w", p.describe(), err)
	}
	var b strings.Builder
	b.Grow(len(p.Group) + len(p.Version) + len(p.Namespace) + len(p.Resource) + len(p.Name) + 32)
	writeGroupVersion(&b, p.Group, p.Version)
	if p.Namespace != "" {
		b.WriteString("/namespaces/")
		b.WriteString(p.Namespace)
	}
	if p.Resource != "" {
		b.WriteByte('/')
		b.WriteString(p.Resource)
	}
	if p.Name != "" {
		b.WriteByte('/')
		b.WriteString(p.Name)
	}
	for _, s := range p.Subresource {
		b.WriteByte('/')
		b.WriteString(s)
	}
	return b.String(), nil
}

func (p ResourcePath) validateParts() error {
	if p.Namespace != "" {
		if err := ValidateNamespace(p.Namespace); err != nil {
			return err
		}
		if p.Resource == "namespaces" {
			return fmt.Errorf("%w: namespace %q given for the cluster-scoped resource \"namespaces\"", ErrInvalidName, p.Namespace)
		}
	}
	if p.Resource != "" {
		if err := validateSegment("resource", p.Resource, false); err != nil {
			return err
		}
	}
	if p.Name != "" {
		if err := ValidateName(p.Name); err != nil {
			return err
		}
	}
	if len(p.Subresource) > 0 && p.Name == "" {
		return fmt.Errorf("%w: subresource %q needs an object name", ErrInvalidName, strings.Join(p.Subresource, "/"))
	}
	for _, s := range p.Subresource {
		if err := validateSegment("subresource", s, false); err != nil {
			return err
		}
	}
	return nil
}

// describe names p for error messages, e.g. "deployments.apps/web in namespace ns".
func (p ResourcePath) describe() string {
	var b strings.Builder
	b.WriteString(strconv.Quote(p.Resource))
	if p.Group != "" {
		fmt.Fprintf(&b, " (group %q, version %q)", p.Group, p.Version)
	} else {
		fmt.Fprintf(&b, " (version %q)", p.Version)
	}
	if p.Name != "" {
		fmt.Fprintf(&b, " name %q", p.Name)
	}
	if p.Namespace != "" {
		fmt.Fprintf(&b, " in namespace %q", p.Namespace)
	}
	return b.String()
}

// GroupVersionPath returns the discovery path of a group version: "/api/v1"
// for the core group ("" or "core" is not special: only "" is core), else
// "/apis/GROUP/VERSION". It does not validate; [ResourcePath.Build] does.
func GroupVersionPath(group, version string) string {
	var b strings.Builder
	writeGroupVersion(&b, group, version)
	return b.String()
}

func writeGroupVersion(b *strings.Builder, group, version string) {
	if group == "" {
		b.WriteString("/api/")
	} else {
		b.WriteString("/apis/")
		b.WriteString(group)
		b.WriteByte('/')
	}
	b.WriteString(version)
}

// ValidateName reports whether name can be used as an object name in a URL
// path: it must not be empty, "." or "..", and must not contain "/" or "%".
// These are the API server's own path-segment rules; the server may apply
// stricter rules per resource (most require DNS subdomains).
func ValidateName(name string) error {
	return validateSegment("name", name, false)
}

// ValidateNamespace reports whether ns is a valid namespace name: a non-empty
// DNS-1123 label (at most 63 characters of a-z, 0-9 and "-", starting and
// ending with a letter or digit), which excludes ".", "..", "/" and "%".
func ValidateNamespace(ns string) error {
	if err := validateSegment("namespace", ns, false); err != nil {
		return err
	}
	if len(ns) > 63 {
		return fmt.Errorf("%w: namespace %q is longer than 63 characters", ErrInvalidName, ns)
	}
	for i := 0; i < len(ns); i++ {
		c := ns[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (c != '-' || i == 0 || i == len(ns)-1) {
			return fmt.Errorf("%w: namespace %q must consist of lower case letters, digits and '-', and start and end with a letter or digit", ErrInvalidName, ns)
		}
	}
	return nil
}

// validateSegment applies the API server's path segment rules to one value.
func validateSegment(what, s string, emptyOK bool) error {
	switch {
	case s == "" && emptyOK:
		return nil
	case s == "":
		return fmt.Errorf("%w: empty %s", ErrInvalidName, what)
	case s == "." || s == "..":
		return fmt.Errorf("%w: %s may not be %q", ErrInvalidName, what, s)
	}
	if i := strings.IndexAny(s, "/%"); i >= 0 {
		return fmt.Errorf("%w: %s %q may not contain %q", ErrInvalidName, what, s, s[i:i+1])
	}
	return nil
}
