package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/bench"
	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
	"github.com/ondelete/ondelete/pgtemp"
)

// run starts the server, loads the schema, measures every side and prints
// the report to out; progress goes to progress.
func run(ctx context.Context, cfg *config, out, progress io.Writer) (err error) {
	opts := synth.DefaultOptions(cfg.seed, cfg.tables, cfg.fks)
	if err := opts.Validate(); err != nil {
		return err
	}
	fmt.Fprintln(progress, "starting a throwaway PostgreSQL server...")
	srv, err := pgtemp.Start(ctx, pgtemp.Options{})
	if err != nil {
		return fmt.Errorf("starting PostgreSQL: %w", err)
	}
	release := pgtemp.StopOnSignal(srv)
	defer func() {
		release()
		err = errors.Join(err, srv.Stop())
	}()
	dsn, err := srv.CreateDatabase(ctx, "ondelete_bench")
	if err != nil {
		return err
	}

	env := &environment{cfg: cfg}
	fmt.Fprintf(progress, "loading %d tables and %d foreign keys (seed %d)...\n", cfg.tables, cfg.fks, cfg.seed)
	if err := env.load(ctx, dsn, synth.Generate(opts)); err != nil {
		return err
	}
	sides := env.sides(dsn)
	fmt.Fprintf(progress, "measuring %d sides, interleaved, %d rounds...\n", len(sides), cfg.runs)
	for round := 1; round <= cfg.runs; round++ {
		for _, s := range sides {
			if s.gaveUp || len(s.times) == s.runs {
				continue
			}
			if err := s.measure(ctx); err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			fmt.Fprintf(progress, "  round %d/%d  %-42s %s\n", round, cfg.runs, s.name, s.last())
		}
	}
	fmt.Fprintln(progress, "measuring the memory of inspect + graph...")
	mem, err := measureMemory(ctx, dsn, env.root)
	if err != nil {
		return err
	}
	return report(out, env, sides, mem)
}

// environment is what the report says about the setup.
type environment struct {
	cfg           *config
	loadTime      time.Duration
	serverVersion string
	jit           string
	root          catalog.TableName
	all           *bench.AllGraphs
	snapTables    int
	snapFKs       int
}

// load applies the schema, reads the server's version and settings and
// picks the root with the biggest deletion graph.
func (e *environment) load(ctx context.Context, dsn string, s synth.Schema) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	start := time.Now()
	if err := bench.Load(ctx, conn, s); err != nil {
		return err
	}
	e.loadTime = time.Since(start)
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('jit')").Scan(&e.serverVersion, &e.jit); err != nil {
		return fmt.Errorf("reading server settings: %w", err)
	}
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		return err
	}
	if len(snap.ForeignKeys) != len(s.ForeignKeys) {
		return fmt.Errorf("inspect found %d foreign keys, the generator made %d", len(snap.ForeignKeys), len(s.ForeignKeys))
	}
	e.snapTables, e.snapFKs = len(snap.Tables), len(snap.ForeignKeys)
	if e.all, err = bench.BuildAllGraphs(snap); err != nil {
		return err
	}
	e.root = e.all.Biggest
	return nil
}

// sides lists what is measured, in the order each round runs them.
func (e *environment) sides(dsn string) []*side {
	ss := []*side{inspectAndGraphSide(dsn, e.root)}
	if e.cfg.allRoots {
		ss = append(ss, allGraphsSide(dsn))
	}
	for _, s := range ss {
		s.runs = e.cfg.runs
	}
	for _, q := range e.cfg.drift {
		s := driftSide(dsn, q, e.snapFKs, e.cfg.driftTimeout)
		s.runs = e.cfg.driftRuns
		ss = append(ss, s)
	}
	return ss
}
