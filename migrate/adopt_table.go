package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
)

// foreignTable is another runner's history table, resolved in the catalog.
type foreignTable struct {
	source AdoptSource
	oid    uint32
	schema string
	name   string
}

// quoted returns the table's name for SQL.
func (t foreignTable) quoted() string { return ident.QuoteQualified(t.schema, t.name) }

// display returns the table's name for messages.
func (t foreignTable) display() string { return ident.DisplayQualified(t.schema, t.name) }

// errorf returns a *ForeignHistoryError about t.
func (t foreignTable) errorf(format string, args ...any) error {
	return &ForeignHistoryError{Source: t.source, Table: t.display(), Msg: fmt.Sprintf(format, args...)}
}

// resolveForeignTable finds the history table: name (SQL identifier syntax,
// optionally schema-qualified) or the source's default. An unqualified name
// is looked up on the search_path, which is where all three runners create
// and look for their table by default. An unquoted part is tried folded to
// lower case first, then as typed, so "Legacy.Migrations" also finds the
// table created as "Legacy"."Migrations".
func resolveForeignTable(ctx context.Context, conn *pgx.Conn, source AdoptSource, name string) (foreignTable, error) {
	if name == "" {
		name = ident.Quote(source.DefaultTable())
	}
	parts, err := ident.Split(name)
	if err != nil {
		return foreignTable{}, fmt.Errorf("%s history table %q: %v", source, name, err)
	}
	if len(parts) > 2 {
		return foreignTable{}, fmt.Errorf("%s history table %q: expected table or schema.table", source, name)
	}
	tableSpellings := parts[len(parts)-1].Spellings()
	schemaSpellings := []string{""}
	if len(parts) == 2 {
		schemaSpellings = parts[0].Spellings()
	}
	for _, s := range schemaSpellings {
		for _, n := range tableSpellings {
			t := foreignTable{source: source}
			err := conn.QueryRow(ctx, `
				SELECT c.oid, n.nspname, c.relname
				FROM pg_catalog.pg_class c
				JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
				WHERE c.oid = pg_catalog.to_regclass($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
				ident.QuoteQualified(s, n)).Scan(&t.oid, &t.schema, &t.name)
			switch {
			case err == nil:
				return t, nil
			case !errors.Is(err, pgx.ErrNoRows):
				return foreignTable{}, fmt.Errorf("looking up %s history table %s: %w", source, ident.DisplayQualified(s, n), err)
			}
		}
	}
	schema := schemaSpellings[0]
	if schema == "" {
		// Name the schema the runner would have created the table in.
		var current *string
		if err := conn.QueryRow(ctx, `SELECT pg_catalog.current_schema()`).Scan(&current); err != nil {
			return foreignTable{}, fmt.Errorf("looking up %s history table: %w", source, err)
		}
		if current != nil {
			schema = *current
		}
	}
	return foreignTable{}, &NoForeignHistoryError{Source: source, Table: ident.DisplayQualified(schema, tableSpellings[0])}
}

// foreignColumn is a column a runner's history table must have, with the
// types (as regtype prints them) the runner may have created it with.
type foreignColumn struct {
	name  string
	types []string
	what  string
}

var (
	foreignIntTypes  = []string{"smallint", "integer", "bigint"}
	foreignTextTypes = []string{"character varying", "text", "character"}
)

// foreignShapes holds, per runner, the columns ReadForeignHistory reads, as
// each runner creates them on PostgreSQL:
//
//   - goose (internal/dialect/dialectquery/postgres.go, CreateTable):
//     id serial primary key, version_id bigint not null, is_applied boolean
//     not null, tstamp timestamp default now().
//   - golang-migrate (database/postgres/postgres.go, ensureVersionTable):
//     version bigint not null primary key, dirty boolean not null.
//   - dbmate (pkg/driver/postgres/postgres.go, CreateMigrationsTable):
//     version varchar primary key (varchar(255) and varchar(128) in older
//     releases).
//
// Checking the shape first turns "adopting from the wrong runner" into a
// message saying so, instead of a column error or, worse, a golang-migrate
// table silently read as a dbmate one.
var foreignShapes = map[AdoptSource][]foreignColumn{
	AdoptGoose: {
		{"id", foreignIntTypes, "an integer"},
		{"version_id", foreignIntTypes, "an integer"},
		{"is_applied", []string{"boolean"}, "boolean"},
	},
	AdoptGolangMigrate: {
		{"version", foreignIntTypes, "an integer"},
		{"dirty", []string{"boolean"}, "boolean"},
	},
	AdoptDbmate: {
		{"version", foreignTextTypes, "text"},
	},
}

// checkShape verifies that t has the columns its runner creates, and says
// which runner the table looks like when it does not.
func (t foreignTable) checkShape(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `
		SELECT a.attname, a.atttypid::regtype::text
		FROM pg_catalog.pg_attribute a
		WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`, t.oid)
	if err != nil {
		return fmt.Errorf("reading the columns of %s: %w", t.display(), err)
	}
	cols := map[string]string{}
	var name, typ string
	if _, err := pgx.ForEachRow(rows, []any{&name, &typ}, func() error {
		cols[name] = typ
		return nil
	}); err != nil {
		return fmt.Errorf("reading the columns of %s: %w", t.display(), err)
	}
	problem := shapeProblem(foreignShapes[t.source], cols)
	if problem == "" {
		return nil
	}
	if other := guessSource(cols); other != "" && other != t.source {
		problem += fmt.Sprintf("; it looks like %s's table (--from %s)", other, other)
	}
	return t.errorf("%s", problem)
}

// shapeProblem returns what keeps cols from matching want, or "".
func shapeProblem(want []foreignColumn, cols map[string]string) string {
	var missing []string
	for _, c := range want {
		typ, ok := cols[c.name]
		switch {
		case !ok:
			missing = append(missing, c.name)
		case !slices.Contains(c.types, typ):
			return fmt.Sprintf("column %s is %s, expected %s", c.name, typ, c.what)
		}
	}
	switch len(missing) {
	case 0:
		return ""
	case 1:
		return "no column " + missing[0]
	}
	return "no columns " + strings.Join(missing, ", ")
}

// guessSource names the runner whose table has cols' shape, or "".
func guessSource(cols map[string]string) AdoptSource {
	for _, s := range AdoptSources() {
		if shapeProblem(foreignShapes[s], cols) == "" {
			return s
		}
	}
	return ""
}
