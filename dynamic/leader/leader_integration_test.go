package leader

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedyn/kubedyn/dynamic"
	"github.com/kubedyn/kubedyn/rest"
	"github.com/kubedyn/kubedyn/test/cluster"
	"github.com/kubedyn/kubedyn/test/faultproxy"
)

// guard bounds every wait for something the election must do; reaching it
// fails the test (it is a hang detector, not a speed target).
const guard = 60 * time.Second

func adminClient(t testing.TB, env *cluster.Env) *dynamic.Client {
	t.Helper()
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: cluster.AdminContext})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// arena is one election with candidates that share a count of how many
// believe they lead at once.
type arena struct {
	t       *testing.T
	c       *dynamic.Client
	ns      string
	leading atomic.Int32 // candidates inside OnStartedLeading
	maxLead atomic.Int32 // the most at once
}

type candidate struct {
	id      string
	el      *Elector
	cancel  context.CancelFunc
	done    chan struct{} // closed when Run has returned
	err     error         // Run's result, once done is closed
	started chan struct{} // closed when it starts leading
	stopped atomic.Bool   // OnStoppedLeading was called

	mu      sync.Mutex // guards leaders
	leaders []string   // OnNewLeader calls
}

func newArena(t *testing.T) *arena {
	env := cluster.Get(t)
	return &arena{t: t, c: adminClient(t, env), ns: env.Namespace(t)}
}

func (a *arena) start(id string, release bool) *candidate {
	a.t.Helper()
	return a.startOn(id, release, a.c, 3*time.Second)
}

// startOn starts a candidate that talks to the server through c, with
// lease duration ld (RenewDeadline 2s, RetryPeriod 200ms).
func (a *arena) startOn(id string, release bool, c *dynamic.Client, ld time.Duration) *candidate {
	a.t.Helper()
	cd := &candidate{id: id, done: make(chan struct{}), started: make(chan struct{})}
	el, err := New(Config{
		Client: c, Namespace: a.ns, Name: "ctl", Identity: id,
		LeaseDuration: ld, RenewDeadline: 2 * time.Second, RetryPeriod: 200 * time.Millisecond,
		ReleaseOnCancel: release,
		Callbacks: Callbacks{
			OnStartedLeading: func(ctx context.Context) {
				n := a.leading.Add(1)
				for m := a.maxLead.Load(); n > m && !a.maxLead.CompareAndSwap(m, n); m = a.maxLead.Load() {
				}
				close(cd.started)
				<-ctx.Done()
				a.leading.Add(-1)
			},
			OnStoppedLeading: func() { cd.stopped.Store(true) },
			OnNewLeader: func(who string) {
				cd.mu.Lock()
				cd.leaders = append(cd.leaders, who)
				cd.mu.Unlock()
			},
		},
	}, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	cd.el = el
	ctx, cancel := context.WithCancel(context.Background())
	cd.cancel = cancel
	go func() {
		cd.err = el.Run(ctx)
		close(cd.done)
	}()
	a.t.Cleanup(func() {
		cancel()
		<-cd.done
	})
	return cd
}

// first waits until one of cs leads and returns it and the others.
func (a *arena) first(cs ...*candidate) (*candidate, []*candidate) {
	a.t.Helper()
	cases := make(chan *candidate, len(cs))
	for _, c := range cs {
		go func() {
			select {
			case <-c.started:
				cases <- c
			case <-time.After(guard):
			}
		}()
	}
	select {
	case l := <-cases:
		var rest []*candidate
		for _, c := range cs {
			if c != l {
				rest = append(rest, c)
			}
		}
		return l, rest
	case <-time.After(guard):
		a.t.Fatal("no candidate became leader")
		return nil, nil
	}
}

func (a *arena) record() Record {
	a.t.Helper()
	u, err := a.c.Resource(Leases).Namespace(a.ns).Get(context.Background(), "ctl", metav1.GetOptions{})
	if err != nil {
		a.t.Fatal(err)
	}
	r, err := ParseRecord(u)
	if err != nil {
		a.t.Fatal(err)
	}
	return r
}

// renewals waits until the lease's renewTime has moved n times.
func (a *arena) renewals(n int) {
	a.t.Helper()
	last := a.record().RenewTime
	deadline := time.Now().Add(guard)
	for seen := 0; seen < n; {
		if time.Now().After(deadline) {
			a.t.Fatalf("the lease was renewed %d times, want %d", seen, n)
		}
		time.Sleep(50 * time.Millisecond)
		if r := a.record().RenewTime; !r.Equal(last) {
			seen++
			last = r
		}
	}
}

func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

func TestTwoCandidatesOneLeader(t *testing.T) {
	a := newArena(t)
	l, others := a.first(a.start("alpha", true), a.start("beta", true))
	f := others[0]
	a.renewals(3)
	r := a.record()
	got := []any{r.HolderIdentity, r.LeaseDurationSeconds, r.LeaseTransitions, l.el.IsLeader(), f.el.IsLeader(), f.el.Leader(), a.maxLead.Load()}
	want := []any{l.id, int32(3), int32(0), true, false, l.id, int32(1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("[holder, duration, transitions, leader leads, follower leads, follower sees, max leaders] (-want +got):\n%s", diff)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if diff := cmp.Diff([]string{l.id}, f.leaders); diff != "" {
		t.Errorf("follower's OnNewLeader calls (-want +got):\n%s", diff)
	}
}

func TestHandOverOnRelease(t *testing.T) {
	a := newArena(t)
	l, others := a.first(a.start("alpha", true), a.start("beta", true))
	f := others[0]
	before := a.record()
	l.cancel()
	wait(t, l.done, "the leader's Run to return")
	if l.err != nil {
		t.Fatalf("Run after cancel = %v, want nil", l.err)
	}
	released := a.record()
	wait(t, f.started, "the follower to lead")
	after := a.record()
	got := []any{l.stopped.Load(), released.HolderIdentity, after.HolderIdentity, after.LeaseTransitions, a.maxLead.Load(), after.AcquireTime.After(before.AcquireTime)}
	want := []any{true, "", f.id, before.LeaseTransitions + 1, int32(1), true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("[stopped, holder after release, new holder, transitions, max leaders, re-acquired] (-want +got):\n%s", diff)
	}
}

func TestHandOverOnExpiry(t *testing.T) {
	a := newArena(t)
	l, others := a.first(a.start("alpha", false), a.start("beta", false))
	f := others[0]
	a.renewals(1)
	l.cancel() // dies without releasing: no more renewals
	wait(t, l.done, "the leader's Run to return")
	if l.err != nil {
		t.Fatalf("Run after cancel = %v, want nil", l.err)
	}
	dead := a.record()
	wait(t, f.started, "the follower to take over")
	after := a.record()
	got := []any{dead.HolderIdentity, after.HolderIdentity, after.LeaseTransitions, a.maxLead.Load()}
	want := []any{l.id, f.id, dead.LeaseTransitions + 1, int32(1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("[holder when dead, new holder, transitions, max leaders] (-want +got):\n%s", diff)
	}
	// Safety, not speed: the take-over came no sooner than a lease duration
	// after the dead leader's last renewal (1ms for the microsecond times).
	if gap := after.AcquireTime.Sub(dead.RenewTime); gap < 3*time.Second-time.Millisecond {
		t.Errorf("taken over %v after the last renewal, before the lease duration (3s)", gap)
	}
}

func TestLeaderLosesToAnIntruder(t *testing.T) {
	a := newArena(t)
	l, _ := a.first(a.start("alpha", true))
	h := a.c.Resource(Leases).Namespace(a.ns)
	u, err := h.Get(context.Background(), "ctl", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	Record{HolderIdentity: "intruder", LeaseDurationSeconds: 3600, AcquireTime: now, RenewTime: now, LeaseTransitions: 5}.apply(u)
	if _, err := h.Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	wait(t, l.done, "the leader to notice")
	if !errors.Is(l.err, ErrLost) {
		t.Fatalf("Run = %v, want ErrLost", l.err)
	}
	got := []any{l.stopped.Load(), l.el.IsLeader(), l.el.Leader(), a.record().HolderIdentity}
	want := []any{true, false, "intruder", "intruder"} // not released: it is not ours
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("[stopped, leads, sees, holder] (-want +got):\n%s", diff)
	}
}

// TestPartitionedLeaderStepsDownFirst cuts the leader off the server (its
// connections go through a proxy that is closed): it cannot renew, gives up
// leadership after RenewDeadline, and only later — after LeaseDuration — does
// the other candidate take over, so at no time do two lead.
func TestPartitionedLeaderStepsDownFirst(t *testing.T) {
	a := newArena(t)
	env := cluster.Get(t)
	u, err := url.Parse(env.Server)
	if err != nil {
		t.Fatal(err)
	}
	p, err := faultproxy.Start(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	cfg, err := rest.Load(rest.LoadOptions{KubeconfigPath: env.Kubeconfig, Context: cluster.AdminContext})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Host = "https://" + p.Addr()
	rc, err := rest.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	viaProxy, err := dynamic.New(rc, dynamic.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := a.startOn("cut-off", false, viaProxy, 4*time.Second)
	wait(t, l.started, "the first candidate to lead")
	f := a.startOn("healthy", false, a.c, 4*time.Second)
	a.renewals(2)
	p.Close() // the partition: every connection cut, new ones refused
	wait(t, l.done, "the cut-off leader to step down")
	wait(t, f.started, "the healthy candidate to take over")
	r := a.record()
	got := []any{errors.Is(l.err, ErrLost), l.stopped.Load(), r.HolderIdentity, r.LeaseTransitions, a.maxLead.Load()}
	want := []any{true, true, "healthy", int32(1), int32(1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("[lost, stopped, holder, transitions, max leaders at once] (-want +got):\n%s", diff)
	}
}
