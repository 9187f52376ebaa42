package check

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ondelete/ondelete/catalog"
)

// maxIdentBytes is PostgreSQL's NAMEDATALEN-1: the longest identifier.
const maxIdentBytes = 63

// relationNames holds, per schema, the names of its tables and indexes:
// the names a new index may not take. It is built once per check, on first
// use, since a schema of thousands of tables can need thousands of index
// fixes.
type relationNames struct {
	snap     *catalog.Snapshot
	bySchema map[string]map[string]bool
}

// taken reports whether name is a table or index name in schema.
func (r *relationNames) taken(schema, name string) bool {
	if r.bySchema == nil {
		r.bySchema = map[string]map[string]bool{}
		for i := range r.snap.Tables {
			t := &r.snap.Tables[i]
			m := r.bySchema[t.Schema]
			if m == nil {
				m = map[string]bool{}
				r.bySchema[t.Schema] = m
			}
			m[t.Name] = true
			for _, ix := range t.Indexes {
				m[ix.Name] = true
			}
		}
	}
	return r.bySchema[schema][name]
}

// indexName returns the name PostgreSQL gives CREATE INDEX ON t (cols)
// when none is written: <table>_<col>[_<col>...]_idx, shortened to 63
// bytes as makeObjectName does, with a number added to the label (_idx1,
// _idx2, ...) while the name is taken by a table or index of the schema,
// as ChooseRelationName does. Using PostgreSQL's own choice keeps the fix
// identical to what a person typing CREATE INDEX would get.
func (r *relationNames) indexName(t catalog.TableName, cols []string) string {
	addition := joinClipped(cols)
	for n := 0; ; n++ {
		label := "idx"
		if n > 0 {
			label += strconv.Itoa(n)
		}
		name := objectName(t.Name, addition, label)
		if !r.taken(t.Schema, name) {
			return name
		}
	}
}

// joinClipped joins names with "_", stopping once the result reaches 63
// bytes, as ChooseIndexNameAddition does.
func joinClipped(names []string) string {
	var b strings.Builder
	for _, c := range names {
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

// objectName mirrors PostgreSQL's makeObjectName(name1, name2, label): the
// longer of the two names loses bytes first until name1_name2_label fits
// in 63 bytes, each cut on a character boundary. (catalog.DefaultFKName
// does the same for foreign keys, whose label is fixed.)
func objectName(name1, name2, label string) string {
	avail := maxIdentBytes - (1 + len(label) + 1)
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	return clip(name1, n1) + "_" + clip(name2, n2) + "_" + label
}

// clip returns the longest prefix of s of at most n bytes that does not
// cut a UTF-8 character, like pg_mbcliplen.
func clip(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
