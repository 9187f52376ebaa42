package policy

import (
	"fmt"
	"strings"
)

// ParseError is a problem with the policy file itself: where it is
// (file:line:col), which key it concerns (Path, e.g. rules[1].expect.on_delete)
// and what was expected. Callers branch on it with errors.As to exit with a
// usage error (status 2) rather than a failed check.
//
// It is not called Error because that name is the error Severity.
type ParseError struct {
	Pos Position
	// Path is the key concerned, in the file's own terms
	// (rules[1].expect.on_delete, lints.orphan-owner-column.columns[0]);
	// empty for the document as a whole.
	Path string
	// Msg says what is wrong and what was expected.
	Msg string
}

// Error returns "file:line:col: path: msg" on one line, the form editors and
// CI logs turn into links.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return oneLine(b.String())
}

// oneLine replaces line breaks so that every message stays one line even
// when it quotes a name that contains them.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\u2028\u2029") {
		return s
	}
	return strings.NewReplacer("\r\n", `\n`, "\r", `\r`, "\n", `\n`, "\u2028", `\u2028`, "\u2029", `\u2029`).Replace(s)
}

// warningf formats a policy warning in the same file:line:col: path: msg
// shape as a ParseError, so the two read alike in CI logs.
func warningf(pos Position, path, format string, args ...any) string {
	return (&ParseError{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)}).Error()
}
