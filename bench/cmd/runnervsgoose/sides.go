package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/migrate"
)

// side is one way of applying the migrations.
type side struct {
	name string
	// open connects to a fresh database (not timed) and returns the timed
	// apply and a close.
	open func(ctx context.Context, dsn string, tr *counter) (apply func(context.Context) error, close func(), err error)
	// history is the table the side records versions in ("" for none) and
	// the rows it must hold after a run.
	history     string
	historyRows func(n int) int
	times       []time.Duration
	// statements is what the side sent per migration in the warm-up.
	statements float64
}

// sides lists the sides measured: the baseline first, then goose, then
// ondelete (and its variants).
func sides(dir string, files []migrationFile, variants bool) []*side {
	out := []*side{
		{name: "baseline (BEGIN, statements, COMMIT)", open: baseline(files)},
		{name: "goose v3 Up", open: gooseUp(dir), history: "goose_db_version", historyRows: func(n int) int { return n + 1 }},
		{name: "ondelete Runner.Up", open: ondeleteUp(dir, migrate.RunOptions{}), history: migrate.DefaultHistoryTable, historyRows: same},
	}
	if variants {
		out = append(out,
			&side{name: "ondelete, absorb off (no savepoints)", open: ondeleteUp(dir, migrate.RunOptions{Absorb: []string{}}), history: migrate.DefaultHistoryTable, historyRows: same},
			&side{name: "ondelete, no lock", open: ondeleteUp(dir, migrate.RunOptions{Locking: migrate.LockingNone}), history: migrate.DefaultHistoryTable, historyRows: same},
		)
	}
	return out
}

func same(n int) int { return n }

// counter counts the statements and prepares a connection sends: the
// round trips that make up a runner's overhead.
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *counter) TracePrepareStart(ctx context.Context, _ *pgx.Conn, _ pgx.TracePrepareStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *counter) TracePrepareEnd(context.Context, *pgx.Conn, pgx.TracePrepareEndData) {}

// connect opens a pgx connection that reports to tr.
func connect(ctx context.Context, dsn string, tr *counter) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.Tracer = tr
	return pgx.ConnectConfig(ctx, cfg)
}

// baseline executes each file's statements in a transaction of its own,
// from memory: the database's share of the work, without any runner.
func baseline(files []migrationFile) func(context.Context, string, *counter) (func(context.Context) error, func(), error) {
	return func(ctx context.Context, dsn string, tr *counter) (func(context.Context) error, func(), error) {
		conn, err := connect(ctx, dsn, tr)
		if err != nil {
			return nil, nil, err
		}
		apply := func(ctx context.Context) error {
			for _, f := range files {
				tx, err := conn.Begin(ctx)
				if err != nil {
					return err
				}
				for _, st := range f.up {
					if _, err := tx.Exec(ctx, st); err != nil {
						_ = tx.Rollback(ctx)
						return fmt.Errorf("%s: %w", f.name, err)
					}
				}
				if err := tx.Commit(ctx); err != nil {
					return err
				}
			}
			return nil
		}
		return apply, func() { conn.Close(context.Background()) }, nil
	}
}

// gooseUp runs goose.UpContext with goose's defaults (table
// goose_db_version, a transaction per file) through pgx's database/sql
// driver, on one connection.
func gooseUp(dir string) func(context.Context, string, *counter) (func(context.Context) error, func(), error) {
	return func(ctx context.Context, dsn string, tr *counter) (func(context.Context) error, func(), error) {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, nil, err
		}
		cfg.Tracer = tr
		db := stdlib.OpenDB(*cfg)
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
		apply := func(ctx context.Context) error { return goose.UpContext(ctx, db, dir) }
		return apply, func() { db.Close() }, nil
	}
}

// setupGoose sets goose's process-wide options once.
func setupGoose() error {
	goose.SetLogger(goose.NopLogger())
	goose.SetVerbose(false)
	goose.SetBaseFS(nil)
	if err := goose.SetDialect("postgres"); err != nil {
		return fmt.Errorf("goose dialect: %w", err)
	}
	return nil
}

// ondeleteUp loads the directory and runs Runner.Up with opts, as
// `ondelete migrate up` does.
func ondeleteUp(dir string, opts migrate.RunOptions) func(context.Context, string, *counter) (func(context.Context) error, func(), error) {
	return func(ctx context.Context, dsn string, tr *counter) (func(context.Context) error, func(), error) {
		conn, err := connect(ctx, dsn, tr)
		if err != nil {
			return nil, nil, err
		}
		apply := func(ctx context.Context) error {
			d, err := migrate.Load(dir, migrate.LayoutGoose)
			if err != nil {
				return err
			}
			r, err := migrate.NewRunner(conn, d, opts)
			if err != nil {
				return err
			}
			_, err = r.Up(ctx)
			return err
		}
		return apply, func() { conn.Close(context.Background()) }, nil
	}
}

// verify checks that a run created every table and history row.
func verify(ctx context.Context, dsn string, s *side, n int) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var tables, rows int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'bench\_%'`).Scan(&tables); err != nil {
		return err
	}
	if tables != n {
		return fmt.Errorf("%d tables after the run, want %d", tables, n)
	}
	if s.history == "" {
		return nil
	}
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+ident.Quote(s.history)).Scan(&rows); err != nil {
		return fmt.Errorf("reading %s: %w", s.history, err)
	}
	if want := s.historyRows(n); rows != want {
		return fmt.Errorf("%s holds %d rows, want %d", s.history, rows, want)
	}
	return nil
}
