package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/pgtemp"
)

// run generates the migrations, measures every side and prints the report.
func run(ctx context.Context, cfg *config, out, progress io.Writer) (err error) {
	dir, err := os.MkdirTemp("", "runnervsgoose-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files, err := writeMigrations(dir, cfg.migrations)
	if err != nil {
		return err
	}
	if err := setupGoose(); err != nil {
		return err
	}

	admin := cfg.dsn
	if admin == "" {
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
		admin = srv.DSN("postgres")
	}
	env, err := describeServer(ctx, admin)
	if err != nil {
		return err
	}

	ss := sides(dir, files, cfg.variants)
	fmt.Fprintf(progress, "%d migrations, %d sides, a warm-up round and %d timed rounds, interleaved...\n", cfg.migrations, len(ss), cfg.rounds)
	for round := 0; round <= cfg.rounds; round++ {
		for i := range ss {
			s := ss[(i+round)%len(ss)] // rotate the order: no side always runs first
			name := fmt.Sprintf("runnervsgoose_%d_%d", round, (i+round)%len(ss))
			d, n, err := measure(ctx, admin, name, s, cfg.migrations)
			if err != nil {
				return fmt.Errorf("%s, round %d: %w", s.name, round, err)
			}
			if round == 0 {
				s.statements = float64(n) / float64(cfg.migrations)
				fmt.Fprintf(progress, "  warm-up      %-38s %8s  %.1f statements per migration\n", s.name, d.Round(time.Millisecond), s.statements)
				continue
			}
			s.times = append(s.times, d)
			fmt.Fprintf(progress, "  round %d/%d  %-38s %8s\n", round, cfg.rounds, s.name, d.Round(time.Millisecond))
		}
	}
	report(out, env, cfg, ss)
	return nil
}

// measure applies the migrations with s to a fresh database and returns
// the time the apply took and the statements it sent.
func measure(ctx context.Context, admin, name string, s *side, n int) (time.Duration, int64, error) {
	dsn, err := pgtemp.CreateDatabaseAt(ctx, admin, name)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = pgtemp.DropDatabaseAt(context.WithoutCancel(ctx), admin, name) }()
	tr := &counter{}
	apply, closeFn, err := s.open(ctx, dsn, tr)
	if err != nil {
		return 0, 0, fmt.Errorf("connecting: %w", err)
	}
	tr.n.Store(0)
	start := time.Now()
	err = apply(ctx)
	d := time.Since(start)
	closeFn()
	if err != nil {
		return 0, 0, err
	}
	if err := verify(ctx, dsn, s, n); err != nil {
		return 0, 0, err
	}
	return d, tr.n.Load(), nil
}

// environment describes where the figures come from.
type environment struct {
	server, fsync string
}

func describeServer(ctx context.Context, admin string) (*environment, error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", pgtemp.RedactDSN(admin), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	env := &environment{}
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('fsync')").Scan(&env.server, &env.fsync); err != nil {
		return nil, fmt.Errorf("reading the server's version: %w", err)
	}
	return env, nil
}

// header is the machine line of the report.
func (e *environment) header() string {
	return fmt.Sprintf("PostgreSQL %s (fsync %s), %s, %d CPUs (GOMAXPROCS %d)",
		e.server, e.fsync, runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0))
}
