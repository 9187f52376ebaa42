package policy

import (
	"errors"
	"github.com/ondelete/ondelete/ident"
	"strings"
)

// namePart is one dot-separated part of a name as written in the policy
// (see ident.Part): quoted parts mean exactly their text; unquoted parts
// are folded to lower case and may also mean their exact spelling, like
// graph.ResolveTable.
type namePart = ident.Part

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
		return namePart{Text: t}, nil
	}
	parts, err := ident.Split(t)
	if err != nil {
		return namePart{}, err
	}
	if len(parts) != 1 {
		return namePart{}, errors.New("expected one name, found a qualified name")
	}
	return parts[0], nil
}
