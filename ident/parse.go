package ident

import (
	"errors"
	"strings"
)

// Part is one dot-separated part of a name written in SQL identifier
// syntax, as people type names on command lines and in policy files.
type Part struct {
	// Text is the part without quotes (a doubled quote inside quotes
	// stands for one quote).
	Text string
	// Quoted is true when the part was double-quoted: it then means
	// exactly Text.
	Quoted bool
}

// Folded returns the part as PostgreSQL reads it: unquoted parts are
// lowercased (ASCII only, like downcase_identifier in UTF-8 databases).
func (p Part) Folded() string {
	if p.Quoted {
		return p.Text
	}
	return FoldASCII(p.Text)
}

// Spellings returns the names a part may mean, in order of preference: a
// quoted part means exactly itself; an unquoted one its folded form, then
// its exact spelling, because people type names the way they see them
// (User for the Prisma table "User").
func (p Part) Spellings() []string {
	if f := p.Folded(); f != p.Text {
		return []string{f, p.Text}
	}
	return []string{p.Text}
}

// FoldASCII lowercases ASCII letters only.
func FoldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Split splits a name written in SQL identifier syntax into its parts:
// users, public.users, "my schema"."x.y", public."User"."User_teamId_fkey".
// Inside double quotes a doubled quote stands for one quote and dots are
// part of the name. Blanks around parts and dots are ignored. The error
// says what is malformed, without repeating the name.
func Split(s string) ([]Part, error) {
	var parts []Part
	i := 0
	for {
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i == len(s) {
			if len(parts) == 0 {
				return nil, errors.New("empty name")
			}
			return nil, errors.New("name ends with a dot")
		}
		var p Part
		if s[i] == '"' {
			p.Quoted = true
			var b strings.Builder
			i++
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return nil, errors.New("unterminated quoted identifier")
				}
				b.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			p.Text = b.String()
			if p.Text == "" {
				return nil, errors.New("zero-length quoted identifier")
			}
		} else {
			start := i
			for i < len(s) && s[i] != '.' && s[i] != '"' && !isBlank(s[i]) {
				i++
			}
			if i == start {
				return nil, errors.New("empty part before a dot")
			}
			if i < len(s) && s[i] == '"' {
				return nil, errors.New("quote inside an unquoted identifier (quote the whole part)")
			}
			p.Text = s[start:i]
		}
		parts = append(parts, p)
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i == len(s) {
			return parts, nil
		}
		if s[i] != '.' {
			return nil, errors.New("expected a dot between name parts (quote names that contain blanks)")
		}
		i++
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
