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
	case apierrors.IsResourceExpired(err), apierrors.IsGone(err): // the resourceVersion is too old
		return relist
	case Refusal(err) && (ending == EndOnRefusal || ending == RetryUntilGone && apierrors.IsNotFound(err)):
		return end
	}
	return retry
}

// Refusal reports whether err is a refusal that retrying the same request
// cannot mend: 400, 401, 403, 404, 405 or 422.
func Refusal(err error) bool {
	return apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err) || apierrors.IsNotFound(err) ||
		apierrors.IsBadRequest(err) || apierrors.IsInvalid(err) || apierrors.IsMethodNotSupported(err)
}

// refusesStreaming reports whether err is a server's refusal of
// sendInitialEvents (servers before WatchList: resourceVersionMatch on a
// watch is invalid).
func refusesStreaming(err error) bool {
	return apierrors.IsBadRequest(err) || apierrors.IsInvalid(err)
}
