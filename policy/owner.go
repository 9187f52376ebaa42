package policy

import (
	"github.com/ondelete/ondelete/ident"
	"strings"
	"unicode"

	"github.com/ondelete/ondelete/catalog"
)

// DefaultOwnerColumns returns the column patterns orphan-owner-column looks
// for when the policy names none: for each root, the singular of its table
// name plus _id in snake case (users → user_id, *_user_id) and in camel
// case (userId, *UserId), the two conventions of hand-written and
// ORM-generated (Prisma, TypeORM) schemas. Table names are split into words
// at underscores and case changes (UserAccount → user_account_id), and the
// last word is made singular by common English rules (companies → company,
// addresses → address). The result is deduplicated, in root order.
func DefaultOwnerColumns(roots []catalog.TableName) []string {
	names := make([]string, len(roots))
	for i, r := range roots {
		names[i] = r.Name
	}
	return ownerColumns(names)
}

// ownerColumnsOfRoots derives the default patterns from roots as written.
func ownerColumnsOfRoots(roots []Root) []string {
	var names []string
	for _, r := range roots {
		parts, err := ident.Split(r.Name)
		if err != nil || len(parts) == 0 {
			continue
		}
		names = append(names, parts[len(parts)-1].Text)
	}
	return ownerColumns(names)
}

// ownerColumns derives the patterns from table names.
func ownerColumns(tables []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range tables {
		words := splitWords(t)
		if len(words) == 0 {
			continue
		}
		words[len(words)-1] = singular(words[len(words)-1])
		for i, w := range words {
			words[i] = escapeGlob(w)
		}
		snake := strings.Join(words, "_") + "_id"
		camel := words[0]
		pascal := ""
		for _, w := range words {
			pascal += capitalize(w)
		}
		for _, w := range words[1:] {
			camel += capitalize(w)
		}
		for _, p := range []string{snake, "*_" + snake, camel + "Id", "*" + pascal + "Id"} {
			add(p)
		}
	}
	return out
}

// splitWords splits a table name into lower-case words at underscores,
// blanks, hyphens and lower-to-upper case changes.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || unicode.IsSpace(r):
			flush()
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

// singular makes an English plural singular by the common rules; words it
// does not recognise as plural are returned unchanged.
func singular(w string) string {
	switch {
	case w == "people":
		return "person"
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"),
		strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "zzes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 1:
		return w[:len(w)-1]
	}
	return w
}

func capitalize(w string) string {
	r := []rune(w)
	if len(r) == 0 {
		return w
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// escapeGlob escapes glob metacharacters taken from a table name, so that
// only the * the derivation adds is a wildcard.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
