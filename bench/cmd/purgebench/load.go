package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/pgtemp"
)

// defaultPrefix starts the names of the benchmark's databases: the
// template, loaded once, and one copy of it per contender and round.
const defaultPrefix = "purgebench"

// templateName is the template database's name.
func templateName(prefix string) string { return prefix + "_template" }

// dataset describes the loaded template.
type dataset struct {
	tables []table
	// targetUnits and otherUnits size the target user's data and each
	// other user's (see rowsPerUnit).
	targetUnits, otherUnits int
	users                   int
	// rows is the number of rows per table, totalRows their sum.
	rows      map[string]int64
	totalRows int64
	size      string
	loadTime  time.Duration
	// pick holds rows the deletion keeps, for the writer.
	pick *pickList
}

// plan sizes the data of cfg: the target's units from -rows, the other
// users' so that together they own -others-ratio times as much.
func plan(cfg *config) (targetUnits, otherUnits int) {
	per := rowsPerUnit + extraRowsPerUnit*(cfg.tables-len(coreTables))
	targetUnits = max(1, int(math.Round(float64(cfg.rows)/float64(per))))
	otherUnits = max(1, int(math.Ceil(float64(targetUnits)*cfg.othersRatio/float64(cfg.others))))
	return targetUnits, otherUnits
}

// loadTemplate creates the template database on the server admin connects
// to and fills it; it returns with no connection left open, as CREATE
// DATABASE ... TEMPLATE requires.
func loadTemplate(ctx context.Context, admin string, cfg *config, progress io.Writer) (*dataset, error) {
	name := templateName(cfg.prefix)
	if cfg.reuse {
		return reuseTemplate(ctx, admin, cfg)
	}
	if err := pgtemp.DropDatabaseAt(ctx, admin, name); err != nil {
		return nil, err
	}
	dsn, err := pgtemp.CreateDatabaseAt(ctx, admin, name)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", name, err)
	}
	ds, err := fill(ctx, conn, cfg, progress)
	if err == nil && cfg.statements > 0 {
		if _, err = conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"); err != nil {
			err = fmt.Errorf("-statements: %w", err)
		}
	}
	return ds, errors.Join(err, conn.Close(context.WithoutCancel(ctx)))
}

// reuseTemplate describes the template a run with -keep left, loaded
// with the same -rows, -tables and -others.
func reuseTemplate(ctx context.Context, admin string, cfg *config) (*dataset, error) {
	dsn, err := pgtemp.WithDatabase(admin, templateName(cfg.prefix))
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("-reuse: connecting to the kept template: %w", err)
	}
	ds := &dataset{tables: schemaTables(cfg.tables), users: 1 + cfg.others}
	ds.targetUnits, ds.otherUnits = plan(cfg)
	err = describe(ctx, conn, ds)
	return ds, errors.Join(err, conn.Close(context.WithoutCancel(ctx)))
}

// fill creates and fills the tables through conn, then reads what the
// writer and the report need.
func fill(ctx context.Context, conn *pgx.Conn, cfg *config, progress io.Writer) (*dataset, error) {
	ds := &dataset{tables: schemaTables(cfg.tables), users: 1 + cfg.others, rows: map[string]int64{}}
	ds.targetUnits, ds.otherUnits = plan(cfg)
	start := time.Now()
	step := func(what string, sql string, args ...any) error {
		t := time.Now()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		fmt.Fprintf(progress, "  %-44s %s\n", what, time.Since(t).Round(time.Millisecond))
		return nil
	}
	if err := step("preparing", `SET maintenance_work_mem = '512MB';
CREATE TEMP TABLE load_plan (user_id bigint PRIMARY KEY, units integer NOT NULL);
CREATE FUNCTION pick_user(x bigint) RETURNS bigint IMMUTABLE PARALLEL SAFE LANGUAGE sql
	AS 'SELECT 1 + (x * 2654435761 % 4294967291) % `+fmt.Sprint(ds.users)+`'`); err != nil {
		return nil, err
	}
	if err := step("planning units", `INSERT INTO load_plan
SELECT g, CASE WHEN g = $1::bigint THEN $2::int ELSE $3::int END FROM generate_series(1, $4::bigint) g`,
		targetUser, ds.targetUnits, ds.otherUnits, ds.users); err != nil {
		return nil, err
	}
	for _, t := range ds.tables {
		if err := step("creating and filling "+t.name, t.create+";\n"+t.fill); err != nil {
			return nil, err
		}
	}
	for _, t := range ds.tables {
		for _, sql := range t.after {
			if _, err := conn.Exec(ctx, sql); err != nil {
				return nil, fmt.Errorf("keys and indexes of %s: %s: %w", t.name, sql, err)
			}
		}
	}
	fmt.Fprintf(progress, "  %-44s done\n", "keys, indexes, foreign keys")
	if err := step("cleaning up", `DROP FUNCTION pick_user(bigint); DROP TABLE load_plan; RESET maintenance_work_mem`); err != nil {
		return nil, err
	}
	if err := step("vacuuming and analyzing", "VACUUM (ANALYZE)"); err != nil {
		return nil, err
	}
	ds.loadTime = time.Since(start)
	return ds, describe(ctx, conn, ds)
}

// describe reads the row counts, the size and the writer's rows of the
// loaded data into ds.
func describe(ctx context.Context, conn *pgx.Conn, ds *dataset) error {
	var err error
	if ds.rows, err = countRows(ctx, conn, ds.tables); err != nil {
		return err
	}
	for _, n := range ds.rows {
		ds.totalRows += n
	}
	if err := conn.QueryRow(ctx, "SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(&ds.size); err != nil {
		return fmt.Errorf("reading the database size: %w", err)
	}
	ds.pick, err = readPickList(ctx, conn)
	return err
}

// countRows counts every table's rows, in one statement.
func countRows(ctx context.Context, conn *pgx.Conn, tables []table) (map[string]int64, error) {
	sql := ""
	for i, t := range tables {
		if i > 0 {
			sql += " UNION ALL "
		}
		sql += "SELECT " + ident.Literal(t.name) + ", count(*) FROM " + ident.Quote(t.name)
	}
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("counting rows: %w", err)
	}
	counts := map[string]int64{}
	var name string
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error { counts[name] = n; return nil }); err != nil {
		return nil, fmt.Errorf("counting rows: %w", err)
	}
	return counts, nil
}
