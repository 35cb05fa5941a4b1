package printer

import (
	"strings"
	"unicode"
)

// Wrap wraps s at white space so that lines are at most lim characters,
// exactly as kubectl explain wraps descriptions (github.com/mitchellh/
// go-wordwrap's WrapString, which kubectl's word-wrap writer calls, ported
// here so as not to add a dependency): a word longer than lim stays whole,
// white space at a break is dropped, a non-breaking space is not white.
func Wrap(s string, lim int) string {
	const nbsp = 0xA0
	var buf, word, space strings.Builder
	buf.Grow(len(s))
	current, wordLen, spaceLen := 0, 0, 0
	flush := func() {
		current += spaceLen + wordLen
		buf.WriteString(space.String())
		buf.WriteString(word.String())
		space.Reset()
		word.Reset()
		spaceLen, wordLen = 0, 0
	}
	for _, c := range s {
		switch {
		case c == '\n':
			if word.Len() == 0 {
				if current+spaceLen <= lim {
					buf.WriteString(space.String())
				}
				space.Reset()
				spaceLen = 0
			} else {
				flush()
			}
			buf.WriteRune(c)
			current = 0
		case unicode.IsSpace(c) && c != nbsp:
			if space.Len() == 0 || word.Len() > 0 {
				flush()
			}
			space.WriteRune(c)
			spaceLen++
		default:
			word.WriteRune(c)
			wordLen++
			if current+wordLen+spaceLen > lim && wordLen < lim {
				buf.WriteRune('\n')
				current = 0
				space.Reset()
				spaceLen = 0
			}
		}
	}
	if word.Len() == 0 {
		if current+spaceLen <= lim {
			buf.WriteString(space.String())
		}
	} else {
		buf.WriteString(space.String())
		buf.WriteString(word.String())
	}
	return buf.String()
}

// Indent puts n spaces before s and after each of its newlines, as
// kubectl explain's template does (a trailing newline gets them too).
func Indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
