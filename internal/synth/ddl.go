package synth

import (
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// DefaultBatchSize is the batch size for Batches that loads large schemas
// fastest. A batch is one implicit transaction holding a lock on every
// relation it creates, and PostgreSQL's shared lock table only has room for
// max_locks_per_transaction × max_connections (64 × 100 by default) of
// them: batches of thousands of statements fail with "out of shared
// memory". Measured on a pgtemp server (2 cores), 5,000 tables and 10,000
// foreign keys load in about 12 s with batches of 250, against about 21 s
// with batches of 50 or of 1,000.
const DefaultBatchSize = 250

// Statements returns the DDL that creates the schema, one statement per
// element without a trailing semicolon, in an order that applies cleanly to
// an empty database: CREATE SCHEMA, CREATE TABLE (with primary and unique
// keys), CREATE INDEX on the indexed referencing columns, then one ALTER
// TABLE ... ADD CONSTRAINT ... FOREIGN KEY per foreign key. Adding the
// foreign keys last lets tables reference each other in cycles.
func (s Schema) Statements() []string {
	stmts := make([]string, 0, len(s.Schemas)+len(s.Tables)+2*len(s.ForeignKeys))
	for _, name := range s.Schemas {
		if name != "public" {
			stmts = append(stmts, "CREATE SCHEMA "+ident.Quote(name))
		}
	}
	for i := range s.Tables {
		stmts = append(stmts, createTable(&s.Tables[i]))
	}
	for i := range s.ForeignKeys {
		if fk := &s.ForeignKeys[i]; fk.Indexed {
			stmts = append(stmts, "CREATE INDEX ON "+ident.QuoteQualified(fk.Schema, fk.Table)+" ("+ident.QuoteList(fk.Columns)+")")
		}
	}
	for i := range s.ForeignKeys {
		stmts = append(stmts, addForeignKey(&s.ForeignKeys[i]))
	}
	return stmts
}

// Batches returns Statements grouped into strings of at most size
// statements each, separated and terminated by semicolons. Sent with the
// simple query protocol (pgx's Exec without arguments, or psql -c), each
// batch is one round trip and one implicit transaction, which is what makes
// a schema of thousands of tables load in seconds. A size below 1 means
// DefaultBatchSize.
func (s Schema) Batches(size int) []string {
	if size < 1 {
		size = DefaultBatchSize
	}
	stmts := s.Statements()
	batches := make([]string, 0, (len(stmts)+size-1)/size)
	for len(stmts) > 0 {
		n := min(size, len(stmts))
		batches = append(batches, joinStatements(stmts[:n]))
		stmts = stmts[n:]
	}
	return batches
}

// Script returns the whole DDL as one SQL text, one statement per
// paragraph, as it would be written in a migration file.
func (s Schema) Script() string {
	return joinStatements(s.Statements())
}

// joinStatements terminates each statement with a semicolon and a newline.
func joinStatements(stmts []string) string {
	var b strings.Builder
	for _, st := range stmts {
		b.WriteString(st)
		b.WriteString(";\n")
	}
	return b.String()
}

// createTable renders t's CREATE TABLE statement, keys included.
func createTable(t *Table) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	b.WriteString(ident.QuoteQualified(t.Schema, t.Name))
	b.WriteString(" (")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.WriteString(columnDef(c))
	}
	b.WriteString(",\n    PRIMARY KEY (")
	b.WriteString(ident.QuoteList(t.PrimaryKey))
	b.WriteByte(')')
	for _, u := range t.Unique {
		b.WriteString(",\n    UNIQUE (")
		b.WriteString(ident.QuoteList(u))
		b.WriteByte(')')
	}
	b.WriteString("\n)")
	return b.String()
}

// columnDef renders one column definition.
func columnDef(c Column) string {
	def := ident.Quote(c.Name) + " " + c.Type
	if c.Identity != "" {
		def += " GENERATED " + strings.ToUpper(c.Identity) + " AS IDENTITY"
	}
	if c.NotNull {
		def += " NOT NULL"
	}
	if c.Default != "" {
		def += " DEFAULT " + c.Default
	}
	return def
}

// addForeignKey renders fk's ALTER TABLE statement. NO ACTION is left
// implicit, as most schemas leave it.
func addForeignKey(fk *ForeignKey) string {
	var b strings.Builder
	b.WriteString("ALTER TABLE ")
	b.WriteString(ident.QuoteQualified(fk.Schema, fk.Table))
	b.WriteString(" ADD CONSTRAINT ")
	b.WriteString(ident.Quote(fk.Name))
	b.WriteString(" FOREIGN KEY (")
	b.WriteString(ident.QuoteList(fk.Columns))
	b.WriteString(") REFERENCES ")
	b.WriteString(ident.QuoteQualified(fk.RefSchema, fk.RefTable))
	b.WriteString(" (")
	b.WriteString(ident.QuoteList(fk.RefColumns))
	b.WriteByte(')')
	if fk.OnDelete != catalog.NoAction {
		b.WriteString(" ON DELETE ")
		b.WriteString(fk.OnDelete.SQL())
	}
	return b.String()
}
