package patch

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randomWidget returns a random valid Widget: map-list items with unique
// keys, set values unique, as the server would store them.
func randomWidget(r *rand.Rand) map[string]any {
	spec := map[string]any{}
	pick := func(n int) []int { return r.Perm(n)[:r.IntN(n+1)] }
	if r.IntN(4) > 0 {
		ports := []any{}
		for _, i := range pick(4) {
			p := map[string]any{"name": fmt.Sprint("p", i), "port": float64(r.IntN(3))}
			if r.IntN(2) == 0 {
				p["protocol"] = []string{"TCP", "UDP"}[r.IntN(2)]
			}
			ports = append(ports, p)
		}
		spec["ports"] = ports
	}
	if r.IntN(4) > 0 {
		routes := []any{}
		for _, i := range pick(4) {
			rt := map[string]any{"host": []string{"a", "b"}[i%2], "port": float64(i / 2)}
			if r.IntN(2) == 0 {
				rt["weight"] = float64(r.IntN(3))
			}
			routes = append(routes, rt)
		}
		spec["routes"] = routes
	}
	if r.IntN(4) > 0 {
		tags := []any{}
		for _, i := range pick(4) {
			tags = append(tags, fmt.Sprint("t", i))
		}
		spec["tags"] = tags
	}
	if r.IntN(4) > 0 {
		args := []any{}
		for range r.IntN(3) {
			args = append(args, fmt.Sprint("--", r.IntN(3)))
		}
		spec["args"] = args
	}
	if r.IntN(4) > 0 {
		cfg := map[string]any{}
		for _, i := range pick(3) {
			cfg[fmt.Sprint("k", i)] = fmt.Sprint(r.IntN(2))
		}
		spec["config"] = cfg
	}
	return map[string]any{"apiVersion": widgetGroup + "/v1", "kind": "Widget", "spec": spec}
}

// checkCustomRoundTrip checks that the custom-resource strategic merge
// patch computed from a to b turns a into b.
func checkCustomRoundTrip(t *testing.T, typ *Type, a, b map[string]any) {
	t.Helper()
	ad, bd := mustMarshal(t, a), mustMarshal(t, b)
	p, err := CreateStrategicMergePatch(ad, bd, typ, CreateOptions{})
	if err != nil {
		t.Fatalf("CreateStrategicMergePatch(%s, %s): %v", ad, bd, err)
	}
	got, err := Apply(ad, p, typ)
	if err != nil {
		t.Fatalf("Apply(%s, %s): %v", ad, p.Data, err)
	}
	var gotV, want any
	_ = json.Unmarshal(got, &gotV)
	_ = json.Unmarshal(bd, &want)
	if diff := cmp.Diff(want, gotV); diff != "" {
		t.Errorf("patch %s from %s to %s (-want +got):\n%s", p.Data, ad, bd, diff)
	}
}

func TestCustomStrategicRoundTrip(t *testing.T) {
	typ := recordedType(t, gvkWidget)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 1000 {
		a, b := randomWidget(r), randomWidget(r)
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkCustomRoundTrip(t, typ, a, b) })
	}
}

func FuzzCustomStrategicRoundTrip(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(7), uint64(7))
	typ := recordedType(f, gvkWidget)
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		r := rand.New(rand.NewPCG(s1, s2))
		checkCustomRoundTrip(t, typ, randomWidget(r), randomWidget(r))
	})
}
