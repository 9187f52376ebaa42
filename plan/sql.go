package plan

import (
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// The statement builders. Every identifier goes through package ident.

func alter(fk *catalog.ForeignKey) string { return "ALTER TABLE " + fk.TableName().Quoted() + " " }

func addSQL(fk *catalog.ForeignKey, name string, onDelete, onUpdate catalog.Action, notValid bool) string {
	s := alter(fk) + "ADD CONSTRAINT " + ident.Quote(name) + " " + fk.Clause(onDelete, onUpdate)
	if notValid {
		s += " NOT VALID"
	}
	return s + ";"
}

func dropSQL(fk *catalog.ForeignKey, name string) string {
	return alter(fk) + "DROP CONSTRAINT IF EXISTS " + ident.Quote(name) + ";"
}

func validateSQL(fk *catalog.ForeignKey, name string) string {
	return alter(fk) + "VALIDATE CONSTRAINT " + ident.Quote(name) + ";"
}

func renameSQL(fk *catalog.ForeignKey, from, to string) string {
	return alter(fk) + "RENAME CONSTRAINT " + ident.Quote(from) + " TO " + ident.Quote(to) + ";"
}

// renameIfExistsSQL renames a key only while it still has its old name,
// so a migration that renamed it can run again: PostgreSQL has no RENAME
// CONSTRAINT IF EXISTS, and a plain rename fails with 42704 on a re-run.
func renameIfExistsSQL(fk *catalog.ForeignKey, from, to string) string {
	rename := renameSQL(fk, from, to)
	tag := "$ondelete$"
	for i := 1; strings.Contains(rename, tag); i++ {
		tag = "$ondelete" + strconv.Itoa(i) + "$"
	}
	return "DO " + tag + "\nBEGIN\n" +
		"  IF EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = " + ident.Literal(fk.TableName().Quoted()) +
		"::pg_catalog.regclass AND conname = " + ident.Literal(from) + ") THEN\n" +
		"    " + rename + "\n  END IF;\nEND\n" + tag + ";"
}

func createIndexSQL(fk *catalog.ForeignKey, name string) string {
	return "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + ident.Quote(name) + " ON " + fk.TableName().Quoted() +
		" (" + ident.QuoteList(fk.Columns) + ");"
}

func dropIndexSQL(fk *catalog.ForeignKey, name string) string {
	return "DROP INDEX CONCURRENTLY IF EXISTS " + ident.QuoteQualified(fk.Schema, name) + ";"
}

// indexName is the name PostgreSQL would give an index on the key's
// columns (<table>_<cols>_idx), with a number appended while it clashes
// with a relation the snapshot knows of in the schema, as PostgreSQL does.
func indexName(s *catalog.Snapshot, fk *catalog.ForeignKey, taken map[string]bool) string {
	cols := catalog.JoinNames(fk.Columns)
	used := func(n string) bool {
		if taken[fk.Schema+"."+n] {
			return true
		}
		for i := range s.Tables {
			t := &s.Tables[i]
			if t.Schema != fk.Schema {
				continue
			}
			if t.Name == n {
				return true
			}
			for j := range t.Indexes {
				if t.Indexes[j].Name == n {
					return true
				}
			}
		}
		return false
	}
	name := catalog.MakeObjectName(fk.Table, cols, "idx")
	for n := 1; used(name); n++ {
		name = catalog.MakeObjectName(fk.Table, cols, "idx"+strconv.Itoa(n))
	}
	taken[fk.Schema+"."+name] = true
	return name
}

// tempName is the name the online strategy adds the new key under while
// the old one still exists: the target name with "_new" (shortened like
// PostgreSQL's generated names), numbered while it clashes with another
// constraint of the table.
func tempName(s *catalog.Snapshot, fk *catalog.ForeignKey) string {
	cols := catalog.JoinNames(fk.Columns)
	name := catalog.MakeObjectName(fk.Table, cols, "fkey_new")
	for n := 1; lookup(s, catalog.ConstraintKey{Schema: fk.Schema, Table: fk.Table, Name: name}) != nil; n++ {
		name = catalog.MakeObjectName(fk.Table, cols, "fkey_new"+strconv.Itoa(n))
	}
	return name
}

// slug makes a name part safe for a file name: lower-case ASCII letters
// and digits, other runs of characters become one "_".
func slug(parts ...string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.Join(parts, "_")) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if len(out) > 60 {
		out = strings.TrimSuffix(out[:60], "_")
	}
	if out == "" {
		out = "x"
	}
	return out
}

func joinDisplay(cols []string) string {
	var out []string
	for _, c := range cols {
		out = append(out, ident.Display(c))
	}
	return strings.Join(out, ", ")
}
