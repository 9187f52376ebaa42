package synthdata

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/internal/synth"
)

// rowsPerInsert bounds one INSERT's VALUES list, keeping statements small
// enough to read in a server log when a load fails.
const rowsPerInsert = 500

// Script returns the SQL that inserts d's rows into a database holding
// d.Schema, as one multi-statement string (one round trip, one implicit
// transaction over the simple query protocol).
//
// Rows are inserted with session_replication_role = replica, which
// disables the foreign-key triggers: every key is planned before loading,
// so cycles and NOT NULL references need no insertion order. This needs a
// superuser (the throwaway test server's). Identity values are given
// explicitly (OVERRIDING SYSTEM VALUE), and the identity sequences are
// then moved past them, so later inserts by the code under test get fresh
// keys.
func (d *Data) Script() string {
	var b strings.Builder
	b.WriteString("SET session_replication_role = replica;\n")
	for ti := range d.Tables {
		td := &d.Tables[ti]
		t := &d.Schema.Tables[ti]
		for start := 0; start < len(td.Rows); start += rowsPerInsert {
			writeInsert(&b, t, td, td.Rows[start:min(len(td.Rows), start+rowsPerInsert)])
		}
	}
	for ti := range d.Tables {
		writeSetval(&b, &d.Schema.Tables[ti], &d.Tables[ti])
	}
	b.WriteString("SET session_replication_role = origin;\n")
	return b.String()
}

// writeInsert writes one INSERT of rows into t. Values are untyped
// literals, which PostgreSQL coerces to each column's type.
func writeInsert(b *strings.Builder, t *synth.Table, td *TableData, rows [][]*string) {
	b.WriteString("INSERT INTO ")
	b.WriteString(td.Table.Quoted())
	b.WriteString(" (")
	b.WriteString(ident.QuoteList(td.Columns))
	b.WriteString(")")
	if hasIdentity(t) {
		b.WriteString(" OVERRIDING SYSTEM VALUE")
	}
	b.WriteString(" VALUES")
	for i, row := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  (")
		for j, v := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			if v == nil {
				b.WriteString("NULL")
			} else {
				b.WriteString(ident.Literal(*v))
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(";\n")
}

// writeSetval moves each identity sequence of t past the largest value
// inserted.
func writeSetval(b *strings.Builder, t *synth.Table, td *TableData) {
	for ci, c := range t.Columns {
		if c.Identity == "" || len(td.Rows) == 0 {
			continue
		}
		var top int64
		for _, row := range td.Rows {
			if row[ci] == nil {
				continue
			}
			if v, err := strconv.ParseInt(*row[ci], 10, 64); err == nil && v > top {
				top = v
			}
		}
		if top == 0 {
			continue
		}
		fmt.Fprintf(b, "SELECT setval(pg_get_serial_sequence(%s, %s), %d);\n",
			ident.Literal(td.Table.Quoted()), ident.Literal(c.Name), top)
	}
}

// hasIdentity reports whether t has an identity column.
func hasIdentity(t *synth.Table) bool {
	for _, c := range t.Columns {
		if c.Identity != "" {
			return true
		}
	}
	return false
}

// DDL returns the statement batches that create d.Schema and make the
// foreign keys of d.Deferred deferrable (see synth.Schema.Batches).
func (d *Data) DDL() []string {
	batches := d.Schema.Batches(0)
	if len(d.Deferred) == 0 {
		return batches
	}
	var b strings.Builder
	for _, k := range d.Deferred {
		fmt.Fprintf(&b, "ALTER TABLE %s ALTER CONSTRAINT %s DEFERRABLE INITIALLY DEFERRED;\n",
			ident.QuoteQualified(k.Schema, k.Table), ident.Quote(k.Name))
	}
	return append(batches, b.String())
}

// Load creates d.Schema in the database conn is connected to and inserts
// d's rows. The database should be empty; conn's role must be a superuser
// (see Script).
func Load(ctx context.Context, conn *pgx.Conn, d *Data) error {
	for i, batch := range d.DDL() {
		if _, err := conn.Exec(ctx, batch); err != nil {
			return fmt.Errorf("creating schema (batch %d): %w", i, err)
		}
	}
	if _, err := conn.Exec(ctx, d.Script()); err != nil {
		return fmt.Errorf("inserting rows: %w", err)
	}
	return nil
}
