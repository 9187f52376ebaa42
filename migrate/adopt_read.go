package migrate

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// foreignRecord is what a runner's history says was applied: either a set of
// versions (goose, dbmate) or, for golang-migrate, the last version reached
// (through), everything up to which counts as applied. Both empty means
// nothing was applied.
type foreignRecord struct {
	versions []string
	through  string
}

// foreignReaders reads each runner's history table, already resolved and
// checked for shape.
var foreignReaders = map[AdoptSource]func(context.Context, *pgx.Conn, foreignTable) (foreignRecord, error){
	AdoptGoose:         readGoose,
	AdoptGolangMigrate: readGolangMigrate,
	AdoptDbmate:        readDbmate,
}

// readGoose reads goose_db_version, a log rather than a set: goose inserts a
// row (is_applied true) when it applies a version, and on rollback older
// releases insert a row with is_applied false while newer ones delete the
// version's rows. Like goose's own version lookup (ListMigrations orders by
// id descending and the first row seen per version wins), a version is
// applied when its latest row, the one with the highest id, says so; id is
// a serial, so it follows insertion order where tstamp may tie. Version 0 is
// the row goose writes when it creates the table, not a migration (goose
// versions start at 1).
func readGoose(ctx context.Context, conn *pgx.Conn, t foreignTable) (foreignRecord, error) {
	rows, err := conn.Query(ctx, `SELECT version_id, is_applied FROM `+t.quoted()+` ORDER BY id`)
	if err != nil {
		return foreignRecord{}, fmt.Errorf("reading %s history from %s: %w", t.source, t.display(), err)
	}
	latest := map[int64]bool{}
	var order []int64
	var version int64
	var isApplied bool
	if _, err := pgx.ForEachRow(rows, []any{&version, &isApplied}, func() error {
		if _, seen := latest[version]; !seen {
			order = append(order, version)
		}
		latest[version] = isApplied
		return nil
	}); err != nil {
		return foreignRecord{}, fmt.Errorf("reading %s history from %s: %w", t.source, t.display(), err)
	}
	var rec foreignRecord
	for _, v := range order {
		switch {
		case !latest[v] || v == 0:
		case v < 0:
			return foreignRecord{}, t.errorf("version_id %d is not a migration version", v)
		default:
			rec.versions = append(rec.versions, strconv.FormatInt(v, 10))
		}
	}
	return rec, nil
}

// readGolangMigrate reads golang-migrate's schema_migrations, which holds at
// most one row: SetVersion truncates the table and inserts the version it
// reached, so every migration up to and including it is applied and none
// after it (golang-migrate never applies a version below its current one).
// dirty is set while a migration runs and stays set when it fails; the
// version is then -1 if that was the first migration.
func readGolangMigrate(ctx context.Context, conn *pgx.Conn, t foreignTable) (foreignRecord, error) {
	rows, err := conn.Query(ctx, `SELECT version, dirty FROM `+t.quoted())
	if err != nil {
		return foreignRecord{}, fmt.Errorf("reading %s history from %s: %w", t.source, t.display(), err)
	}
	type row struct {
		version int64
		dirty   bool
	}
	var got []row
	var r row
	if _, err := pgx.ForEachRow(rows, []any{&r.version, &r.dirty}, func() error {
		got = append(got, r)
		return nil
	}); err != nil {
		return foreignRecord{}, fmt.Errorf("reading %s history from %s: %w", t.source, t.display(), err)
	}
	switch {
	case len(got) == 0:
		return foreignRecord{}, nil
	case len(got) > 1:
		return foreignRecord{}, t.errorf("holds %d rows, but golang-migrate keeps exactly one (the last version applied)", len(got))
	case got[0].dirty:
		return foreignRecord{}, &DirtyForeignHistoryError{Table: t.display(), Version: got[0].version}
	case got[0].version < 0:
		return foreignRecord{}, t.errorf("version %d is not a migration version", got[0].version)
	}
	return foreignRecord{through: strconv.FormatInt(got[0].version, 10)}, nil
}

// readDbmate reads dbmate's schema_migrations, a plain set: dbmate inserts
// a file's version (the digits its name starts with) when it applies the
// file and deletes it on rollback, so every row is an applied version.
func readDbmate(ctx context.Context, conn *pgx.Conn, t foreignTable) (foreignRecord, error) {
	rows, err := conn.Query(ctx, `SELECT version::text FROM `+t.quoted()+` ORDER BY 1`)
	if err != nil {
		return foreignRecord{}, fmt.Errorf("reading %s history from %s: %w", t.source, t.display(), err)
	}
	var rec foreignRecord
	var version string
	if _, err := pgx.ForEachRow(rows, []any{&version}, func() error {
		rec.versions = append(rec.versions, version)
		return nil
	}); err != nil {
		return foreignRecord{}, fmt.Errorf("reading %s history from %s: %w", t.source, t.display(), err)
	}
	for _, v := range rec.versions {
		if ValidVersion(v) != nil {
			return foreignRecord{}, t.errorf("version %q is not a migration version (digits, optionally dot-separated)", v)
		}
	}
	return rec, nil
}
