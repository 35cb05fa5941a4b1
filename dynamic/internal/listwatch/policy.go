package listwatch

import (
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// action is what the engine does after a failed attempt.
type action int

const (
	retry  action = iota // report the error, back off, try again
	relist               // the resourceVersion expired: list again
	end                  // deliver the error as final and return it
)

// classify is the one error policy of the engine (the table is in the
// package doc).
func classify(err error, ending Ending) action {
	switch {
	case expired(err):
		return relist
	case apierrors.IsUnauthorized(err), apierrors.IsForbidden(err):
		if ending == EndOnRefusal {
			return end
		}
	case apierrors.IsNotFound(err), apierrors.IsBadRequest(err), apierrors.IsInvalid(err), apierrors.IsMethodNotSupported(err):
		if ending != RetryRefusal {
			return end
		}
	}
	return retry
}

// expired reports whether err says the resourceVersion is too old.
func expired(err error) bool {
	return apierrors.IsResourceExpired(err) || apierrors.IsGone(err)
}

// refusesStreaming reports whether err is a server's refusal of
// sendInitialEvents (servers before WatchList: resourceVersionMatch on a
// watch is invalid).
func refusesStreaming(err error) bool {
	return apierrors.IsBadRequest(err) || apierrors.IsInvalid(err)
}
