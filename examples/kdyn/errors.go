package main

import (
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// errorLine formats an error as one line the way kubectl does:
// "Error from server (NotFound): configmaps "x" not found" for the server's
// errors, "error: ..." for the others.
func errorLine(err error) string {
	var se *apierrors.StatusError
	if errors.As(err, &se) && se == err {
		return statusLine(se)
	}
	msg := err.Error()
	if errors.As(err, &se) {
		// A server error wrapped with context: keep the context, name the
		// server's reason.
		if r := se.ErrStatus.Reason; r != "" && r != metav1.StatusReasonUnknown {
			return fmt.Sprintf("Error from server (%s): %s", r, oneLine(msg))
		}
		return "Error from server: " + oneLine(msg)
	}
	return "error: " + oneLine(msg)
}

func statusLine(se *apierrors.StatusError) string {
	st := se.ErrStatus
	if st.Reason == metav1.StatusReasonInvalid {
		return invalidLine(st)
	}
	msg := oneLine(st.Message)
	if msg == "" {
		msg = oneLine(se.Error())
	}
	if st.Reason != "" && st.Reason != metav1.StatusReasonUnknown {
		return fmt.Sprintf("Error from server (%s): %s", st.Reason, msg)
	}
	return "Error from server: " + msg
}

// oneLine keeps a message on one line.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
}

// invalidLine words a 422 Invalid as kubectl does ("The ConfigMap "x" is
// invalid: metadata.name: Invalid value: ..."), with several causes joined
// on one line.
func invalidLine(st metav1.Status) string {
	s := "The request is invalid"
	d := st.Details
	if d == nil {
		if st.Message != "" {
			s += ": " + oneLine(st.Message)
		}
		return s
	}
	if d.Kind != "" || d.Name != "" {
		s = fmt.Sprintf("The %s %q is invalid", d.Kind, d.Name)
	} else if st.Message != "" && len(d.Causes) == 0 {
		s += ": " + oneLine(st.Message)
	}
	var causes []string
	seen := map[string]bool{}
	for _, c := range d.Causes {
		msg := fmt.Sprintf("%s: %s", c.Field, c.Message)
		if !seen[msg] {
			seen[msg] = true
			causes = append(causes, oneLine(msg))
		}
	}
	if len(causes) > 0 {
		s += ": " + strings.Join(causes, "; ")
	}
	return s
}
