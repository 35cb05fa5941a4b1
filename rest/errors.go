package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// snippetLen bounds the body snippet quoted in an error for a non-Status body.
const snippetLen = 256

// decodeError turns a response with status >= 400 into an error. It reads
// (and the caller closes) the body.
//
// A metav1.Status body becomes exactly that *apierrors.StatusError, so
// apierrors.IsNotFound and friends work. Any other body also becomes a
// *apierrors.StatusError, with the reason the HTTP status implies (so
// IsNotFound still works on a bare 404 from a proxy) and a message naming the
// method, URL path, HTTP status and a truncated, sanitised body snippet.
func decodeError(method, path string, resp *http.Response) error {
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	st, ok := decodeStatus(body)
	if !ok {
		st, ok = decodeCBORStatus(body)
	}
	if ok {
		if st.Code == 0 {
			st.Code = int32(resp.StatusCode)
		}
		if st.Status == "" {
			st.Status = metav1.StatusFailure
		}
		return &apierrors.StatusError{ErrStatus: st}
	}
	msg := fmt.Sprintf("%s %s: HTTP %d %s", method, path, resp.StatusCode, http.StatusText(resp.StatusCode))
	switch {
	case readErr != nil:
		msg += fmt.Sprintf(" (reading body: %v)", readErr)
	case len(body) == 0:
		msg += " with an empty body"
	default:
		ct := resp.Header.Get("Content-Type")
		if ct == "" {
			ct = "no Content-Type"
		}
		msg += fmt.Sprintf(" (%s, not a Status): %s", ct, Snippet(body, snippetLen))
	}
	st = metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    int32(resp.StatusCode),
		Reason:  reasonForCode(resp.StatusCode),
		Message: msg,
		Details: &metav1.StatusDetails{
			Causes: []metav1.StatusCause{{Type: metav1.CauseTypeUnexpectedServerResponse, Message: Snippet(body, snippetLen)}},
		},
	}
	if secs, ok := retryAfterSeconds(resp.Header); ok {
		st.Details.RetryAfterSeconds = int32(secs)
	}
	return &apierrors.StatusError{ErrStatus: st}
}

// decodeStatus reports whether body is a metav1.Status ("kind": "Status")
// and decodes it.
func decodeStatus(body []byte) (metav1.Status, bool) {
	var st metav1.Status
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return st, false
	}
	if err := json.Unmarshal(body, &st); err != nil || st.Kind != "Status" {
		return metav1.Status{}, false
	}
	return st, true
}

// reasonForCode maps an HTTP status to the StatusReason the API server would
// have used.
func reasonForCode(code int) metav1.StatusReason {
	switch code {
	case http.StatusBadRequest:
		return metav1.StatusReasonBadRequest
	case http.StatusUnauthorized:
		return metav1.StatusReasonUnauthorized
	case http.StatusForbidden:
		return metav1.StatusReasonForbidden
	case http.StatusNotFound:
		return metav1.StatusReasonNotFound
	case http.StatusMethodNotAllowed:
		return metav1.StatusReasonMethodNotAllowed
	case http.StatusNotAcceptable:
		return metav1.StatusReasonNotAcceptable
	case http.StatusConflict:
		return metav1.StatusReasonConflict
	case http.StatusGone:
		return metav1.StatusReasonGone
	case http.StatusRequestEntityTooLarge:
		return metav1.StatusReasonRequestEntityTooLarge
	case http.StatusUnsupportedMediaType:
		return metav1.StatusReasonUnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return metav1.StatusReasonInvalid
	case http.StatusTooManyRequests:
		return metav1.StatusReasonTooManyRequests
	case http.StatusInternalServerError:
		return metav1.StatusReasonInternalError
	case http.StatusServiceUnavailable:
		return metav1.StatusReasonServiceUnavailable
	case http.StatusGatewayTimeout:
		return metav1.StatusReasonTimeout
	}
	return metav1.StatusReasonUnknown
}

// Snippet returns at most n bytes of b as printable text for an error
// message: invalid UTF-8 and control characters are replaced, and a cut is
// marked with "... (N bytes)".
func Snippet(b []byte, n int) string {
	cut := len(b) > n
	if cut {
		b = b[:n]
		// Drop a rune cut in half rather than show a replacement character.
		for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); i++ {
			b = b[:len(b)-1]
		}
	}
	var s strings.Builder
	for _, r := range strings.ToValidUTF8(string(b), "\uFFFD") {
		switch {
		case r == '\n' || r == '\t':
			s.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			s.WriteRune('\uFFFD')
		default:
			s.WriteRune(r)
		}
	}
	if cut {
		s.WriteString("... (truncated)")
	}
	return strconv.Quote(s.String())
}
