package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/ident"
)

// DefaultHistoryTable is the table the runner records applied migrations
// in, in the schema History.Schema names (default "public").
const DefaultHistoryTable = "ondelete_migrations"

// History names the table that records what the runner applied.
type History struct {
	// Schema defaults to "public"; it is created when missing.
	Schema string
	// Table defaults to DefaultHistoryTable.
	Table string
}

func (h History) withDefaults() History {
	if h.Schema == "" {
		h.Schema = "public"
	}
	if h.Table == "" {
		h.Table = DefaultHistoryTable
	}
	return h
}

// Qualified is the table's quoted, schema-qualified name for SQL.
func (h History) Qualified() string {
	h = h.withDefaults()
	return ident.QuoteQualified(h.Schema, h.Table)
}

// Display is the table's name as people read it (schema.table).
func (h History) Display() string {
	h = h.withDefaults()
	return ident.DisplayQualified(h.Schema, h.Table)
}

// Record is one applied migration in the history table.
type Record struct {
	Version string `json:"version"`
	Name    string `json:"name"`
	// Checksum is the SHA-256 of the migration's up file when it was
	// applied, to notice files edited afterwards.
	Checksum  string        `json:"checksum"`
	AppliedAt time.Time     `json:"applied_at"`
	Duration  time.Duration `json:"-"`
	// Absorbed counts statements that failed with an absorbed SQLSTATE.
	Absorbed int `json:"absorbed"`
	// Dirty is set while a migration that runs outside a transaction is
	// under way, and stays set when it fails or the runner dies: the
	// database may hold part of it, which only a person can sort out.
	Dirty bool `json:"dirty"`
}

// ensure creates the schema and the history table when missing. It runs
// under the migration lock, so two runners never race to create it.
func (h History) ensure(ctx context.Context, conn *pgx.Conn) error {
	h = h.withDefaults()
	sql := "CREATE SCHEMA IF NOT EXISTS " + ident.Quote(h.Schema) + ";\n" +
		"CREATE TABLE IF NOT EXISTS " + h.Qualified() + ` (
	version     text PRIMARY KEY,
	name        text NOT NULL,
	checksum    text NOT NULL,
	applied_at  timestamptz NOT NULL DEFAULT now(),
	duration_ms bigint NOT NULL DEFAULT 0,
	absorbed    integer NOT NULL DEFAULT 0,
	dirty       boolean NOT NULL DEFAULT false
)`
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("creating history table %s: %w", h.Display(), err)
	}
	return nil
}

// read returns the history sorted by version. A missing table is an
// empty history.
func (h History) read(ctx context.Context, conn *pgx.Conn) ([]Record, error) {
	rows, err := conn.Query(ctx, "SELECT version, name, checksum, applied_at, duration_ms, absorbed, dirty FROM "+h.Qualified())
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "3F000") {
			return nil, nil
		}
		return nil, fmt.Errorf("reading history table %s: %w", h.Display(), err)
	}
	recs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Record, error) {
		var r Record
		var ms int64
		err := row.Scan(&r.Version, &r.Name, &r.Checksum, &r.AppliedAt, &ms, &r.Absorbed, &r.Dirty)
		r.Duration = time.Duration(ms) * time.Millisecond
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading history table %s: %w", h.Display(), err)
	}
	sortRecords(recs)
	return recs, nil
}

// execer is a connection or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// insert records r (replacing a row of the same version, which only a
// dirty or forced one can be).
func (h History) insert(ctx context.Context, q execer, r Record) error {
	_, err := q.Exec(ctx, "INSERT INTO "+h.Qualified()+
		" (version, name, checksum, duration_ms, absorbed, dirty) VALUES ($1, $2, $3, $4, $5, $6)"+
		" ON CONFLICT (version) DO UPDATE SET name = excluded.name, checksum = excluded.checksum, applied_at = now(),"+
		" duration_ms = excluded.duration_ms, absorbed = excluded.absorbed, dirty = excluded.dirty",
		r.Version, r.Name, r.Checksum, r.Duration.Milliseconds(), r.Absorbed, r.Dirty)
	if err != nil {
		return fmt.Errorf("recording %s in %s: %w", r.Version, h.Display(), err)
	}
	return nil
}

// remove deletes the record of version (after its down migration ran).
func (h History) remove(ctx context.Context, q execer, version string) error {
	if _, err := q.Exec(ctx, "DELETE FROM "+h.Qualified()+" WHERE version = $1", version); err != nil {
		return fmt.Errorf("removing %s from %s: %w", version, h.Display(), err)
	}
	return nil
}

// sortRecords orders records by version, as migrations are ordered.
func sortRecords(recs []Record) {
	slices.SortFunc(recs, func(a, b Record) int { return CompareVersions(a.Version, b.Version) })
}

// sortEntries orders status entries by version.
func sortEntries(es []StatusEntry) {
	slices.SortStableFunc(es, func(a, b StatusEntry) int { return CompareVersions(a.Version, b.Version) })
}
