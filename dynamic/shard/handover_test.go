package shard

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// The simulation below runs the handover's decisions (observe, decide,
// promote) for up to five members over a shared record of Leases, with the
// steps of their rounds interleaved as a fuzzer chooses, members joining,
// leaving gracefully, dying (kill -9) and stalling (alive, still serving,
// but no longer renewing). After every step no hash may be served by two
// members; once the fuzzer's steps are done and the survivors run on, every
// hash must be served by exactly one.

const (
	simStep     = 100 * time.Millisecond
	simLease    = 4 * time.Second // LeaseDuration
	simDeadline = 3 * time.Second // RenewDeadline
)

type simMember struct {
	id      string
	running bool // taking steps
	stalled bool // alive and serving, but taking no steps
	phase   int  // 0: read and decide; 1: write the claim; 2: read and promote
	view    view
	hold    holding
	pending Ranges    // the claim decided, to write
	renewed time.Time // last write
}

type sim struct {
	t       *testing.T
	now     time.Time
	rv      int
	leases  map[string]peerLease
	members []*simMember
}

func newSim(t *testing.T, n int) *sim {
	s := &sim{t: t, now: t0, leases: map[string]peerLease{}}
	for i := range n {
		s.members = append(s.members, &simMember{id: "m" + strconv.Itoa(i)})
	}
	return s
}

func (s *sim) list() []peerLease {
	out := make([]peerLease, 0, len(s.leases))
	for _, l := range s.leases {
		out = append(out, l)
	}
	return out
}

// step runs one phase of m's round.
func (s *sim) step(m *simMember) {
	switch m.phase {
	case 0:
		m.view = observe(m.view, s.list(), s.now)
		p := decide(m.view, m.id, m.hold, s.now)
		m.hold.serving, m.pending = p.serving, p.claimed
	case 1:
		s.rv++
		s.leases["g-"+m.id] = peerLease{name: "g-" + m.id, identity: m.id, rv: strconv.Itoa(s.rv), seconds: int32(simLease / time.Second), claimed: m.pending}
		m.hold.claimed, m.renewed = m.pending, s.now
	case 2:
		m.view = observe(m.view, s.list(), s.now)
		m.hold.serving = promote(m.view, m.id, m.hold, s.now)
	}
	m.phase = (m.phase + 1) % 3
}

// tick advances the clock. A member that has not renewed for the
// deadline lapses, whether it stalled or its round is merely late: the
// member ends every request by its deadline and wakes then (member.go).
func (s *sim) tick() {
	s.now = s.now.Add(simStep)
	for _, m := range s.members {
		if (m.stalled || m.running) && !m.renewed.IsZero() && s.now.Sub(m.renewed) >= simDeadline {
			m.hold.serving = nil
		}
	}
}

// check fails unless the members' served ranges are disjoint and each
// within its written claim.
func (s *sim) check(when string) {
	s.t.Helper()
	for i, a := range s.members {
		if !a.hold.serving.Subtract(a.hold.claimed).Empty() {
			s.t.Fatalf("%s: %s serves %v beyond its claim %v", when, a.id, a.hold.serving, a.hold.claimed)
		}
		for _, b := range s.members[i+1:] {
			if both := a.hold.serving.Intersect(b.hold.serving); !both.Empty() {
				s.t.Fatalf("%s: %s and %s both serve %v", when, a.id, b.id, both)
			}
		}
	}
}

// apply performs the fuzzer's operation op on member m.
func (s *sim) apply(m *simMember, op byte) string {
	switch {
	case op < 5 && m.running:
		s.step(m)
		return fmt.Sprintf("%s step", m.id)
	case op == 5 && !m.running && !m.stalled:
		*m = simMember{id: m.id, running: true}
		return m.id + " joins"
	case op == 6 && m.running: // graceful stop: drop, then delete the Lease
		m.running, m.hold = false, holding{}
		delete(s.leases, "g-"+m.id)
		return m.id + " leaves"
	case op == 7 && m.running && m.phase == 0: // kill -9 between rounds
		m.running, m.hold = false, holding{}
		return m.id + " dies"
	case op == 8 && m.running && m.phase == 0:
		m.running, m.stalled = false, true
		return m.id + " stalls"
	}
	return "nothing"
}

// settle runs every running member for rounds rounds and then wants the
// whole space served exactly once.
func (s *sim) settle(rounds int) {
	s.t.Helper()
	for range rounds {
		for _, m := range s.members {
			for range 3 {
				if m.running {
					s.step(m)
					s.check("settling")
				}
			}
		}
		s.tick()
	}
	var all Ranges
	for _, m := range s.members {
		all = all.Union(m.hold.serving)
	}
	if s.anyRunning() && !all.Equal(Ranges{Full}) {
		s.t.Fatalf("after settling, served: %v, not the whole space", all)
	}
}

func (s *sim) anyRunning() bool {
	for _, m := range s.members {
		if m.running {
			return true
		}
	}
	return false
}

func FuzzHandover(f *testing.F) {
	f.Add([]byte{5, 13, 21, 0, 8, 16, 1, 9, 17, 2, 10, 18})                        // three join and run
	f.Add([]byte{5, 13, 0, 8, 1, 9, 2, 10, 0, 8, 1, 9, 2, 10, 15, 7, 15, 0, 1, 2}) // one dies, another joins
	f.Add([]byte{5, 13, 21, 0, 8, 16, 1, 9, 17, 2, 10, 18, 24, 29, 0, 8, 16, 14})  // a stall, a join, a leave
	f.Fuzz(func(t *testing.T, ops []byte) {
		s := newSim(t, 5)
		for i, b := range ops {
			what := s.apply(s.members[int(b%8)%len(s.members)], b/8%9)
			s.check(fmt.Sprintf("op %d (%s)", i, what))
			s.tick()
		}
		s.settle(int(simLease/simStep) * 3)
	})
}

func TestHandoverScenarios(t *testing.T) {
	tests := []struct {
		name string
		ops  []byte
	}{
		{name: "three join", ops: []byte{40, 41, 42}},
		{name: "three join, one dies, a fourth joins", ops: []byte{40, 41, 42, 0, 1, 2, 0, 1, 2, 0, 1, 2, 56, 43, 0, 1, 3, 0, 1, 3}},
		{name: "one stalls while serving", ops: []byte{40, 41, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 64}},
		{name: "one leaves", ops: []byte{40, 41, 0, 1, 0, 1, 0, 1, 48}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, 5)
			for i, b := range tc.ops {
				what := s.apply(s.members[int(b%8)%len(s.members)], b/8%9)
				s.check(fmt.Sprintf("op %d (%s)", i, what))
				s.tick()
			}
			s.settle(int(simLease/simStep) * 3)
		})
	}
}
