// Package leader elects one leader among the replicas of a controller, on a
// coordination.k8s.io/v1 Lease read and written through the dynamic client
// (package dynamic), so it needs no compiled-in Lease type and no client-go.
//
// # Use
//
//	el, err := leader.New(leader.Config{
//		Client: dc, Namespace: "kube-system", Name: "my-controller",
//		Identity:        podName,
//		ReleaseOnCancel: true,
//		Callbacks: leader.Callbacks{
//			OnStartedLeading: func(ctx context.Context) { runController(ctx) },
//			OnStoppedLeading: func() { log.Print("no longer leading") },
//			OnNewLeader:      func(id string) { log.Print("leader is ", id) },
//		},
//	}, slog.Default())
//	err = el.Run(ctx) // returns when ctx ends or leadership is lost
//
// # How the election works
//
// The Lease's spec is the election's state (see Record): holderIdentity,
// leaseDurationSeconds, acquireTime and renewTime (metav1.MicroTime,
// "2006-01-02T15:04:05.000000Z07:00" in UTC), and leaseTransitions. Every
// write is an update with the resourceVersion that was read, so two
// candidates that decide at once cannot both win: the server accepts one
// write and answers the other with 409 Conflict, and the loser reads again
// at its next attempt. A Lease that does not exist is created by the first
// candidate (the others get 409 AlreadyExists).
//
// A candidate takes the lease when it has no holder (it was released), or
// when the holder has not renewed it for leaseDurationSeconds — measured
// from when this candidate last saw the record change, on its own clock,
// never from the renewTime written by another machine, so clock skew between
// machines cannot make a live lease look expired. Every change of holder
// increments leaseTransitions.
//
// The leader renews every RetryPeriod, updating the copy it last wrote (one
// request; it reads again only after a conflict). If no renewal succeeds for
// RenewDeadline, or it finds another holder, it stops leading: the ctx of
// OnStartedLeading is cancelled, Run waits for that function to return,
// calls OnStoppedLeading and returns an error wrapping ErrLost. Because
// RenewDeadline < LeaseDuration (New checks it), a leader that cannot renew
// stops before any other candidate may take over. With ReleaseOnCancel, a
// leader whose Run ctx ends releases the lease (holderIdentity "", duration
// one second) after its work has stopped, so a successor takes over at its
// next attempt instead of after LeaseDuration.
//
// The decisions — create, acquire, renew or wait — are pure functions of the
// observed record and the time, tested apart from the I/O.
//
// # Permissions
//
// The identity needs get, create and update on leases in the Lease's
// namespace. Failures to read or write are retried every RetryPeriod and
// reported to the *slog.Logger given to New.
package leader
