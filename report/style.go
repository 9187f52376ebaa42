package report

import (
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/term"

	"github.com/ondelete/ondelete/catalog"
)

// Style carries presentation choices for the human-readable renderers.
// It is decided once by the caller (usually with ColorEnabled) and passed
// down, so renderers never inspect the environment themselves and golden
// tests stay reproducible.
type Style struct {
	// Color enables ANSI colour and bold.
	Color bool
}

// ColorEnabled reports whether output to w should be coloured: only when
// w is a terminal, NO_COLOR is unset or empty (https://no-color.org), and
// TERM is not "dumb". Pipes, files and buffers never get escape codes, so
// redirected output stays clean for grep and diff.
func ColorEnabled(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// SGR parameters used by the renderers.
const (
	sgrBold    = "1"
	sgrDim     = "2"
	sgrRed     = "31"
	sgrGreen   = "32"
	sgrYellow  = "33"
	sgrBlue    = "34"
	sgrMagenta = "35"
	sgrCyan    = "36"
	sgrBoldRed = "1;31"
)

// Paint wraps text in the ANSI SGR sequence sgr (e.g. "1;31") when colour
// is on, and returns it unchanged otherwise or when text is empty.
func (s Style) Paint(sgr, text string) string {
	if !s.Color || sgr == "" || text == "" {
		return text
	}
	return "\x1b[" + sgr + "m" + text + "\x1b[0m"
}

// Bold paints text bold.
func (s Style) Bold(text string) string { return s.Paint(sgrBold, text) }

// Dim paints text faint, for secondary details such as constraint names.
func (s Style) Dim(text string) string { return s.Paint(sgrDim, text) }

// Red paints text red: destruction and failures.
func (s Style) Red(text string) string { return s.Paint(sgrRed, text) }

// Yellow paints text yellow: changes that keep the row (SET NULL / DEFAULT).
func (s Style) Yellow(text string) string { return s.Paint(sgrYellow, text) }

// Magenta paints text magenta: conditional outcomes.
func (s Style) Magenta(text string) string { return s.Paint(sgrMagenta, text) }

// Cyan paints text cyan: the root and headings.
func (s Style) Cyan(text string) string { return s.Paint(sgrCyan, text) }

// termName is a table name in display form, safe for a terminal.
func termName(t catalog.TableName) string { return termText(t.String()) }

// termText makes text derived from identifiers safe to print on a
// terminal or draw in a diagram. PostgreSQL accepts any character but NUL
// in a quoted name, so control characters are written as Go-style escapes
// (\n, \x1b, ...): that keeps one tree line per edge, keeps SVG valid XML,
// and stops a table name from sending escape sequences to the user's
// terminal.
func termText(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsControl(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r) // e.g. '\n' or '\x1b'
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}
