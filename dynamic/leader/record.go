package leader

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// MicroTimeFormat is the wire format of a Lease's acquireTime and
// renewTime (metav1.MicroTime): RFC 3339 with microseconds.
const MicroTimeFormat = "2006-01-02T15:04:05.000000Z07:00"

// Record is the election state a Lease's spec holds.
type Record struct {
	// HolderIdentity is the current leader's identity ("" when released).
	HolderIdentity string
	// LeaseDurationSeconds is how long candidates wait, after they last
	// saw the lease change, before they take it over.
	LeaseDurationSeconds int32
	// AcquireTime is when the current holder acquired the lease.
	AcquireTime time.Time
	// RenewTime is when the current holder last renewed it.
	RenewTime time.Time
	// LeaseTransitions counts changes of holder.
	LeaseTransitions int32
}

// ParseRecord reads the election fields of a Lease's spec. Missing fields
// are zero; a field of the wrong type or a time not in RFC 3339 is an error
// naming the field.
func ParseRecord(lease *unstructured.Unstructured) (Record, error) {
	var r Record
	spec, ok := lease.Object["spec"]
	if !ok || spec == nil {
		return r, nil
	}
	m, ok := spec.(map[string]any)
	if !ok {
		return r, fmt.Errorf("lease %s: spec is a %T, not an object", leaseName(lease), spec)
	}
	var errs []string
	if v, ok := m["holderIdentity"]; ok && v != nil {
		if s, ok := v.(string); ok {
			r.HolderIdentity = s
		} else {
			errs = append(errs, fmt.Sprintf("holderIdentity is a %T, not a string", v))
		}
	}
	var err error
	if r.LeaseDurationSeconds, err = int32Field(m, "leaseDurationSeconds"); err != nil {
		errs = append(errs, err.Error())
	}
	if r.LeaseTransitions, err = int32Field(m, "leaseTransitions"); err != nil {
		errs = append(errs, err.Error())
	}
	if r.AcquireTime, err = timeField(m, "acquireTime"); err != nil {
		errs = append(errs, err.Error())
	}
	if r.RenewTime, err = timeField(m, "renewTime"); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return Record{}, fmt.Errorf("lease %s: %s", leaseName(lease), strings.Join(errs, "; "))
	}
	return r, nil
}

func leaseName(u *unstructured.Unstructured) string {
	if ns := u.GetNamespace(); ns != "" {
		return ns + "/" + u.GetName()
	}
	return u.GetName()
}

func int32Field(m map[string]any, name string) (int32, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return 0, nil
	}
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int32:
		n = int64(x)
	case int:
		n = int64(x)
	case float64:
		if x != float64(int64(x)) {
			return 0, fmt.Errorf("%s is %v, not an integer", name, x)
		}
		n = int64(x)
	default:
		return 0, fmt.Errorf("%s is a %T, not an integer", name, v)
	}
	if n < -1<<31 || n > 1<<31-1 {
		return 0, fmt.Errorf("%s is %d, out of int32 range", name, n)
	}
	return int32(n), nil
}

func timeField(m map[string]any, name string) (time.Time, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return time.Time{}, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%s is a %T, not a string", name, v)
	}
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time", name, s)
	}
	return t, nil
}

// apply writes r into lease's spec, leaving other spec fields (such as
// strategy or preferredHolder) as they are. Times are written in
// MicroTimeFormat, in UTC; zero times are removed.
func (r Record) apply(lease *unstructured.Unstructured) {
	spec, _ := lease.Object["spec"].(map[string]any)
	if spec == nil {
		spec = map[string]any{}
		lease.Object["spec"] = spec
	}
	spec["holderIdentity"] = r.HolderIdentity
	spec["leaseDurationSeconds"] = int64(r.LeaseDurationSeconds)
	spec["leaseTransitions"] = int64(r.LeaseTransitions)
	setTime(spec, "acquireTime", r.AcquireTime)
	setTime(spec, "renewTime", r.RenewTime)
}

func setTime(spec map[string]any, name string, t time.Time) {
	if t.IsZero() {
		delete(spec, name)
		return
	}
	spec[name] = t.UTC().Format(MicroTimeFormat)
}

// truncate returns r with times at the precision the server stores
// (microseconds), so a record compares equal to what a read returns.
func (r Record) truncate() Record {
	r.AcquireTime = r.AcquireTime.Truncate(time.Microsecond).UTC()
	r.RenewTime = r.RenewTime.Truncate(time.Microsecond).UTC()
	return r
}
