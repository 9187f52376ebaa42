package check

import (
	"strconv"

	"github.com/ondelete/ondelete/catalog"
)

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
	addition := catalog.JoinNames(cols)
	for n := 0; ; n++ {
		label := "idx"
		if n > 0 {
			label += strconv.Itoa(n)
		}
		name := catalog.MakeObjectName(t.Name, addition, label)
		if !r.taken(t.Schema, name) {
			return name
		}
	}
}
