package rest

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
)

// Warning is one warning the server sent in a Warning response header
// (RFC 7234 §5.5), such as a deprecated API version or an unknown field.
type Warning struct {
	Code  int    // 299 for API server warnings
	Agent string // "-" when unnamed
	Text  string // the warning itself, unquoted
}

// WarningHandler receives the warnings of every response. It is called from
// [Client.Do] on the caller's goroutine, possibly concurrently, and must not
// block.
type WarningHandler interface {
	HandleWarning(w Warning)
}

// WarningHandlerFunc adapts a function to a [WarningHandler].
type WarningHandlerFunc func(w Warning)

// HandleWarning calls f(w).
func (f WarningHandlerFunc) HandleWarning(w Warning) { f(w) }

// DiscardWarnings is a [WarningHandler] that drops every warning.
var DiscardWarnings WarningHandler = WarningHandlerFunc(func(Warning) {})

// NewWarningWriter returns a [WarningHandler] that writes each warning as
// "Warning: TEXT" on its own line to w. With dedupe, each distinct text is
// written only once per handler. A nil w means os.Stderr. A nil Config
// WarningHandler is NewWarningWriter(os.Stderr, true), one per [Client].
func NewWarningWriter(w io.Writer, dedupe bool) WarningHandler {
	if w == nil {
		w = os.Stderr
	}
	return &warningWriter{w: w, dedupe: dedupe, seen: map[string]bool{}}
}

type warningWriter struct {
	w      io.Writer
	dedupe bool
	mu     sync.Mutex // guards seen and serialises writes to w
	seen   map[string]bool
}

// HandleWarning writes w unless dedupe is on and its text was written before.
func (h *warningWriter) HandleWarning(w Warning) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dedupe {
		if h.seen[w.Text] {
			return
		}
		h.seen[w.Text] = true
	}
	fmt.Fprintf(h.w, "Warning: %s\n", w.Text)
}

// handleWarnings passes every well-formed warning of h to handler.
func handleWarnings(handler WarningHandler, h http.Header) {
	for _, v := range h.Values("Warning") {
		ws, _ := ParseWarningHeader(v)
		for _, w := range ws {
			handler.HandleWarning(w)
		}
	}
}

// ParseWarningHeader parses one Warning header value, which may hold several
// comma-separated warnings: `299 - "text"[ "date"]`. It returns the warnings
// parsed before the first malformed one, and an error describing it.
func ParseWarningHeader(v string) ([]Warning, error) {
	var out []Warning
	s := v
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return out, nil
		}
		w, rest, err := parseOneWarning(s)
		if err != nil {
			return out, fmt.Errorf("parse Warning header %q: %w", v, err)
		}
		out = append(out, w)
		rest = strings.TrimLeft(rest, " \t")
		if rest != "" && rest[0] != ',' {
			return out, fmt.Errorf("parse Warning header %q: unexpected %q after warning", v, Snippet([]byte(rest), 20))
		}
		s = rest
	}
}

func parseOneWarning(s string) (Warning, string, error) {
	var w Warning
	if len(s) < 4 || s[3] != ' ' {
		return w, "", fmt.Errorf("want a 3-digit code and a space")
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return w, "", fmt.Errorf("want a 3-digit code, got %q", s[:3])
		}
		w.Code = w.Code*10 + int(s[i]-'0')
	}
	s = s[4:]
	i := strings.IndexByte(s, ' ')
	if i <= 0 {
		return w, "", fmt.Errorf("want an agent and a space after the code")
	}
	w.Agent, s = s[:i], s[i+1:]
	text, rest, err := parseQuoted(s)
	if err != nil {
		return w, "", fmt.Errorf("warning text: %w", err)
	}
	w.Text = text
	// An optional quoted date follows.
	if t := strings.TrimLeft(rest, " "); len(t) > 0 && t[0] == '"' && len(t) < len(rest) {
		if _, after, err := parseQuoted(t); err == nil {
			rest = after
		}
	}
	return w, rest, nil
}

// parseQuoted parses an HTTP quoted-string at the start of s.
func parseQuoted(s string) (string, string, error) {
	if s == "" || s[0] != '"' {
		return "", "", fmt.Errorf("want a quoted string")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 == len(s) {
				return "", "", fmt.Errorf("unterminated escape")
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated quoted string")
}
