package policy

import (
	"errors"
	"strings"
)

// namePart is one dot-separated part of a name as written in the policy:
// quoted parts mean exactly their text; unquoted parts are folded to lower
// case the way PostgreSQL folds identifiers, and (like graph.ResolveTable)
// may also mean their exact spelling, because people type names the way
// they see them (User for the Prisma table "User").
type namePart struct {
	text   string
	quoted bool
}

// folded is the part as PostgreSQL reads it: lowercased when unquoted.
func (p namePart) folded() string {
	if p.quoted {
		return p.text
	}
	return lowerASCII(p.text)
}

// splitName splits a name written in SQL identifier syntax into its
// dot-separated parts: users, public.users, "my schema"."x.y",
// public."User"."User_teamId_fkey". Inside double quotes a doubled quote
// stands for one quote and dots are part of the name. Blanks around parts
// and dots are ignored. The error says what is malformed, without the name.
func splitName(s string) ([]namePart, error) {
	var parts []namePart
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
		var p namePart
		if s[i] == '"' {
			p.quoted = true
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
			p.text = b.String()
			if p.text == "" {
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
			p.text = s[start:i]
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

// singlePart reads a name that has exactly one part (a schema or a column
// pattern): a double-quoted identifier, or else the text as written, dots
// included, since a column name has no qualifier to separate.
func singlePart(s string) (namePart, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return namePart{}, errors.New("empty name")
	}
	if t[0] != '"' {
		if strings.ContainsRune(t, '"') {
			return namePart{}, errors.New("quote inside an unquoted identifier (quote the whole name)")
		}
		return namePart{text: t}, nil
	}
	parts, err := splitName(t)
	if err != nil {
		return namePart{}, err
	}
	if len(parts) != 1 {
		return namePart{}, errors.New("expected one name, found a qualified name")
	}
	return parts[0], nil
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lowerASCII lowercases ASCII letters only, as PostgreSQL's
// downcase_identifier does in UTF-8 databases.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
