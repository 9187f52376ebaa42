package catalog

import (
	"strings"
	"unicode/utf8"
)

// maxIdentBytes is PostgreSQL's NAMEDATALEN-1: the longest identifier in bytes.
const maxIdentBytes = 63

// DefaultFKName returns the name PostgreSQL gives a foreign key on table
// over columns when the DDL names none: <table>_<col>[_<col>...]_fkey,
// shortened to 63 bytes the way PostgreSQL's makeObjectName does (the
// longer of table and column part loses bytes first, cut on a character
// boundary). It does not model the numeric suffix PostgreSQL appends on a
// clash (…_fkey1): such names are not the conventional name, and a
// migration that drops <table>_<col>_fkey misses them too.
func DefaultFKName(table string, columns []string) string {
	return MakeObjectName(table, JoinNames(columns), "fkey")
}

// JoinNames joins column names with "_", stopping once the result reaches
// 63 bytes, as PostgreSQL does when it builds the column part of a
// generated constraint or index name (ChooseForeignKeyConstraintNameAddition,
// ChooseIndexNameAddition).
func JoinNames(columns []string) string {
	var b strings.Builder
	for _, c := range columns {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		if len(c) > maxIdentBytes {
			c = c[:maxIdentBytes]
		}
		b.WriteString(c)
		if b.Len() >= maxIdentBytes+1 {
			break
		}
	}
	return b.String()
}

// MakeObjectName mirrors PostgreSQL's makeObjectName(name1, name2, label),
// which names generated constraints and indexes: the longer of the two
// names loses bytes first until name1_name2_label fits in 63 bytes, each
// cut on a character boundary.
func MakeObjectName(name1, name2, label string) string {
	overhead := 1 + len(label) + 1 // "_" between names, "_" + label
	avail := maxIdentBytes - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	return clipUTF8(name1, n1) + "_" + clipUTF8(name2, n2) + "_" + label
}

// clipUTF8 returns the longest prefix of s of at most n bytes that does not
// cut a multibyte character, like pg_mbcliplen for UTF-8 databases.
func clipUTF8(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
